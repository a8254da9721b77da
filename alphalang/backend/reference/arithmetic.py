"""Reference (numpy) implementations of the rounding, trigonometric and other elementwise math operators.

IEEE throughout: NaN in gives NaN out, an argument outside a function's domain gives NaN (``arc_sin(2)``).

Example:
    >>> import numpy as np
    >>> round_half_away(np.array([0.5, -0.5, 1.49, 2.5]))
    array([ 1., -1.,  1.,  3.])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference import libm


def _quiet(fn):
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return fn(*(np.asarray(a, dtype=np.float64) for a in args))

    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


@_quiet
def round_half_away(x):
    """The nearest whole number, halves away from zero (0.5 -> 1, -2.5 -> -3), exact for every float."""
    whole = np.trunc(x)
    return np.where(np.abs(x - whole) >= 0.5, whole + np.sign(x), whole)


@_quiet
def floor(x):
    return np.floor(x)


@_quiet
def ceil(x):
    return np.ceil(x)


@_quiet
def round_down(x, f):
    """The largest multiple of f not above x (BRAIN's round_down); f <= 0 gives NaN."""
    return np.where(f > 0, np.floor(x / f) * f, np.nan)


@_quiet
def fraction(x):
    """The fractional part with x's sign: sign(x) * (|x| - floor(|x|))."""
    return np.sign(x) * (np.abs(x) - np.floor(np.abs(x)))


@_quiet
def mod(x, y):
    """x modulo y with the sign of y (Python's %, numpy's mod); y = 0 gives NaN."""
    return np.where(y == 0, np.nan, np.mod(x, y))


@_quiet
def sigmoid(x):
    return 1.0 / (1.0 + libm.apply("exp", -np.asarray(x, dtype=np.float64)))


@_quiet
def tanh(x):
    return libm.apply("tanh", x)


@_quiet
def arc_tan(x):
    return libm.apply("atan", x)


@_quiet
def log1p(x):
    return libm.apply("log1p", x)


@_quiet
def arc_sin(x):
    return libm.apply("asin", x)


@_quiet
def arc_cos(x):
    return libm.apply("acos", x)


@_quiet
def inverse(x):
    return 1.0 / x


@_quiet
def fill_missing(x, v):
    """x where it is finite, else v (NaN and ±inf replaced: KunQuant's SetInfOrNanToValue)."""
    return np.where(np.isfinite(x), x, v)


def inverse_cdf(p, driver: str = "gaussian"):
    """The driver distribution's inverse CDF at p in (0, 1): gaussian Φ⁻¹(p) (``statistics.NormalDist``),
    cauchy tan(π (p - 1/2)), uniform p - 1/2 (centred); NaN outside (0, 1)."""
    from statistics import NormalDist

    p = np.asarray(p, dtype=np.float64)
    inside = (p > 0) & (p < 1)
    out = np.full(p.shape, np.nan)
    if driver == "gaussian":
        out[inside] = [NormalDist().inv_cdf(float(u)) for u in p[inside]]
    elif driver == "cauchy":
        out[inside] = np.tan(np.pi * (p[inside] - 0.5))
    else:
        out[inside] = p[inside] - 0.5
    return out
