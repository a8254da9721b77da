"""Reference (numpy) implementations of the group statistics and of the operators that compute group labels.

A group is a (date, label) pair; its members are the assets whose label is >= 0 and whose every input is finite
(NaN and ±inf are missing). Each statistic is computed over a group's members in asset order (numpy's
pairwise sums over that contiguous run) and written to every member; a non-member gives NaN. ``bucket``,
``densify`` and ``group_cartesian_product`` return int64 labels (-1: no group).

Example:
    >>> import numpy as np
    >>> group_sum(np.array([[1.0, 2.0, 4.0, np.nan]]), np.array([0, 0, 1, 1]))
    array([[ 3.,  3.,  4., nan]])
    >>> bucket(np.array([[0.05, 0.45, 0.9, np.nan]]), range="0,1,0.1")
    array([[ 1,  5,  9, -1]])
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from alphalang.errors import AlphaTypeError


def _per_group(arrays, g, fn: Callable[..., np.ndarray | float]) -> np.ndarray:
    """``fn(*member values) -> values`` (or one value for all members) within each (date, label) group of the
    assets whose label is >= 0 and whose every array is finite."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))
    shape = arrays[0].shape
    g = np.broadcast_to(np.asarray(g), shape)
    out = np.full(shape, np.nan)
    with np.errstate(all="ignore"):
        for t in range(shape[0]):
            ok = (g[t] >= 0) & np.logical_and.reduce([np.isfinite(a[t]) for a in arrays])
            for label in np.unique(g[t][ok]):
                members = ok & (g[t] == label)
                out[t, members] = fn(*(a[t, members] for a in arrays))
    return out


def _flat(v: np.ndarray) -> bool:
    return bool(v.max() == v.min())


def group_sum(x, g):
    """The sum of x over its group on that date."""
    return _per_group((x,), g, np.sum)


def group_max(x, g):
    """The largest x of its group on that date."""
    return _per_group((x,), g, np.max)


def group_min(x, g):
    """The smallest x of its group on that date."""
    return _per_group((x,), g, np.min)


def group_median(x, g):
    """The median of x over its group on that date (the mean of the two middle values for an even count)."""
    return _per_group((x,), g, np.median)


def group_count(x, g):
    """The number of members (finite x) of its group on that date."""
    return _per_group((x,), g, lambda v: float(len(v)))


def group_std_dev(x, g):
    """The standard deviation (ddof 0) of x over its group on that date; exactly 0 when the members are equal."""
    return _per_group((x,), g, lambda v: 0.0 if _flat(v) else v.std())


def group_scale(x, g):
    """(x - group min) / (group max - group min); NaN where they are equal (e.g. a one-member group)."""
    return _per_group((x,), g, lambda v: np.full(v.shape, np.nan) if _flat(v) else (v - v.min()) / (v.max() - v.min()))


def group_normalize(x, g, scale: float = 1.0):
    """x * scale / (sum of |x| over its group); NaN for the group if that sum is 0."""

    def normalized(v):
        total = np.abs(v).sum()
        return v * scale / total if total != 0 else np.full(v.shape, np.nan)

    return _per_group((x,), g, normalized)


def group_wmean(x, w, g):
    """sum(w * x) / sum(w) over the members (x and w finite) of its group; exactly x when the members' x are all
    equal; NaN if the weights sum to 0."""

    def weighted(v, weights):
        if _flat(v):
            return v[0]
        total = weights.sum()
        return (weights * v).sum() / total if total != 0 else math.nan

    return _per_group((x, w), g, weighted)


def _coefficient(v: np.ndarray, y: np.ndarray) -> float:
    """sum(x * y) / sum(y * y): the coefficient of the projection of x on y (NaN if y is 0)."""
    yy = (y * y).sum()
    return (v * y).sum() / yy if yy != 0 else math.nan


def group_vector_proj(x, y, g):
    """The projection of x on y within its group: y * sum(x*y) / sum(y*y) over the members (x, y finite)."""
    return _per_group((x, y), g, lambda v, y: _coefficient(v, y) * y)


def group_vector_neut(x, y, g):
    """x minus its projection on y within its group (the part of x orthogonal to y over the members)."""
    return _per_group((x, y), g, lambda v, y: v - _coefficient(v, y) * y)


def winsorized_mean(values: np.ndarray, std: float) -> float:
    """The mean of ``values`` clipped to mean ± std * (their standard deviation, ddof 1); one value is itself.

    Example:
        >>> float(winsorized_mean(np.array([4, 2, 5, 5, 7, 2, 9, -4, 2.0]), 4.0))  # BRAIN's example: nothing clipped
        3.5555555555555554
    """
    if len(values) > 1:
        mean, sd = values.mean(), values.std(ddof=1)
        values = np.minimum(np.maximum(values, mean - std * sd), mean + std * sd)
    return values.mean()


def group_backfill(x, g, d: int, std: float = 4.0):
    """A missing x (NaN/±inf) with a label >= 0 becomes the winsorized mean (``winsorized_mean``) of the finite
    values over the last d rows (t-d+1..t, fewer at the start) of the assets in its group on that date (NaN if
    there are none); other values pass through (a missing x without a group stays NaN)."""
    x = np.asarray(x, dtype=np.float64)
    g = np.broadcast_to(np.asarray(g), x.shape)
    out = np.where(np.isfinite(x), x, np.nan)
    with np.errstate(all="ignore"):
        for t in range(x.shape[0]):
            window = x[max(0, t - d + 1) : t + 1]
            for label in np.unique(g[t][np.isnan(out[t]) & (g[t] >= 0)]):
                values = window[:, g[t] == label]  # rows oldest first, each in asset order
                values = values[np.isfinite(values)]
                fill = winsorized_mean(values, std) if len(values) else np.nan
                out[t, np.isnan(out[t]) & (g[t] == label)] = fill
    return out


