"""Streaming: advance a compiled program one date at a time with the batch kernel and its O(1) state.

``Stream.step(row_fields)`` runs the fused kernel on a single row, so a live process updates every output in
O(1) per asset and operator, and streaming the rows of a panel gives exactly the batch result (same code, same
state, same absolute row phases). ``Stream.state`` is a ``StreamState`` that saves to / loads from an ``.npz``
file; assigning it back restores the stream.

Example:
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> s = Stream(build_plan(parse_module("m = ts_mean(close, 2)")))
    >>> [float(s.step({"close": np.array([v])})["m"][0]) for v in (1.0, 3.0, 5.0)]
    [nan, 2.0, 4.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alphalang.backend.numba import compile_plan, executor
from alphalang.plan import Plan

__all__ = ["Stream", "StreamState"]


@dataclass
class StreamState:
    """Everything a stream needs to continue: the kernel it belongs to, rows seen, and the state buffers."""

    digest: str
    rows: int
    n_assets: int
    fs: np.ndarray
    is_: np.ndarray

    def save(self, path: str | Path) -> None:
        np.savez(path, digest=np.array(self.digest), rows=self.rows, n_assets=self.n_assets, fs=self.fs,
                 is_=self.is_)

    @classmethod
    def load(cls, path: str | Path) -> StreamState:
        with np.load(path, allow_pickle=False) as z:
            return cls(str(z["digest"]), int(z["rows"]), int(z["n_assets"]), z["fs"].copy(), z["is_"].copy())


class Stream:
    """One-date-at-a-time evaluation of a plan (see module docstring)."""

    def __init__(self, plan: Plan, groups: dict[str, np.ndarray] | None = None) -> None:
        self.plan = plan
        self.kernel, self._fn = compile_plan(plan)
        self.groups = dict(groups or {})
        self._state: StreamState | None = None

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.kernel.outputs

    @property
    def rows_seen(self) -> int:
        return 0 if self._state is None else self._state.rows

    @property
    def state(self) -> StreamState:
        """A copy of the current state (save it with ``.save(path)``)."""
        if self._state is None:
            raise ValueError("the stream has no state yet: step it (or warm it up) first")
        s = self._state
        return StreamState(s.digest, s.rows, s.n_assets, s.fs.copy(), s.is_.copy())

    @state.setter
    def state(self, value: StreamState) -> None:
        if value.digest != self.kernel.digest:
            raise ValueError("this state belongs to a different program (kernel digest differs)")
        self._state = StreamState(value.digest, value.rows, value.n_assets, value.fs.copy(), value.is_.copy())

    def save_state(self, path: str | Path) -> None:
        self.state.save(path)

    def load_state(self, path: str | Path) -> None:
        self.state = StreamState.load(path)

    def _ensure_state(self, n: int) -> StreamState:
        if self._state is None:
            fs, is_ = executor.new_state(self.kernel, n)
            self._state = StreamState(self.kernel.digest, 0, n, fs, is_)
        elif self._state.n_assets != n:
            raise ValueError(f"the stream has {self._state.n_assets} assets, this row has {n}")
        return self._state

    def advance(self, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray] | None = None,
                keep: bool = True) -> dict[str, np.ndarray]:
        """Push a block of rows (T, N) through the kernel; returns the outputs for those rows (if ``keep``)."""
        first = np.asarray(fields[self.kernel.fields[0]]) if self.kernel.fields else None
        if first is None:
            raise ValueError("a program that reads no field cannot be streamed")
        t, n = first.shape
        state = self._ensure_state(n)
        field_args = [np.ascontiguousarray(fields[name], dtype=np.float64).reshape(t, n) for name in self.kernel.fields]
        stacked, n_groups = executor.dense_groups(self.kernel, {**self.groups, **(groups or {})}, (t, n))
        out = np.empty((len(self.kernel.outputs), t, n))  # untouched pages cost nothing when not kept
        rows = np.empty((max(self.kernel.n_rows, 1), n))
        fo, io = executor.layout(self.kernel, n)
        prog, consts = executor.tables(self.kernel)
        self._fn(state.rows, 0, t, 0 if keep else t, n, *field_args, stacked, n_groups, out, rows, state.fs,
                 state.is_, fo, io, prog, consts)
        state.rows += t
        return {name: out[k] for k, name in enumerate(self.kernel.outputs)} if keep else {}

    def step(self, row_fields: dict[str, np.ndarray],
             groups: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Advance one date: ``{field: (N,)}`` in, ``{output: (N,)}`` out."""
        block = {name: np.asarray(row_fields[name], dtype=np.float64)[None, :] for name in self.kernel.fields}
        rows = {k: np.asarray(v)[None, :] if np.ndim(v) == 1 else v for k, v in (groups or {}).items()}
        return {name: v[0].copy() for name, v in self.advance(block, rows or None).items()}
