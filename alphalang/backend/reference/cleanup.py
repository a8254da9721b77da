"""Reference (numpy) implementations of the cross-sectional clean-up operators (issue 10, item 4).

Each works on one date (row) at a time over the assets whose value is finite (both values finite for the
two-input operators); NaN and ±inf are missing, take no part and give NaN. A statistic of the date is written
to every asset with a finite value. An all-equal date is recognised exactly (``max == min``): its mean is the
value itself and its spread exactly 0, never rounding noise.

Example:
    >>> import numpy as np
    >>> winsorize(np.array([[2.0, 3.0, 4.0, 5.0, 100.0, np.nan]]), 1.0).round(2)
    array([[ 2.  ,  3.  ,  4.  ,  5.  , 61.41,   nan]])
    >>> vector_neut(np.array([[1.0, 2.0, 3.0]]), np.array([[3.0, 4.0, 5.0]])).round(2)
    array([[-0.56, -0.08,  0.4 ]])
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from alphalang.backend.reference.rowwise import rank as _rank
from alphalang.backend.reference.rowwise import scale as _scale
from alphalang.backend.reference.ties import band_ranks

DRIVERS = ("gaussian", "uniform", "cauchy")  # quantile's driver choices, in CHOICE-index order
_STANDARD_NORMAL = NormalDist()


def _rows(fn, *arrays) -> np.ndarray:
    """``fn(*finite values) -> values`` per date over the assets where every array is finite."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))
    out = np.full(arrays[0].shape, np.nan)
    with np.errstate(all="ignore"):
        for t in range(arrays[0].shape[0]):
            ok = np.logical_and.reduce([np.isfinite(a[t]) for a in arrays])
            if ok.any():
                out[t, ok] = fn(*(a[t, ok] for a in arrays))
    return out


def _flat(v: np.ndarray) -> bool:
    return bool(v.max() == v.min())


def _mean(v: np.ndarray) -> float:
    """The mean; exactly the value of an all-equal set."""
    return v[0] if _flat(v) else v.mean()


def _std(v: np.ndarray) -> float:
    """Standard deviation with ddof 0; exactly 0 for an all-equal set."""
    return 0.0 if _flat(v) else v.std()


def _each(stat):
    return lambda x: _rows(lambda v: np.full(v.shape, stat(v)), x)


# ---- statistics of the date, written to every asset with a finite value ----------------------------------
cs_mean = _each(_mean)
cs_std = _each(_std)
cs_min = _each(np.min)
cs_max = _each(np.max)
cs_sum = _each(np.sum)
cs_count = _each(len)
cs_median = _each(np.median)
for _fn, _what in ((cs_mean, "mean"), (cs_std, "standard deviation (ddof 0)"), (cs_min, "minimum"),
                   (cs_max, "maximum"), (cs_sum, "sum"), (cs_count, "number"), (cs_median, "median")):
    _fn.__doc__ = f"The {_what} of the date's finite values, at every asset with a finite value."


# ---- clean-up ---------------------------------------------------------------------------------------------

def winsorize(x, std: float = 4.0):
    """x clipped to [mean - std * sd, mean + std * sd] of the date (sd with ddof 0); an all-equal date is
    unchanged."""

    def clipped(v):
        if _flat(v):
            return v
        mean, sd = v.mean(), v.std()
        return np.minimum(np.maximum(v, mean - std * sd), mean + std * sd)

    return _rows(clipped, x)


def normalize(x, useStd: float = 0.0, limit: float = 0.0):  # noqa: N803 (BRAIN's keyword)
    """x minus the date's mean; if ``useStd`` (nonzero), divided by the date's std with ddof 1 (BRAIN's worked
    example); then, if ``limit > 0``, clipped to [-limit, limit]. With useStd, an all-equal date or a single
    value gives NaN."""

    def normalized(v):
        if useStd and (len(v) < 2 or _flat(v)):
            return np.full(v.shape, np.nan)
        d = np.zeros(v.shape) if _flat(v) else v - v.mean()
        if useStd:
            d = d / np.sqrt(np.sum(d * d) / (len(v) - 1))
        if limit > 0:
            d = np.minimum(np.maximum(d, -limit), limit)
        return d

    return _rows(normalized, x)


def _capped(a: np.ndarray, cap: float) -> np.ndarray:
    """Magnitudes ``a`` of one side of the book, their total kept: weights above ``cap`` are set to it and the
    excess goes to the others in proportion, repeated until none exceeds the cap (all capped if the side
    cannot hold its total under the cap)."""
    total = a.sum()
    capped = np.zeros(a.shape, dtype=bool)
    while True:
        free = ~capped
        if not free.any():
            return np.full(a.shape, cap)
        w = np.where(capped, cap, a * ((total - cap * capped.sum()) / a[free].sum()))
        over = free & (w > cap)
        if not over.any():
            return w
        capped |= over


