"""Per-asset window bookkeeping shared by the power-sum kernels: the time-major ring of raw values, the count
of missing values in the window (the strict NaN rule), the length of the current run of exactly repeated
values (an exactly constant window has ``run >= d - 1``, no float threshold: the kernels' form of
``reference.moments.constant``) and the power of two a window is scaled by before its powers are summed
(``unscale``, the kernels' form of ``reference.moments.scale``).

Example:
    >>> import numpy as np
    >>> ring, miss, run = np.full(2, np.nan), np.array([2]), np.array([0])
    >>> slide(ring, miss, run, 0, 1, 0, 5.0)  # the slot held NaN; the other slot is still missing
    (nan, 1)
    >>> int(miss[0]), int(run[0])
    (1, 0)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS
from alphalang.backend.reference.moments import SAFE_MAGNITUDE

# Kernels are cached by numba and keyed on their own source: restate the constant here so that changing it
# changes this file, hence the kernels' fingerprint (the assert keeps the two backends on one value).
KERNEL_SAFE_MAGNITUDE = 2.0**200
assert KERNEL_SAFE_MAGNITUDE == SAFE_MAGNITUDE


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int, rings: int = 1) -> None:
    """Initial state of a window family whose float words start with ``rings`` rings of d rows followed by
    as many inverse scales (``moments``, ``linear``: one; ``comoments``: two): the rings all missing, the
    inverse scales 1, every sum 0, the missing count d (the empty window), the repeat runs 0."""
    fs[: rings * d * n] = np.nan
    fs[rings * d * n : rings * (d + 1) * n] = 1.0
    fs[rings * (d + 1) * n :] = 0.0
    is_[:n] = d
    is_[n:] = 0


@njit(inline="always", **JIT_OPTIONS)
def unscale(m):
    """``1 / s`` for a window whose largest magnitude is ``m`` (``reference.moments.scale``: 1 within
    ``SAFE_MAGNITUDE`` of 1, else ``2^-e`` with ``m < 2^e``); exact, so ``x * unscale(m) == x / s``."""
    if not m > 0.0 or m == math.inf or (m >= 1.0 / KERNEL_SAFE_MAGNITUDE and m <= KERNEL_SAFE_MAGNITUDE):
        return 1.0
    return math.ldexp(1.0, -min(max(math.frexp(m)[1], -1021), 1023))


@njit(inline="always", **JIT_OPTIONS)
def out_of_scale(z, restart):
    """Whether the O(1) sums must change scale for a new finite value ``z`` (already scaled): it is beyond
    ``SAFE_MAGNITUDE`` (its 4th power could overflow), or it restarts an empty window and is so small that its
    deviations' 4th powers could underflow. (Smaller values joining larger ones are harmless; when the larger
    ones leave, the kernels' ``CANCELLATION`` check fires.)"""
    size = abs(z)
    return size > KERNEL_SAFE_MAGNITUDE or (restart and size < 1.0 / KERNEL_SAFE_MAGNITUDE and size > 0.0)


@njit(**JIT_OPTIONS)
def rescale(ring, n, d, inv, k, x):
    """Choose each asset's scale afresh from its window's largest finite magnitude (``unscale``) and anchor
    ``k`` (in scaled units) at today's value ``x``, or where that is missing at another finite value of the
    window: so the anchor is always one of the window's values (a recompute happens at least every d rows),
    and the running sums never cancel more than the window's own spread makes them."""
    top = np.zeros(n)
    some = np.zeros(n)
    for j in range(d):
        for i in range(n):
            v = ring[j * n + i]
            size = abs(v)
            ok = size < math.inf
            top[i] = size if (ok and size > top[i]) else top[i]
            some[i] = v if ok else some[i]
    for i in range(n):
        inv[i] = unscale(top[i])
        k[i] = (x[i] if np.isfinite(x[i]) else some[i]) * inv[i]


@njit(inline="always", **JIT_OPTIONS)
def slide(ring, miss, run, cur, prev, i, new):
    """Write asset ``i``'s ``new`` value into the ring slot at offset ``cur`` (``prev``: the previous row's
    slot), update its missing count and equal-run length, and return ``(old, stay_missing)``: the value that
    left the window and how many of the d - 1 values that stay are missing."""
    old = ring[cur + i]
    last = ring[prev + i]  # read before the write: for d = 1 it is the same slot
    ring[cur + i] = new
    ok_new = np.isfinite(new)
    stay_missing = miss[i] - (0 if np.isfinite(old) else 1)
    miss[i] = stay_missing + (0 if ok_new else 1)
    run[i] = run[i] + 1 if (ok_new and new == last) else 0
    return old, stay_missing
