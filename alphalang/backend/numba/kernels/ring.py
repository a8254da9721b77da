"""Per-asset window bookkeeping shared by the power-sum kernels: the time-major ring of raw values, the count
of missing values in the window (the strict NaN rule) and the length of the current run of exactly repeated
values (an exactly constant window has ``run >= d - 1``, no float threshold).

Example:
    >>> import numpy as np
    >>> ring, miss, run = np.full(2, np.nan), np.array([2]), np.array([0])
    >>> slide(ring, miss, run, 0, 1, 0, 5.0)  # the slot held NaN; the other slot is still missing
    (nan, 1)
    >>> int(miss[0]), int(run[0])
    (1, 0)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    """Initial state of a one-ring window family (``moments``, ``linear``): the ring all missing, every sum 0,
    the missing count d (the empty window), the repeat run 0."""
    fs[: d * n] = np.nan
    fs[d * n :] = 0.0
    is_[:n] = d
    is_[n:] = 0


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
