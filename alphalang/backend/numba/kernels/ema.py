"""Exponentially weighted mean: ts_ema, O(1) per update, the reference's own recurrence.

``num = decay * num + x``, ``den = decay * den + 1``, value ``num / den``; a missing value (NaN/±inf) gives
NaN and restarts both sums (pandas ``ewm(adjust=True)`` on each run of valid values). ``decay`` is
``0.5 ** (1 / halflife)``, computed once by the code generator exactly as the reference does.
ts_ema has no finite window: its value depends on the whole run since the last missing value, which is why
time-chunked parallel runs are disabled for programs that use it.

Under the NaN policy skip (mode ``>= skipping.SKIP_STRIDE``, ``_skip``): pandas' ``ewm(adjust=True,
ignore_na=False)`` recurrence, as ``reference.skip.ts_ema``: float words the mean so far and its total weight,
int words the count of valid values seen (the value is NaN while it is below min_periods).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 0)[0]); is_ = np.empty(state_size(1, 0)[1], np.int64)
    >>> init(fs, is_, 1, 0)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 3.0]):
    ...     push(fs, is_, t, 0, 0.5, np.array([v]), out)
    >>> out
    array([2.33333333])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import EMA_PUSH, JIT_OPTIONS, skipping


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: numerator and denominator (2n; skip: mean and weight). Int words: valid values seen (skip)."""
    return 2 * n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = 0.0
    is_[:] = 0


@njit(EMA_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, mode, decay, x, out):
    """Push row ``x``; write the running weighted mean to ``out``."""
    n = x.shape[0]
    if mode >= skipping.SKIP_STRIDE:
        skipping.ewm(fs, is_, decay, 1.0, True, skipping.split(mode)[1], x, out)
        return
    num = fs[:n]
    den = fs[n : 2 * n]
    for i in range(n):
        ok = np.isfinite(x[i])
        num[i] = decay * num[i] + x[i] if ok else 0.0
        den[i] = decay * den[i] + 1.0 if ok else 0.0
        out[i] = num[i] / den[i] if ok else math.nan
