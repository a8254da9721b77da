"""C's math library per element: the functions the numba kernels call, so both backends agree to the bit.

numpy's vectorised ``exp``/``log``/``tanh``/``arcsin``/... (SIMD) differ from libm in the last bit on some inputs,
and a window statistic of an ill-conditioned input (``ts_rsquare`` of a ``tanh`` saturated near 1) amplifies
that into a visible difference between the backends. Where no C math library can be loaded, numpy's are used.

Example:
    >>> import numpy as np
    >>> apply("log", np.array([1.0, 0.0, -1.0]))
    array([  0., -inf,  nan])
    >>> float(apply("exp", 1000.0))
    inf
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import numpy as np

_NUMPY = {"log": np.log, "exp": np.exp, "tanh": np.tanh, "atan": np.arctan, "asin": np.arcsin, "acos": np.arccos,
          "log1p": np.log1p}


@cache
def _library() -> ctypes.CDLL | None:
    """The C math library, found and loaded once (None where there is none to load)."""
    path = ctypes.util.find_library("m")
    try:
        return ctypes.CDLL(path) if path else None
    except OSError:
        return None


@cache
def _ufunc(name: str):
    """libm's ``double name(double)`` as a numpy ufunc of objects, or None without a loadable libm."""
    library = _library()
    if library is None:
        return None
    fn = getattr(library, name)
    fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
    return np.frompyfunc(fn, 1, 1)


def apply(name: str, x):
    """libm's ``name`` (one of ``_NUMPY``'s keys) on each element of ``x``; a float64 array (a scalar for one)."""
    ufunc = _ufunc(name) or _NUMPY[name]
    with np.errstate(all="ignore"):  # IEEE results (inf, NaN), as the kernels give them
        return np.asarray(ufunc(np.asarray(x, dtype=np.float64)), dtype=np.float64)[()]
