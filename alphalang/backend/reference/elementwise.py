"""Reference (numpy) implementations of the elementwise operators: IEEE arithmetic, NaN-aware logic.

Comparisons and logic give 1.0 / 0.0, and NaN when an operand is NaN.

Example:
    >>> import numpy as np
    >>> lt(np.array([1.0, 3.0, np.nan]), 2.0)
    array([ 1.,  0., nan])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference import libm


def _nan_where(result, *operands):
    result = np.asarray(result, dtype=np.float64)
    mask = np.zeros(result.shape, dtype=bool)
    for x in operands:
        mask |= np.isnan(x)
    return np.where(mask, np.nan, result)


def add(x, y):
    with np.errstate(all="ignore"):
        return np.add(x, y, dtype=np.float64)


def sub(x, y):
    with np.errstate(all="ignore"):
        return np.subtract(x, y, dtype=np.float64)


def mul(x, y):
    with np.errstate(all="ignore"):
        return np.multiply(x, y, dtype=np.float64)


def div(x, y):
    with np.errstate(all="ignore"):
        return np.divide(x, y, dtype=np.float64)


def power(x, y):
    """numpy power, except that a negative base (-inf included) with a finite fractional exponent is always
    NaN: numpy gives (-inf) ** 1.5 = inf for an array exponent but NaN for a scalar one (its sqrt fast
    path), so the result would depend on whether the exponent was constant-folded."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        fractional = (x < 0) & np.isfinite(y) & (y != np.floor(y))
        return np.where(fractional, np.nan, np.power(x, y))


def neg(x):
    return np.negative(x, dtype=np.float64)


def _compare(fn):
    def compare(x, y):
        with np.errstate(all="ignore"):
            return _nan_where(fn(x, y), x, y)

    compare.__name__ = fn.__name__
    return compare


lt, le, gt, ge, eq, ne = (_compare(f) for f in (np.less, np.less_equal, np.greater, np.greater_equal,
                                                   np.equal, np.not_equal))


def logical_or(x, y):
    return _nan_where((np.asarray(x) != 0) | (np.asarray(y) != 0), x, y)


def logical_and(x, y):
    return _nan_where((np.asarray(x) != 0) & (np.asarray(y) != 0), x, y)


def logical_not(x):
    return _nan_where(np.asarray(x) == 0, x)


def cond(c, a, b):
    """``c ? a : b``: a where c != 0, b where c == 0, NaN where c is NaN."""
    c = np.asarray(c, dtype=np.float64)
    return _nan_where(np.where(c != 0, a, b), c)


def absolute(x):
    return np.abs(x, dtype=np.float64)


def log(x):
    return libm.apply("log", x)  # the kernels' libm, to the bit (``reference.libm``)


def sqrt(x):
    with np.errstate(all="ignore"):
        return np.sqrt(x, dtype=np.float64)


def exp(x):
    return libm.apply("exp", x)  # the kernels' libm, to the bit (``reference.libm``)


def sign(x):
    return np.sign(x, dtype=np.float64)


def s_log_1p(x):
    """sign(x) * log1p(|x|)."""
    return np.sign(x, dtype=np.float64) * np.log1p(np.abs(np.asarray(x, dtype=np.float64)))


def signedpower(x, a):
    """sign(x) * |x| ^ a."""
    with np.errstate(all="ignore"):
        return np.sign(x) * np.power(np.abs(np.asarray(x, dtype=np.float64)), a)


def minimum(x, y):
    return np.minimum(x, y, dtype=np.float64)


def maximum(x, y):
    return np.maximum(x, y, dtype=np.float64)


def clip(x, lo, hi):
    """min(max(x, lo), hi), NaN if any operand is NaN."""
    return np.minimum(np.maximum(x, lo, dtype=np.float64), hi)


def fillna(x, v):
    """x where x is not NaN, else v (±inf are values here and stay)."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isnan(x), v, x)
