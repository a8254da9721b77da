"""The chunked plan: time split into chunks, each output group with its own halo (its exact lookback).

A program's outputs run as kernel groups (``backend.numba.partition``). A group whose operators all have a
finite window (its ``lookback``) computes rows ``[start, stop)`` exactly from rows
``[start - lookback, stop)`` with fresh state: every output row depends on at most ``lookback`` earlier rows,
and the kernels' results depend only on a window's values and the absolute row index, never on how the state
got there. Such a group is *bounded*: its chunks are independent. A group holding a recursion (ts_ema, hump,
trade_when, cumulative sums: a family of kind ``"state"``, ``Kernel.has_unbounded``) has no finite lookback:
it is *chained*, chunk k starting from the state chunk k - 1 ended with, exactly as one long run continues.

Example:
    >>> layout = ChunkLayout.build(n_rows=10, chunk_rows=4, halos=(3, 0), chained=(False, True))
    >>> layout.bounds
    ((0, 4), (4, 8), (8, 10))
    >>> layout.read_range(1), layout.part_first(0, 1), layout.part_first(1, 1)
    ((1, 8), 1, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

from alphalang.backend.numba.halo import exact_halo
from alphalang.errors import AlphaDataError

__all__ = ["ChunkLayout", "MODES", "exact_halo"]

#: how a run's chunks are evaluated: "state" (every group chained: no halos; groups in parallel), "halo"
#: (bounded groups on halos: chunks in parallel) or "auto" (``engine.choose_mode``)
MODES = ("auto", "state", "halo")


@dataclass(frozen=True)
class ChunkLayout:
    """Chunk row ranges over ``n_rows`` and, per kernel group, its halo and whether its state is chained."""

    n_rows: int
    bounds: tuple[tuple[int, int], ...]
    halos: tuple[int, ...]  # per group: rows of history before a chunk (0 for chained groups)
    chained: tuple[bool, ...]  # per group: state handed from chunk k - 1 to chunk k

    @classmethod
    def build(cls, n_rows: int, chunk_rows: int, halos: tuple[int, ...], chained: tuple[bool, ...]) -> ChunkLayout:
        """Chunks of ``chunk_rows`` rows (the last may be shorter). Any ``chunk_rows >= 1`` is exact: a chunk
        shorter than a group's halo simply reads further back (at the cost of reading those rows again)."""
        if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
            raise AlphaDataError(f"chunk_rows must be a positive number of dates, got {chunk_rows!r}")
        if n_rows < 1:
            raise AlphaDataError("the data has no dates to evaluate")
        edges = list(range(0, n_rows, chunk_rows)) + [n_rows]
        bounds = tuple((a, b) for a, b in zip(edges[:-1], edges[1:], strict=True))
        halos = tuple(0 if c else int(h) for h, c in zip(halos, chained, strict=True))
        return cls(n_rows, bounds, halos, tuple(chained))

    def part_first(self, part: int, chunk: int) -> int:
        """The first row group ``part`` processes for chunk ``chunk`` (its halo before the chunk's start)."""
        return max(0, self.bounds[chunk][0] - self.halos[part])

    def read_range(self, chunk: int, parts: tuple[int, ...] | None = None) -> tuple[int, int]:
        """The rows chunk ``chunk`` reads for ``parts`` (default all): from the earliest halo to its stop."""
        parts = range(len(self.halos)) if parts is None else parts
        return min((self.part_first(p, chunk) for p in parts), default=self.bounds[chunk][0]), self.bounds[chunk][1]

    @property
    def bounded(self) -> tuple[int, ...]:
        return tuple(p for p, c in enumerate(self.chained) if not c)

    @property
    def chain(self) -> tuple[int, ...]:
        return tuple(p for p, c in enumerate(self.chained) if c)
