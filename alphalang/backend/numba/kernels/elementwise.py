"""Scalar helpers used by the registry's elementwise lowering templates (imported as ``ew``).

Each mirrors ``alphalang.backend.reference.elementwise`` exactly: comparisons and logic give 1.0 / 0.0 and NaN
when an operand is NaN; arithmetic is IEEE (numba with ``error_model="numpy"`` never raises). ``ndtri`` is the
inverse standard normal CDF by Wichura's AS241 (PPND16, ~1e-16 relative), the algorithm and operation order of
CPython's ``statistics.NormalDist.inv_cdf``. Nothing here has an eager signature: importing this module compiles
nothing (each helper compiles inside the kernel that uses it).

Example:
    >>> lt(1.0, 2.0), cond(float("nan"), 1.0, 2.0)
    (1.0, nan)
    >>> round(ndtri(0.975), 12)
    1.95996398454
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS

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
def ndtri(p):
    """The inverse standard normal CDF at p in (0, 1) (AS241 PPND16)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r
                   + 4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q
        den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r
                   + 2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                + 4.2313330701600911252e+1) * r + 1.0)
        return num / den
    r = p if q <= 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r = r - 1.6
        num = (((((((7.7454501427834140764e-4 * r + 2.2723844989269184583e-2) * r + 2.4178072517745061177e-1) * r
                   + 1.2704582524523683826e+0) * r + 3.6478483247632045631e+0) * r + 5.7694972214606914055e+0) * r
                + 4.6303378461565452959e+0) * r + 1.4234371107496835773e+0)
        den = (((((((1.0507500716444168432e-9 * r + 5.4759380849953449460e-4) * r + 1.5198666563616457197e-2) * r
                   + 1.4810397642748007459e-1) * r + 6.8976733498510000455e-1) * r + 1.6763848301838038494e+0) * r
                + 2.0531916266377588219e+0) * r + 1.0)
    else:
        r = r - 5.0
        num = (((((((2.0103343992922881327e-7 * r + 2.7115555687434875782e-5) * r + 1.2426609473880784386e-3) * r
                   + 2.6532189526576123093e-2) * r + 2.9656057182850489123e-1) * r + 1.7848265399172913358e+0) * r
                + 5.4637849111641143699e+0) * r + 6.6579046435011037772e+0)
        den = (((((((2.0442631033899397856e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                   + 7.8686913114561325910e-4) * r + 1.4875361290850614853e-2) * r + 1.3692988092273580531e-1) * r
                + 5.9983220655588793769e-1) * r + 1.0)
    x = num / den
    return -x if q < 0.0 else x


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