# ---- labels computed from data --------------------------------------------------------------------------

MAX_BUCKETS = 1_000_000


def _numbers(text: str, what: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise AlphaTypeError(f"bucket(): {what}={text!r} is not a comma-separated list of numbers",
                             hint='e.g. range="0,1,0.1" or buckets="0.2,0.5,0.7"') from None
    if not all(math.isfinite(v) for v in values):
        raise AlphaTypeError(f"bucket(): {what}={text!r} holds a number that is not finite")
    return values


def bucket_bounds(range: str = "0,1,0.1", buckets: str = "") -> np.ndarray:  # noqa: A002  (BRAIN's keyword)
    """The increasing bucket bounds of ``buckets="b1,b2,.."`` when given, else of ``range="start,end,step"``
    (start, start + step, .., end, each rounded to 12 decimals).

    Example:
        >>> bucket_bounds(range="0,1,0.25").tolist(), bucket_bounds(buckets="2,5,6").tolist()
        ([0.0, 0.25, 0.5, 0.75, 1.0], [2.0, 5.0, 6.0])
    """
    if not buckets.strip():
        parts = _numbers(range, "range")
        if len(parts) != 3:
            raise AlphaTypeError(f"bucket(): range={range!r} needs three numbers: start, end, step")
        start, end, step = parts
        count = (end - start) / step if step > 0 else 0.0
        if not end > start or not 0 < count <= MAX_BUCKETS:
            raise AlphaTypeError(f"bucket(): range={range!r} needs start < end, a step > 0 and at most "
                                 f"{MAX_BUCKETS:,} buckets")
        n = max(1, round(count))
        return np.round(start + step * np.arange(n + 1), 12)  # the decimal bounds: 0.1 * 3 is 0.3, not 0.30..04
    bounds = np.array(_numbers(buckets, "buckets"))
    if len(bounds) > MAX_BUCKETS or not (np.diff(bounds) > 0).all():
        raise AlphaTypeError(f"bucket(): buckets={buckets!r} must be increasing")
    return bounds


def bucket(x, range: str = "0,1,0.1", buckets: str = "", skipboth: float = 0.0, nangroup: float = 0.0,  # noqa: A002
           skipbegin: float = 0.0, skipend: float = 0.0):
    """The bucket of each x among the bounds b0 < .. < bm (``bucket_bounds``): label k holds b(k-1) < x <= bk,
    label 0 is x <= b0 and label m + 1 is x > bm (the two outer buckets; ``skipbegin``/``skipend``/``skipboth``
    make the lower/upper/both no group); missing x has no group (-1), or its own label m + 2 with ``nangroup``."""
    bounds = bucket_bounds(range, buckets)
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    labels = np.searchsorted(bounds, np.where(finite, x, 0.0), side="left")
    if skipboth or skipbegin:
        labels = np.where(labels == 0, -1, labels)
    if skipboth or skipend:
        labels = np.where(labels == len(bounds), -1, labels)
    return np.where(finite, labels, len(bounds) + 1 if nangroup else -1).astype(np.int64)


def densify(g):
    """Each date's labels renumbered 0..k-1 in increasing order (k: the date's distinct labels >= 0); -1 stays."""
    g = np.atleast_2d(np.asarray(g))
    out = np.full(g.shape, -1, dtype=np.int64)
    for t in range(g.shape[0]):
        ok = g[t] >= 0
        out[t, ok] = np.searchsorted(np.unique(g[t, ok]), g[t, ok])
    return out


def group_cartesian_product(g1, g2):
    """One group per pair of labels: each date's distinct pairs (g1, g2) with both labels >= 0, numbered 0..k-1
    in the pairs' order (by g1, then g2); -1 where either has no group.

    Example:
        >>> group_cartesian_product(np.array([[1, 0, 1, -1]]), np.array([[0, 2, 0, 1]]))
        array([[ 1,  0,  1, -1]])
    """
    g1, g2 = np.broadcast_arrays(np.atleast_2d(np.asarray(g1)), np.atleast_2d(np.asarray(g2)))
    out = np.full(g1.shape, -1, dtype=np.int64)
    for t in range(g1.shape[0]):
        ok = (g1[t] >= 0) & (g2[t] >= 0)
        pairs = list(zip(g1[t, ok].tolist(), g2[t, ok].tolist(), strict=True))
        number = {pair: k for k, pair in enumerate(sorted(set(pairs)))}
        out[t, ok] = [number[pair] for pair in pairs]
    return out


def bucket_consts(range: str = "0,1,0.1", buckets: str = "", skipboth: float = 0.0, nangroup: float = 0.0,  # noqa: A002
                  skipbegin: float = 0.0, skipend: float = 0.0) -> tuple[float, ...]:
    """bucket's statics as the numba kernel's constants: (number of bounds, no lower outer bucket, no upper outer
    bucket, NaN group, *bounds).

    Example:
        >>> bucket_consts("0,1,0.5", "", 0.0, 1.0, 0.0, 1.0)
        (3.0, 0.0, 1.0, 1.0, 0.0, 0.5, 1.0)
    """
    bounds = bucket_bounds(range, buckets)
    low, high = bool(skipboth or skipbegin), bool(skipboth or skipend)
    return (float(len(bounds)), float(low), float(high), float(bool(nangroup)), *map(float, bounds))
