"""Reference (numpy) implementations of the cross-sectional and group operators.

Each works on one date (row) at a time, over the assets whose value is finite; NaN and ±inf are missing
and give NaN. Group labels are integers; a negative label means "no group" and gives NaN.

Example:
    >>> import numpy as np
    >>> rank(np.array([[3.0, 1.0, np.nan, 1.0]]))
    array([[1. , 0.5, nan, 0.5]])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference import moments
from alphalang.backend.reference.ties import band_ranks


def _per_row(x, fn) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        for t in range(x.shape[0]):
            ok = np.isfinite(x[t])
            if ok.any():
                out[t, ok] = fn(x[t, ok])
    return out


def rank(x):
    """Average-tie rank among the finite values of the date, divided by their count: in (0, 1]; values within
    the tie width of each other tie (``ties``)."""
    return _per_row(x, lambda v: band_ranks(v) / len(v))


def scale(x, a: float = 1.0):
    """x * a / sum(|x|) over the date's finite values; NaN for the whole date if that sum is 0."""

    def scaled(v):
        total = np.abs(v).sum()
        return v * a / total if total != 0 else np.full(v.shape, np.nan)

    return _per_row(x, scaled)


def _zscore(v: np.ndarray) -> np.ndarray:
    """(v - mean) / std (ddof 0); NaN if the values are all equal (tested exactly: the rounded std of a
    constant set such as [0.1, 0.1, 0.1] is ~1e-17, not 0, and would give ±1)."""
    if v.max() == v.min():
        return np.full(v.shape, np.nan)
    return (v - v.mean()) / std(v)


def std(v: np.ndarray) -> float:
    """numpy's ``v.std()`` (ddof 0), with the deviations divided by a power of two first when they lie beyond
    ``moments.SAFE_MAGNITUDE`` of 1 (exact), so their squares neither underflow to 0 nor overflow.

    >>> float(std(np.array([0.0, 4.9e-182]))), float(np.array([0.0, 4.9e-182]).std())
    (2.45e-182, 0.0)
    """
    c = v - v.mean()
    s = moments.scale(c[None, :])[0]
    return float(np.sqrt(np.mean((c / s) ** 2)) * s)


def cs_zscore(x):
    """(x - mean) / std over the date's finite values, std with ddof 0; NaN if that std is 0."""
    return _per_row(x, _zscore)


def _per_group(x, g, fn) -> np.ndarray:
    """Apply ``fn(values) -> values`` within each (date, label) group of finite values."""
    x = np.asarray(x, dtype=np.float64)
    g = np.broadcast_to(np.asarray(g), x.shape)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        for t in range(x.shape[0]):
            ok = np.isfinite(x[t]) & (g[t] >= 0)
            for label in np.unique(g[t][ok]):
                members = ok & (g[t] == label)
                out[t, members] = fn(x[t, members])
    return out


def group_mean(x, g):
    """The mean of x over the finite members of each asset's group on that date (exactly their value when they
    are all equal)."""
    return _per_group(x, g, lambda v: np.full(v.shape, v[0] if v.max() == v.min() else v.mean()))


def indneutralize(x, g):
    """x minus its group's mean on that date (a singleton group gives 0)."""
    return _per_group(x, g, lambda v: np.zeros(v.shape) if v.max() == v.min() else v - v.mean())


def group_rank(x, g):
    """Average-tie rank within the group on that date, divided by the group's count: in (0, 1]; ties as
    ``rank``, with the group's own width."""
    return _per_group(x, g, lambda v: band_ranks(v) / len(v))


def group_zscore(x, g):
    """(x - group mean) / group std (ddof 0) on that date; NaN where that std is 0."""
    return _per_group(x, g, _zscore)
