"""Streaming: advance a compiled program one date at a time with the batch kernel and its O(1) state.

``Stream.step(row_fields)`` runs the fused kernel on a single row, so a live process updates every output in
O(1) per asset and operator, and streaming the rows of a panel gives exactly the batch result (same code, same
state, same absolute row phases). ``Stream.state`` is a ``StreamState``; ``save_state(path)`` writes it to an
``.npz`` file and ``Stream.load(path, program)`` (or ``program.stream(state=path)``) rebuilds the same stream
in a new process: the file records which fields the kernel reads (a derivable field such as ``returns`` that
the history supplied is read, not derived) and the standing group labels.

A state is checked before any kernel sees it (the kernel indexes its buffers without bounds checks): the NaN
policy it was computed under, kernel digest, dtypes, shapes and sizes against the program and the asset count,
a non-negative row count, and the sorted copies of long ``ts_rank`` windows against their rings. Anything else
is an ``AlphaDataError``.

A stream can grow without bound, so its windows are not clamped to the history (as a batch run's are): a
window's state is sized by the window, and ``executor.check_state_size`` refuses a program whose state would
exceed ``$ALPHALANG_MAX_STATE_MB``.

Example:
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> s = Stream(build_plan(parse_module("m = ts_mean(close, 2)")))
    >>> [float(s.step({"close": np.array([v])})["m"][0]) for v in (1.0, 3.0, 5.0)]
    [nan, 2.0, 4.0]
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alphalang.backend.numba import compile_plan, executor
from alphalang.backend.numba.kernels import tsrank
from alphalang.errors import AlphaDataError
from alphalang.plan import Plan

__all__ = ["Stream", "StreamState"]

MAX_ROWS = 2**53  # a row counter beyond this is not a real stream


@dataclass
class StreamState:
    """Everything a stream needs to continue: its kernel, rows seen, the state buffers, the fields the kernel
    reads and the standing group labels."""

    digest: str
    rows: int
    n_assets: int
    fs: np.ndarray
    is_: np.ndarray
    fields: tuple[str, ...] = ()
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    nan: str = "strict"  # the NaN policy it was computed under (``passes.nanpolicy``)

    def copy(self) -> StreamState:
        return StreamState(self.digest, self.rows, self.n_assets, self.fs.copy(), self.is_.copy(), self.fields,
                           {k: v.copy() for k, v in self.groups.items()}, self.nan)

    def save(self, path: str | Path) -> None:
        labels = np.stack(list(self.groups.values())) if self.groups else np.empty((0, self.n_assets), np.int64)
        np.savez(path, digest=np.array(self.digest), rows=np.int64(self.rows), n_assets=np.int64(self.n_assets),
                 fs=self.fs, is_=self.is_, fields=np.array(self.fields, dtype=str),
                 group_levels=np.array(list(self.groups), dtype=str), group_labels=labels, nan=np.array(self.nan))

    @classmethod
    def load(cls, path: str | Path) -> StreamState:
        """Read a saved state; the file's structure is checked here, its fit to a program by the stream."""
        try:
            with np.load(path, allow_pickle=False) as z:
                items = {key: z[key] for key in z.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise AlphaDataError(f"cannot read stream state {path}: {exc}") from None

        def get(key: str, kinds: str, ndim: int, default=None) -> np.ndarray:
            if key not in items:
                if default is not None:
                    return default
                raise AlphaDataError(f"stream state {path} has no {key!r} array")
            a = items[key]
            if a.dtype.kind not in kinds or a.ndim != ndim:
                raise AlphaDataError(f"stream state {path}: {key!r} is a {a.ndim}-d {a.dtype} array, expected "
                                     f"{ndim}-d of kind {kinds!r}")
            return a

        levels = [str(v) for v in get("group_levels", "U", 1, np.array([], dtype=str))]
        labels = get("group_labels", "iu", 2, np.empty((0, 0), np.int64))
        if labels.shape[0] != len(levels):
            raise AlphaDataError(f"stream state {path}: {len(levels)} group levels but {labels.shape[0]} label rows")
        return cls(str(get("digest", "U", 0)), int(get("rows", "iu", 0)), int(get("n_assets", "iu", 0)),
                   get("fs", "f", 1).copy(), get("is_", "iu", 1).copy(),
                   tuple(str(v) for v in get("fields", "U", 1, np.array([], dtype=str))),
                   {level: labels[k].copy() for k, level in enumerate(levels)},
                   str(get("nan", "U", 0, np.array("strict"))))


def check_state(kernel, state: StreamState) -> None:
    """Raise ``AlphaDataError`` unless ``state`` fits ``kernel`` exactly (see module docstring)."""
    if state.nan != kernel.nan:
        raise AlphaDataError(f"this stream state was computed under the NaN policy {state.nan}, this program uses "
                             f"{kernel.nan}", hint="restore it with a program compiled with the same nan= and "
                             "min_periods= as the one that saved it")
    if state.digest != kernel.digest:
        raise AlphaDataError("this stream state belongs to a different program (kernel digest differs)",
                             hint="restore it with the program that saved it: program.stream(state=path)")
    if not 0 <= state.rows <= MAX_ROWS:
        raise AlphaDataError(f"stream state: row count {state.rows} is out of range (0..{MAX_ROWS})")
    n = state.n_assets
    if not 1 <= n <= MAX_ROWS:
        raise AlphaDataError(f"stream state: asset count {n} is out of range")
    fo, io = executor.layout(kernel, n)
    for name, buf, dtype, size in (("fs", state.fs, np.float64, fo[-1]), ("is_", state.is_, np.int64, io[-1])):
        if not isinstance(buf, np.ndarray) or buf.dtype != dtype or buf.ndim != 1 or buf.size != size:
            got = f"{buf.dtype} {buf.shape}" if isinstance(buf, np.ndarray) else type(buf).__name__
            raise AlphaDataError(f"stream state: buffer {name!r} is {got}; this program with {n} assets needs "
                                 f"{np.dtype(dtype)} ({int(size)},)")
    for level, labels in state.groups.items():
        if np.shape(labels) != (n,) or np.asarray(labels).dtype.kind not in "iu":
            raise AlphaDataError(f"stream state: group level {level!r} labels are not {n} integers")
    for k, s in enumerate(kernel.states):
        if s.family == "tsrank" and s.window > tsrank.SCAN_MAX:  # its binary searches trust the sorted copy
            d, block = s.window, state.fs[fo[k] : fo[k + 1]]
            ring = block[: d * n].reshape(d, n)
            keys = np.where(np.isfinite(ring), ring, np.inf)
            if not np.array_equal(np.sort(keys, axis=0).T.ravel(), block[d * n : 2 * d * n]):
                raise AlphaDataError(f"stream state: the sorted window of state {k} ({s.family}, d={d}) does "
                                     "not match its ring")


class Stream:
    """One-date-at-a-time evaluation of a plan (see module docstring)."""

    def __init__(self, plan: Plan, groups: dict[str, np.ndarray] | None = None) -> None:
        self.plan = plan
        self.kernel, self._fn = compile_plan(plan)
        self.groups = dict(groups or {})
        self._state: StreamState | None = None

    @classmethod
    def load(cls, path: str | Path | StreamState, program) -> Stream:
        """The stream ``program`` had when it saved ``path`` (a file from ``save_state``, or a ``StreamState``).

        ``program.stream(state=path)`` is the same call."""
        state = path if isinstance(path, StreamState) else StreamState.load(path)
        stream = cls(program.plan_for(state.fields), groups=state.groups)
        stream.state = state
        return stream

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
            raise AlphaDataError("the stream has no state yet: step it (or warm it up) first")
        groups = {level: np.atleast_2d(np.asarray(v).astype(np.int64))[-1] for level, v in self.groups.items()}
        return StreamState(self._state.digest, self._state.rows, self._state.n_assets, self._state.fs.copy(),
                           self._state.is_.copy(), self.kernel.fields, groups, self._state.nan)

    @state.setter
    def state(self, value: StreamState) -> None:
        check_state(self.kernel, value)
        self._state = value.copy()
        self.groups.update(self._state.groups)

    def save_state(self, path: str | Path) -> None:
        self.state.save(path)

    def load_state(self, path: str | Path) -> None:
        self.state = StreamState.load(path)

    def _ensure_state(self, n: int) -> StreamState:
        if self._state is None:
            executor.check_state_size([(self.plan, self.kernel)], n)
            fs, is_ = executor.new_state(self.kernel, n)
            self._state = StreamState(self.kernel.digest, 0, n, fs, is_, self.kernel.fields, nan=self.kernel.nan)
        return self._state

    def _fields(self, fields: dict[str, np.ndarray], ndim: int) -> dict[str, np.ndarray]:
        """The kernel's fields as float64 arrays of ``ndim`` dimensions, or an ``AlphaDataError`` naming what
        is missing or malformed."""
        if not self.kernel.fields:
            raise AlphaDataError("a program that reads no field cannot be streamed")
        missing = [name for name in self.kernel.fields if name not in fields]
        if missing:
            raise AlphaDataError(f"the row has no field {', '.join(map(repr, missing))}",
                                 hint=f"the stream reads {', '.join(self.kernel.fields)}")
        arrays = {}
        for name in self.kernel.fields:
            try:
                arrays[name] = np.asarray(fields[name], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise AlphaDataError(f"field {name!r} is not numeric: {exc}") from None
            if arrays[name].ndim != ndim:
                raise AlphaDataError(f"field {name!r} has shape {arrays[name].shape}, expected {ndim} dimension(s)")
        return arrays

    def advance(self, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray] | None = None,
                keep: bool = True) -> dict[str, np.ndarray]:
        """Push a block of rows (T, N) through the kernel; returns the outputs for those rows (if ``keep``)."""
        arrays = self._fields(fields, 2)
        t, n = arrays[self.kernel.fields[0]].shape
        if self._state is not None and self._state.n_assets != n:
            raise AlphaDataError(f"the stream has {self._state.n_assets} assets, this row has {n}")
        all_groups = {**self.groups, **(groups or {})}
        missing = [level for level in self.kernel.groups if level not in all_groups]
        if missing:
            raise AlphaDataError(f"no labels for group level {', '.join(map(repr, missing))}",
                                 hint="pass groups={level: labels} to step(), or build the stream from a panel")
        executor.check_inputs(self.kernel, arrays, all_groups, (t, n))
        state = self._ensure_state(n)
        field_args = [np.ascontiguousarray(arrays[name]) for name in self.kernel.fields]
        stacked, n_groups = executor.dense_groups(self.kernel, all_groups, (t, n))
        out = np.empty((len(self.kernel.outputs), t, n))  # untouched pages cost nothing when not kept
        rows = np.empty((max(self.kernel.n_rows, 1), n))
        fo, io = executor.layout(self.kernel, n)
        prog, consts = executor.tables(self.kernel)
        self._fn(state.rows, 0, t, 0 if keep else t, n, 0, *field_args, stacked, n_groups, out, rows, state.fs,
                 state.is_, fo, io, prog, consts)
        state.rows += t
        return {name: out[k] for k, name in enumerate(self.kernel.outputs)} if keep else {}

    def step(self, row_fields: dict[str, np.ndarray],
             groups: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Advance one date: ``{field: (N,)}`` in, ``{output: (N,)}`` out."""
        block = {name: v[None, :] for name, v in self._fields(row_fields, 1).items()}
        rows = {k: np.asarray(v)[None, :] if np.ndim(v) == 1 else v for k, v in (groups or {}).items()}
        return {name: v[0].copy() for name, v in self.advance(block, rows or None).items()}
