"""Evaluation windows cut out of one forward pass.

Without overlap the span is tiled by ``n_periods`` windows of ``total_length // n_periods`` rows, the last
one taking the remainder.  With ``overlap_fraction > 0`` every window has the base length
``total_length // n_periods`` and starts ``base - int(base * overlap_fraction)`` rows after the previous one
(windows are clipped at ``total_length``), so the windows need not reach the end.

Example:
    >>> [(s.rel_start, s.rel_end) for s in period_specs(4, 1000)]
    [(0, 250), (250, 500), (500, 750), (750, 1000)]
    >>> [(s.rel_start, s.rel_end) for s in period_specs(3, 900, overlap_fraction=0.5)]
    [(0, 300), (150, 450), (300, 600)]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodSpec:
    """Window ``period_id`` covering rows ``[rel_start, rel_end)`` of the forward-pass output."""

    period_id: int
    rel_start: int
    rel_end: int

    @property
    def length(self) -> int:
        return self.rel_end - self.rel_start


def period_specs(n_periods: int, total_length: int, overlap_fraction: float = 0.0) -> list[PeriodSpec]:
    """The ``n_periods`` evaluation windows of a ``total_length``-row forward pass (see module docstring)."""
    if n_periods < 1:
        raise ValueError(f"n_periods must be >= 1, got {n_periods}")
    if not 0.0 <= overlap_fraction < 1.0:
        raise ValueError(f"overlap_fraction must be in [0, 1), got {overlap_fraction}")
    base = total_length // n_periods
    if overlap_fraction > 0:
        step = base - int(base * overlap_fraction)
        return [PeriodSpec(i, i * step, min(i * step + base, total_length)) for i in range(n_periods)]
    return [PeriodSpec(i, i * base, (i + 1) * base if i < n_periods - 1 else total_length)
            for i in range(n_periods)]
