"""Window extremes: ts_max, ts_min, ts_argmax, ts_argmin, ts_arg_max_days, ts_arg_min_days (van Herk/Gil-Werman).

Rows are cut into blocks of d aligned on the absolute row index. The window ending at row t is the tail of
the previous block plus the head of the current one, so its best value is ``best(suffix[pos + 1], prefix)``
where ``prefix`` is the running best of the current block and ``suffix`` holds, per slot of the previous
(completed) block, the best from that slot to the block's end. ``suffix`` is rebuilt once per block (d work
every d rows): amortised O(1) and, unlike a monotonic deque, branch-light and vectorised across assets
(measured 4-7x faster, see docs/kernels.md). Minimum modes run the same code on ``-x``.

Positions are absolute row indices; ties go to the oldest occurrence (``>=`` when the older side wins).
Missing values (NaN/±inf) are counted (strict NaN rule) and compared as ``-inf``.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([5.0, 1.0, 5.0, 2.0]):
    ...     push(fs, is_, t, 3, ARGMAX, np.array([v]), out)
    >>> out  # window (1, 5, 2): the max is in the middle
    array([2.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, WINDOW_PUSH

MAX, MIN, ARGMAX, ARGMIN, ARGMAX_DAYS, ARGMIN_DAYS = range(6)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring, suffix best (2*d*n), prefix best (n). Int words: suffix/prefix rows, missing."""
    return 2 * d * n + n, d * n + 2 * n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[: d * n] = np.nan
    fs[d * n :] = -np.inf
    is_[: d * n + n] = 0
    is_[d * n + n :] = d


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's extreme (or its position) to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    sbest = fs[d * n : 2 * d * n]
    pbest = fs[2 * d * n : 2 * d * n + n]
    srow = is_[: d * n]
    prow = is_[d * n : d * n + n]
    miss = is_[d * n + n : d * n + 2 * n]
    sign = 1.0 if (mode == MAX or mode == ARGMAX or mode == ARGMAX_DAYS) else -1.0
    pos = t % d
    cur = pos * n
    for i in range(n):
        new = x[i]
        old = ring[cur + i]
        ring[cur + i] = new
        ok_new = np.isfinite(new)
        miss[i] += (0 if ok_new else 1) - (0 if np.isfinite(old) else 1)
        v = sign * new if ok_new else -math.inf
        if pos == 0 or v > pbest[i]:  # ties keep the older row
            pbest[i] = v
            prow[i] = t
    nxt = (pos + 1) * n
    for i in range(n):
        if pos < d - 1 and sbest[nxt + i] >= pbest[i]:  # the older part wins ties
            best = sbest[nxt + i]
            row = srow[nxt + i]
        else:
            best = pbest[i]
            row = prow[i]
        if miss[i] > 0:
            out[i] = math.nan
        elif mode == MAX or mode == MIN:
            out[i] = sign * best
        elif mode == ARGMAX or mode == ARGMIN:
            out[i] = float(row - t + d)  # 1 = oldest row of the window, d = today
        else:
            out[i] = float(t - row)  # days since
    if pos == d - 1:  # the block is complete: its suffix bests serve the next d windows
        for i in range(n):
            sbest[(d - 1) * n + i] = sign * ring[(d - 1) * n + i] if np.isfinite(ring[(d - 1) * n + i]) else -math.inf
            srow[(d - 1) * n + i] = t
        for j in range(d - 2, -1, -1):
            for i in range(n):
                u = ring[j * n + i]
                v = sign * u if np.isfinite(u) else -math.inf
                if v >= sbest[(j + 1) * n + i]:  # the older slot wins ties
                    sbest[j * n + i] = v
                    srow[j * n + i] = t - (d - 1) + j
                else:
                    sbest[j * n + i] = sbest[(j + 1) * n + i]
                    srow[j * n + i] = srow[(j + 1) * n + i]
