"""Exponential recursions: ts_ema_span / ts_ema_alpha / ts_ema_halflife (pandas ``adjust`` both ways) and GTJA's
SMA (ts_sma_gtja), O(1) per update in the reference's own arithmetic (``reference.exponential``).

State per asset (float words): the running mean ``m`` and weight ``W``. ``adjust``: ``W = decay * W + 1``,
``m += (x - m) / W``; otherwise ``m = x`` on the first valid row (``W`` 0 -> 1), then ``m += alpha * (x - m)``.
A missing value (NaN/±inf) gives NaN and restarts (``W = 0``). The mode says how the node's two constants give
``(decay, alpha, adjust)`` (``smoothing``, restating ``reference.exponential.smoothing``). Like ts_ema, these have
no finite window, so programs using them run in one time chunk.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 0)[0]); is_ = np.empty(state_size(1, 0)[1], np.int64)
    >>> init(fs, is_, 1, 0)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 3.0]):
    ...     push(fs, is_, t, SPAN, np.array([3.0, 0.0]), np.array([v]), out)  # span 3, adjust false
    >>> out
    array([2.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import EXPO_PUSH, JIT_OPTIONS, skipping

SPAN, ALPHA, HALFLIFE, SMA = range(4)  # the family's modes (``reference.exponential``'s kinds, same order)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: running mean and weight (2n). Int words: valid values seen (NaN policy skip)."""
    return 2 * n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = 0.0
    is_[:] = 0


@njit(inline="always", **JIT_OPTIONS)
def smoothing(mode, a, b):
    """``(decay, alpha, adjust)`` from the node's two constants (``reference.exponential.smoothing``)."""
    if mode == HALFLIFE:
        decay = 0.5 ** (1.0 / a)
        return decay, 1.0 - decay, b != 0.0
    if mode == SPAN:
        alpha = 2.0 / (a + 1.0)
    elif mode == ALPHA:
        alpha = a
    else:
        alpha = b / a
        b = 0.0
    return 1.0 - alpha, alpha, b != 0.0


@njit(EXPO_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, mode, c, x, out):
    """Push row ``x``; write the running exponential mean to ``out`` (``c``: the node's two constants)."""
    n = x.shape[0]
    if mode >= skipping.SKIP_STRIDE:  # NaN policy skip: pandas ewm(ignore_na=False), ``skipping.ewm``
        kind, m = skipping.split(mode)
        decay, alpha, adjust = smoothing(kind, c[0], c[1])
        skipping.ewm(fs, is_, decay, 1.0 if adjust else alpha, adjust, m, x, out)
        return
    mean = fs[:n]
    weight = fs[n : 2 * n]
    decay, alpha, adjust = smoothing(mode, c[0], c[1])
    for i in range(n):
        ok = np.isfinite(x[i])
        if adjust:
            w = decay * weight[i] + 1.0
            gain = 1.0 / w
        else:
            gain = 1.0 if weight[i] == 0.0 else alpha
            w = 1.0
        m = mean[i] + gain * (x[i] - mean[i])
        weight[i] = w if ok else 0.0
        mean[i] = m if ok else 0.0
        out[i] = m if ok else math.nan
