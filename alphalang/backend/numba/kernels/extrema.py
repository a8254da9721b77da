"""Window extremes: ts_max, ts_min, ts_argmax, ts_argmin, ts_arg_max_days, ts_arg_min_days (van Herk/Gil-Werman).

Rows are cut into blocks of d aligned on the absolute row index. The window ending at row t is the tail of
the previous block plus the head of the current one, so its best value is ``best(suffix[pos + 1], prefix)``
where ``prefix`` is the running best of the current block and ``suffix`` holds, per slot of the previous
(completed) block, the best from that slot to the block's end. ``suffix`` is rebuilt once per block (d work
every d rows): amortised O(1) and, unlike a monotonic deque, branch-light and vectorised across assets
(measured 4-7x faster, see docs/kernels.md). Minimum modes run the same code on ``-x``.

The blocks find the exact extreme (values only). The position modes then report the oldest value that *ties*
it under the tie rule (``ties``: within 2^-40 of the window's largest magnitude), by an O(d) scan of the ring,
vectorised across assets (the blocks' bests are exact, so they cannot see a nearby older value). Missing
values (NaN/±inf) are counted (strict NaN rule) and compared as ``-inf``. Under the NaN policy skip
(``skipping``): one O(d) scan of the ring over the valid values (``_skip``), positions still counted in the
d-row window.

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

from alphalang.backend.numba.kernels import JIT_OPTIONS, WINDOW_PUSH, skipping
from alphalang.backend.numba.kernels.ties import width

MAX, MIN, ARGMAX, ARGMIN, ARGMAX_DAYS, ARGMIN_DAYS = range(6)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring, suffix best (2*d*n), prefix best (n). Int words: missing count."""
    return 2 * d * n + n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[: d * n] = np.nan
    fs[d * n :] = -np.inf
    is_[:] = d


@njit(**JIT_OPTIONS)
def _oldest_tie(ring, miss, t, d, mode, out):
    """Replace each window extreme in ``out`` by the position of its oldest tie (``ties``): one pass over the
    ring for the tie width, one from the oldest row for the first value within it; vectorised over assets."""
    n = out.shape[0]
    wid = np.zeros(n)
    age = np.full(n, d - 1)
    for slot in range(d):
        for i in range(n):
            wid[i] = max(wid[i], abs(ring[slot * n + i]))
    for i in range(n):
        wid[i] = width(0.0, wid[i])
    for a in range(d - 2, -1, -1):  # newest to oldest: the last hit is the oldest
        base = ((t + 1 + a) % d) * n
        for i in range(n):
            age[i] = a if abs(ring[base + i] - out[i]) <= wid[i] else age[i]
    for i in range(n):
        if miss[i] == 0:
            out[i] = float(age[i] + 1) if (mode == ARGMAX or mode == ARGMIN) else float(d - 1 - age[i])  # 1 = oldest


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, code, out):
    """The extreme of the window's valid values, or the position of its oldest tie (NaN policy skip),
    ``reference.skip``'s rule."""
    mode, m = skipping.split(code)
    n = out.shape[0]
    sign = 1.0 if (mode == MAX or mode == ARGMAX or mode == ARGMAX_DAYS) else -1.0
    count = np.zeros(n, np.int64)
    best = np.full(n, -math.inf)
    top = np.zeros(n)
    for age in range(d):
        base = skipping.slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            count[i] += 1 if ok else 0
            best[i] = max(best[i], sign * v) if ok else best[i]
            top[i] = max(top[i], abs(v)) if ok else top[i]
    age = np.full(n, -1)
    if mode != MAX and mode != MIN:
        for a in range(d):  # oldest first: the first valid value tying the extreme
            base = skipping.slot(t, d, n, a)
            for i in range(n):
                v = ring[base + i]
                hit = (age[i] < 0) & np.isfinite(v) & (abs(v - sign * best[i]) <= width(0.0, top[i]))
                age[i] = a if hit else age[i]
    for i in range(n):
        if count[i] < m:
            out[i] = math.nan
        elif mode == MAX or mode == MIN:
            out[i] = sign * best[i]
        else:
            out[i] = float(age[i] + 1) if (mode == ARGMAX or mode == ARGMIN) else float(d - 1 - age[i])


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's extreme (or its position) to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, mode, out)
        return
    sbest = fs[d * n : 2 * d * n]
    pbest = fs[2 * d * n : 2 * d * n + n]
    miss = is_[:n]
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
        pbest[i] = v if pos == 0 else max(v, pbest[i])
    nxt = (pos + 1) * n
    for i in range(n):
        best = max(sbest[nxt + i], pbest[i]) if pos < d - 1 else pbest[i]
        out[i] = math.nan if miss[i] > 0 else sign * best
    if mode != MAX and mode != MIN:
        _oldest_tie(ring, miss, t, d, mode, out)
    if pos == d - 1:  # the block is complete: its suffix bests serve the next d windows
        for i in range(n):
            u = ring[(d - 1) * n + i]
            sbest[(d - 1) * n + i] = sign * u if np.isfinite(u) else -math.inf
        for j in range(d - 2, -1, -1):
            for i in range(n):
                u = ring[j * n + i]
                sbest[j * n + i] = max(sign * u if np.isfinite(u) else -math.inf, sbest[(j + 1) * n + i])
