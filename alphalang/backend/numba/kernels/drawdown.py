"""ts_max_drawdown (KunQuant ``WindowedMaxDrawdown``): ``(peak - trough) / peak``, peak the window's maximum (its
oldest occurrence if tied), trough the minimum from it to today.

O(d) per update, by design (a deque of running extremes would make it amortised O(1) but is branchy): one pass
over the time-major ring from the oldest row, vectorised across assets: a value above the peak starts a new
peak (and trough), any other value lowers the trough. The same arithmetic as the reference (bitwise equal).
Missing values (NaN/±inf) are counted (strict NaN rule).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 4)[0]); is_ = np.empty(state_size(1, 4)[1], np.int64)
    >>> init(fs, is_, 1, 4)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([5.0, 8.0, 6.0, 2.0]):
    ...     push(fs, is_, t, 4, MAX_DRAWDOWN, np.array([v]), out)
    >>> out  # peak 8, then 6 and 2: (8 - 2) / 8
    array([0.75])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, WINDOW_PUSH, skipping

MAX_DRAWDOWN = 0


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: the ring (d*n). Int words: missing count (n)."""
    return d * n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = np.nan
    is_[:] = d


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, m, out):
    """The drawdown of the window's valid values: the first value above the running peak starts a new peak."""
    n = out.shape[0]
    count = np.zeros(n, np.int64)
    peak = np.full(n, -math.inf)
    trough = np.full(n, math.inf)
    for age in range(d):
        base = skipping.slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            up = ok & (v > peak[i])
            trough[i] = v if up else (min(trough[i], v) if ok else trough[i])
            peak[i] = v if up else peak[i]
            count[i] += 1 if ok else 0
    for i in range(n):
        out[i] = (peak[i] - trough[i]) / peak[i] if count[i] >= m else math.nan


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's drawdown from its high to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:  # NaN policy skip: over the valid values (``reference.skip``)
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, skipping.split(mode)[1], out)
        return
    miss = is_[:n]
    cur = (t % d) * n
    for i in range(n):
        new = x[i]
        old = ring[cur + i]
        ring[cur + i] = new
        miss[i] += (0 if np.isfinite(new) else 1) - (0 if np.isfinite(old) else 1)
    oldest = ((t + 1) % d) * n
    peak = ring[oldest : oldest + n].copy()
    trough = peak.copy()
    for age in range(1, d):
        base = ((t + 1 + age) % d) * n
        for i in range(n):
            v = ring[base + i]
            up = v > peak[i]
            trough[i] = v if up else min(trough[i], v)
            peak[i] = v if up else peak[i]
    for i in range(n):
        out[i] = math.nan if miss[i] > 0 else (peak[i] - trough[i]) / peak[i]