def truncate(x, maxPercent: float = 0.01):  # noqa: N803 (BRAIN's keyword)
    """No weight beyond ``maxPercent`` of the date's book sum(|x|): the long and the short side separately,
    each keeping its total, by capping and redistributing until no weight exceeds the cap."""

    def truncated(v):
        out = v.copy()
        cap = maxPercent * np.abs(v).sum()
        for side in (v > 0, v < 0):
            if side.any():
                out[side] = np.sign(v[side]) * _capped(np.abs(v[side]), cap)
        return out

    return _rows(truncated, x)


def scale_down(x, constant: float = 0.0):
    """(x - min) / (max - min) - constant over the date; NaN for an all-equal date (no range)."""
    return _rows(lambda v: np.full(v.shape, np.nan) if _flat(v) else (v - v.min()) / (v.max() - v.min())
                 - constant, x)


def _driver(driver) -> str:
    """The driver's name from its string or its CHOICE index."""
    return driver.lower() if isinstance(driver, str) else DRIVERS[int(driver)]


def quantile(x, driver="gaussian", sigma: float = 1.0):
    """BRAIN's quantile: the rank r in [0, 1] (lowest 0, highest 1, ties averaged; a single value 1/2),
    shifted to p = 1/N + r (1 - 2/N) in [1/N, 1 - 1/N], then sigma times the driver's inverse CDF at p:
    gaussian Φ⁻¹(p), cauchy tan(π (p - 1/2)), uniform p - mean(p)."""
    name = _driver(driver)

    def mapped(v):
        n = len(v)
        q = band_ranks(v) / n
        p = np.full(v.shape, 0.5) if n == 1 else 1.0 / n + (q * n - 1.0) / (n - 1.0) * (1.0 - 2.0 / n)
        if name == "gaussian":
            return sigma * np.array([_STANDARD_NORMAL.inv_cdf(u) for u in p])
        if name == "cauchy":
            return sigma * np.tan(math.pi * (p - 0.5))
        return sigma * (p - p.mean())

    return _rows(mapped, x)


# ---- regressions and projections over the date's assets (both values finite) -------------------------------

def _ols(y: np.ndarray, x: np.ndarray, fitted: bool) -> np.ndarray:
    """Per-date OLS of y on x with an intercept: the fitted values a + b x, or the residuals. A constant x
    explains nothing beyond the mean (fit = mean of y)."""
    my = _mean(y)
    dy = y - my
    if _flat(x):
        return np.full(y.shape, my) if fitted else dy
    dx = x - x.mean()
    beta = np.sum(dx * dy) / np.sum(dx * dx)
    return my + beta * dx if fitted else dy - beta * dx


def regression_neut(y, x):
    """y - (a + b x): the residual of the date's OLS of y on x with an intercept."""
    return _rows(lambda a, b: _ols(a, b, fitted=False), y, x)


def regression_proj(y, x):
    """a + b x: the fitted part of the date's OLS of y on x with an intercept."""
    return _rows(lambda a, b: _ols(a, b, fitted=True), y, x)


def _projection(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(x . y / y . y) y; the zero vector if y is."""
    yy = np.sum(y * y)
    return np.zeros(y.shape) if yy == 0 else (np.sum(x * y) / yy) * y


def vector_proj(x, y):
    """(x . y / y . y) y over the date's assets (no intercept); 0 where y is all zero."""
    return _rows(_projection, x, y)


def vector_neut(x, y):
    """x - (x . y / y . y) y: the part of x orthogonal to y over the date's assets."""
    return _rows(lambda a, b: a - _projection(a, b), x, y)


def rank(x, rate: float = 2.0):
    """``rank`` with BRAIN's ``rate`` (a sorting-precision hint): accepted, no effect; ranks are exact."""
    return _rank(x)


def cs_diff_weighted_sum(x, w):
    """KunQuant's DiffWithWeightedSum: x - sum(x * w) over the date's assets where both are finite."""
    return _rows(lambda a, b: a - np.sum(a * b), x, w)


def scale(x, a: float = 1.0, longscale: float = 1.0, shortscale: float = 1.0):
    """x * a / sum(|x|) over the date (NaN for the whole date if that sum is 0); with BRAIN's longscale or
    shortscale other than 1, the positive values are scaled to sum to longscale and the negative ones to sum to
    -shortscale instead (``a`` unused)."""
    if longscale == 1 and shortscale == 1:
        return _scale(x, a)

    def sides(v):
        out = v.copy()
        for side, book in ((v > 0, longscale), (v < 0, shortscale)):
            if side.any():
                out[side] = v[side] * book / np.abs(v[side]).sum()
        return out

    return _rows(sides, x)
