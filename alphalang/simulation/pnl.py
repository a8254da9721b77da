"""Run the compiled book (``weights.book``) for one or many alphas over shared inputs: returns, universe and
group labels are built once per call; alphas run side by side on ``threads`` (the kernel releases the GIL).

Example:
    >>> import numpy as np
    >>> from alphalang.data import Panel
    >>> from alphalang.simulation.settings import resolve
    >>> p = Panel({"close": [[1.0, 1.0], [1.1, 0.9], [1.21, 0.9]]})
    >>> inputs = Inputs.build(p, resolve({"delay": 0}))
    >>> np.round(run_book(np.array([[1.0, -1.0]] * 3), inputs).pnl, 6).tolist()
    [0.0, 2000000.0, 1000000.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from alphalang.data import Panel
from alphalang.errors import AlphaDataError
from alphalang.simulation.universe import universe_mask


def close_returns(close: np.ndarray) -> np.ndarray:
    """R[t] = close[t] / close[t-1] - 1, with row 0 and every missing value 0 (it contributes nothing)."""
    out = np.zeros_like(close)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(close[1:], close[:-1], out=out[1:])
    out[1:] -= 1.0
    out[~np.isfinite(out)] = 0.0
    return out


def dense_labels(panel: Panel, level: str) -> tuple[np.ndarray, int]:
    """(labels (T, N) as 0..G-1 with -1 for no group, G) for a neutralization level ('none' -> G = 0)."""
    t, n = panel.shape
    if level == "none":
        return np.zeros((1, 1), dtype=np.int64), 0
    if level == "market":
        return np.broadcast_to(np.zeros(1, dtype=np.int64), (t, n)), 1
    if not panel.has_group(level):
        panel.group(level)  # raises the AlphaDataError with a did-you-mean
    raw = panel.groups[level.removeprefix("indclass.")]
    values, inverse = np.unique(raw, return_inverse=True)
    first = int(np.searchsorted(values, 0))  # labels < 0 mean "no group"
    dense = (inverse.reshape(raw.shape) - first).astype(np.int64)
    dense[raw < 0] = -1
    return np.broadcast_to(dense, (t, n)), len(values) - first


@dataclass(frozen=True)
class Inputs:
    """What every alpha of one call shares: returns, universe mask, group labels and the settings."""

    returns: np.ndarray
    universe: np.ndarray
    labels: np.ndarray
    n_groups: int
    settings: Any

    @classmethod
    def build(cls, panel: Panel, settings: Any) -> Inputs:
        returns = close_returns(panel.field("close"))
        universe = universe_mask(panel, settings.universe, settings.universe_rebalance)
        labels, n_groups = dense_labels(panel, settings.neutralization)
        return cls(returns, universe, labels, n_groups, settings)


@dataclass(frozen=True)
class Book:
    """One alpha's book over time: (T,) pnl, traded dollars, long/short counts, finite alphas, universe size."""

    pnl: np.ndarray
    traded: np.ndarray
    longs: np.ndarray
    shorts: np.ndarray
    valid: np.ndarray
    members: np.ndarray
    positions: np.ndarray | None = None


def run_book(alpha: np.ndarray, inputs: Inputs, positions: bool = False) -> Book:
    """Simulate one (T, N) float64 alpha; ``positions=True`` also returns the (T, N) dollar positions."""
    from alphalang.simulation.weights import book  # numba is imported on first use, not with alphalang

    t, n = inputs.returns.shape
    if alpha.shape != (t, n):
        raise AlphaDataError(f"the alpha has shape {alpha.shape} but the panel is {t} dates x {n} assets")
    alpha = np.ascontiguousarray(alpha, dtype=np.float64)
    s = inputs.settings
    out = [np.empty(t) for _ in range(6)]
    held = np.empty((t, n)) if positions else np.empty((0, 0))
    book(alpha, inputs.universe, inputs.labels, inputs.n_groups, inputs.returns, s.delay, s.pasteurize, s.decay,
         s.truncation, s.booksize, s.cost_bps, held, *out)
    return Book(*out, positions=held if positions else None)


def run_books(alphas: Sequence[np.ndarray], inputs: Inputs, threads: int = 1) -> list[Book]:
    """``run_book`` for many alphas, ``threads`` at a time."""
    if threads <= 1 or len(alphas) <= 1:
        return [run_book(a, inputs) for a in alphas]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda a: run_book(a, inputs), alphas))
