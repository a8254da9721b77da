"""Scalar helpers used by the registry's elementwise lowering templates (imported as ``ew``).

Each mirrors ``alphalang.backend.reference.elementwise`` exactly: comparisons and logic give 1.0 / 0.0 and NaN
when an operand is NaN; arithmetic is IEEE (numba with ``error_model="numpy"`` never raises).

Example:
    >>> lt(1.0, 2.0), cond(float("nan"), 1.0, 2.0)
    (1.0, nan)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, quiet_objmode

with quiet_objmode():  # rowstats imports crosssection, whose eager signatures compile the SIMD sort's objmode block
    from alphalang.backend.numba.kernels.rowstats import ndtri

NAN = math.nan


@njit(**JIT_OPTIONS)
def lt(a, b):
    return NAN if (a != a or b != b) else (1.0 if a < b else 0.0)


@njit(**JIT_OPTIONS)
def le(a, b):
    return NAN if (a != a or b != b) else (1.0 if a <= b else 0.0)


@njit(**JIT_OPTIONS)
def gt(a, b):
    return NAN if (a != a or b != b) else (1.0 if a > b else 0.0)


@njit(**JIT_OPTIONS)
def ge(a, b):
    return NAN if (a != a or b != b) else (1.0 if a >= b else 0.0)


@njit(**JIT_OPTIONS)
def eq(a, b):
    return NAN if (a != a or b != b) else (1.0 if a == b else 0.0)


@njit(**JIT_OPTIONS)
def ne(a, b):
    return NAN if (a != a or b != b) else (1.0 if a != b else 0.0)


@njit(**JIT_OPTIONS)
def logical_or(a, b):
    return NAN if (a != a or b != b) else (1.0 if a != 0.0 or b != 0.0 else 0.0)


@njit(**JIT_OPTIONS)
def logical_and(a, b):
    return NAN if (a != a or b != b) else (1.0 if a != 0.0 and b != 0.0 else 0.0)


@njit(**JIT_OPTIONS)
def logical_not(a):
    return NAN if a != a else (1.0 if a == 0.0 else 0.0)


@njit(**JIT_OPTIONS)
def cond(c, a, b):
    """``c ? a : b``; NaN where c is NaN."""
    if c != c:
        return NAN
    return a if c != 0.0 else b


@njit(**JIT_OPTIONS)
def log(x):
    return np.log(x)


@njit(**JIT_OPTIONS)
def sqrt(x):
    return np.sqrt(x)


@njit(**JIT_OPTIONS)
def exp(x):
    return np.exp(x)


@njit(**JIT_OPTIONS)
def sign(x):
    """-1, 0 or 1; NaN stays NaN (numpy's sign)."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x == 0.0 else x  # +0 for ±0 (as numpy), NaN for NaN


@njit(**JIT_OPTIONS)
def power(x, y):
    """numpy power, with a negative base (-inf included) and a finite fractional exponent always NaN."""
    if x < 0.0 and np.isfinite(y) and y != math.floor(y):
        return NAN
    return np.power(x, y)


@njit(**JIT_OPTIONS)
def signedpower(x, a):
    """sign(x) * |x| ^ a, in the reference's order of operations."""
    return sign(x) * np.power(abs(x), a)


@njit(**JIT_OPTIONS)
def minimum(a, b):
    """NaN-propagating minimum (numpy's minimum)."""
    if a != a or b != b:
        return NAN
    return a if a < b else b  # ties give b, as numpy (matters for ±0)


@njit(**JIT_OPTIONS)
def maximum(a, b):
    """NaN-propagating maximum (numpy's maximum)."""
    if a != a or b != b:
        return NAN
    return a if a > b else b


@njit(**JIT_OPTIONS)
def fillna(x, v):
    """x where it is not NaN, else v (±inf are kept)."""
    return v if x != x else x


# ---- rounding and modulo (mirror ``backend.reference.arithmetic``) ------------------------------------------
@njit(**JIT_OPTIONS)
def round_half_away(x):
    whole = np.trunc(x)
    return whole + np.sign(x) if abs(x - whole) >= 0.5 else whole


@njit(**JIT_OPTIONS)
def round_down(x, f):
    return np.floor(x / f) * f if f > 0 else NAN


@njit(**JIT_OPTIONS)
def mod(x, y):
    return NAN if y == 0 else np.mod(x, y)


@njit(**JIT_OPTIONS)
def floor(x):
    return np.floor(x)


@njit(**JIT_OPTIONS)
def ceil(x):
    return np.ceil(x)


@njit(**JIT_OPTIONS)
def fraction(x):
    return np.sign(x) * (abs(x) - np.floor(abs(x)))


@njit(**JIT_OPTIONS)
def arcsin(x):
    return np.arcsin(x)


@njit(**JIT_OPTIONS)
def arccos(x):
    return np.arccos(x)


@njit(**JIT_OPTIONS)
def fill_missing(x, v):
    return x if np.isfinite(x) else v


@njit(**JIT_OPTIONS)
def inverse_cdf(p, driver):
    """``reference.arithmetic.inverse_cdf`` with the driver as its index (gaussian 0, uniform 1, cauchy 2)."""
    if not (p > 0.0 and p < 1.0):
        return NAN
    if driver == 0.0:
        return ndtri(p)
    if driver == 2.0:
        return math.tan(math.pi * (p - 0.5))
    return p - 0.5
