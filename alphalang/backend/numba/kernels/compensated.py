"""Neumaier-compensated running sums for the O(1) window kernels.

A running window sum adds each value once and subtracts it d rows later. With plain floats a huge value passing
through (a 1e8 spike among values of order 1) leaves its rounding error behind when it leaves; keeping each
sum as ``s + c`` with ``c`` the Neumaier compensation recovers the low-order bits, so the window's sum stays
accurate to ~1e-16 relative to the window's own magnitude whatever passed through it.

Example:
    >>> import numpy as np
    >>> s, c = np.zeros(1), np.zeros(1)
    >>> for v in (1.0, 1e100, 1.0, -1e100):
    ...     add(s, c, 0, v)
    >>> float(s[0] + c[0])
    2.0
"""

from __future__ import annotations

from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def add(s, c, i, v):
    """s[i] + c[i] += v, with the rounding error of the addition kept in c[i]."""
    t = s[i] + v
    if abs(s[i]) >= abs(v):
        c[i] += (s[i] - t) + v
    else:
        c[i] += (v - t) + s[i]
    s[i] = t
