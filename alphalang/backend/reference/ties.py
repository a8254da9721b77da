"""The tie rule of every rank-like operator (rank, group_rank, ts_rank, ts_argmax/argmin and their _days forms).

Two finite values ``u`` and ``x`` of one ranked set (a date's assets, a group on a date, an asset's window) tie
when ``|u - x| <= TOLERANCE * S``, where S is the largest magnitude in that set (``tie_width``). Values that are
equal in exact arithmetic but come out of a statistic summed in another order (a correlation of exactly 1
computed as 0.9999999999999998; the same 5-day sum of cent prices on two days; a covariance of ranks that is 0
computed as -2.7e-19) are then equal for every rank-like operator, in both backends. S, not the pair's own
magnitude, sets the width because a statistic's rounding error scales with its terms, not its result: a
covariance that cancels to ~0 carries the error of the products it summed. S is a maximum, exact and
independent of order, so both backends derive the same width from the same values.

``TOLERANCE`` is 2^-40 (~9.1e-13, 4096 ulps of S): far above the error of two-pass window statistics (a few
ulps) and above the error of the O(1) running sums of windows beyond ``DIRECT_MAX`` (measured <= ~5e-14 of S
on real prices), yet below the resolution of any market quantity relative to its cross-section (cent prices
up to 1e4: 1e-6; integer volumes up to 1e10: 1e-10).

The ties of a value are its *band* ``{u : |u - x| <= width}``: its rank counts the values below the band and
half of the band (itself included), ``rank(x) = (#below + (#band + 1) / 2) / n``. With width 0 this is the
average-tie rank; with separated clusters it is the average rank over the cluster; it is monotone in x,
depends only on the values (never on their order or on chaining through neighbours) and stays in (0, 1].

Example:
    >>> import numpy as np
    >>> band_ranks(np.array([0.3, 1.0, 0.9999999999999998, -2.7e-19, 0.0]))
    array([3. , 4.5, 4.5, 1.5, 1.5])
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 2.0**-40
_CHUNK_CELLS = 4_000_000  # pairwise comparisons materialised at once


def tie_width(values: np.ndarray, axis=None) -> np.ndarray:
    """``TOLERANCE`` times the largest magnitude of the (finite) values along ``axis``."""
    return TOLERANCE * np.abs(values).max(axis=axis)


def band_ranks(values: np.ndarray) -> np.ndarray:
    """1-based band ranks (ties within ``tie_width``, averaged) of a 1-D array of finite values; by the literal
    definition, comparing every pair (chunked to bound memory)."""
    width = tie_width(values)
    out = np.empty(values.shape)
    step = max(1, _CHUNK_CELLS // max(1, len(values)))
    for s in range(0, len(values), step):
        x = values[s : s + step, None]
        tie = np.abs(values[None, :] - x) <= width
        below = (values[None, :] < x) & ~tie
        out[s : s + step] = below.sum(axis=1) + (tie.sum(axis=1) + 1) / 2.0
    return out


def window_rank(w: np.ndarray) -> np.ndarray:
    """Band rank of the last value among each window (windows along the last axis), not divided by d."""
    today = w[..., -1:]
    tie = np.abs(w - today) <= tie_width(w, axis=-1)[..., None]
    below = (w < today) & ~tie
    return below.sum(axis=-1) + (tie.sum(axis=-1) + 1) / 2.0


def oldest_extreme(w: np.ndarray, largest: bool) -> np.ndarray:
    """0-based position (oldest first) of the oldest value that ties the window's max (or min)."""
    best = w.max(axis=-1) if largest else w.min(axis=-1)
    tie = np.abs(w - best[..., None]) <= tie_width(w, axis=-1)[..., None]
    return np.argmax(tie, axis=-1)


def all_tie(w: np.ndarray) -> np.ndarray:
    """Windows (along the last axis) whose values all tie each other: max - min <= the tie width. A
    correlation over such a window is NaN, as over an exactly constant one."""
    return w.max(axis=-1) - w.min(axis=-1) <= tie_width(w, axis=-1)


def snap_correlation(r: np.ndarray) -> np.ndarray:
    """A correlation has its own scale, 1: one that ties 0, 1 or -1 (within ``TOLERANCE``) is that value.
    A correlation that is 0 in exact arithmetic comes out as +-1e-16 noise, whose order a rank-like operator
    over a window of such zeros would otherwise report."""
    r = np.where(np.abs(r) <= TOLERANCE, 0.0, r)
    return np.where(np.abs(r) >= 1.0 - TOLERANCE, np.sign(r), r)
