"""Shifts: delay and delta, O(1) per update with a ring of the last d rows.

``delay(x, d)`` passes the value of row t - d through unchanged (±inf included); ``delta`` is IEEE
``x - delay(x, d)``. The ring starts all-NaN, which gives NaN for t < d. ``d = 0`` is the identity (delta: x - x).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 1)[0]); is_ = np.empty(0, np.int64)
    >>> init(fs, is_, 1, 1)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 4.0]):
    ...     push(fs, is_, t, 1, DELTA, np.array([v]), out)
    >>> out
    array([3.])
"""

from __future__ import annotations

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, WINDOW_PUSH

DELAY, DELTA = range(2)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: the ring of the last d rows (d*n)."""
    return d * n, 0


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = np.nan


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write x[t - d] (delay) or x[t] - x[t - d] (delta) to ``out``."""
    n = x.shape[0]
    if d == 0:
        for i in range(n):
            out[i] = x[i] if mode == DELAY else x[i] - x[i]
        return
    cur = (t % d) * n
    for i in range(n):
        old = fs[cur + i]
        fs[cur + i] = x[i]
        out[i] = old if mode == DELAY else x[i] - old
