"""Linearly weighted window sums: decay_linear, ts_slope, ts_rsquare, ts_resid in O(1) per update.

With ``y = x - k`` (``k`` an anchor) and the window oldest-first, the state keeps ``s = sum y``,
``w = sum (j + 1) * y_j`` (weight 1 on the oldest row, d on today) and ``q = sum y^2``. Sliding one row:
``w_t = w_{t-1} - s_{t-1} + d * y_t`` and ``s_t = s_{t-1} - y_{t-d} + y_t``. Then

* decay_linear = (k * d(d+1)/2 + w) / (d(d+1)/2);
* the regression of x on the row index u_j = j - (d-1)/2 has ``sum u*y = w - s (d+1)/2``,
  ``sum u^2 = d (d^2 - 1) / 12``: slope, R^2 and today's residual follow.

Int words: missing count (strict NaN rule) and the repeat run (an exactly constant window has slope and
residual exactly 0 and R^2 NaN). Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the
ring (bitwise equal to the reference). Longer windows, stability as in ``moments``: anchored running sums,
recomputed exactly from the ring every d rows and after a cancellation.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 2.0, 4.0]):
    ...     push(fs, is_, t, 3, SLOPE, np.array([v]), out)
    >>> out
    array([1.5])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import CANCELLATION, DIRECT_MAX, JIT_OPTIONS, WINDOW_PUSH
from alphalang.backend.numba.kernels.ring import init, slide  # noqa: F401 (init: this family's initial state)

DECAY, SLOPE, RSQUARE, RESID = range(4)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring (d*n), anchor, s, w, q (4n). Int words: missing count, repeat run (2n)."""
    return d * n + 4 * n, 2 * n


@njit(**JIT_OPTIONS)
def _reanchor(ring, k, acc, x, t, n, d):
    """Recompute s, w, q from the ring (oldest row at slot (t+1) % d), anchored at today's value."""
    for i in range(n):
        if np.isfinite(x[i]):
            k[i] = x[i]
    acc[:] = 0.0
    for age in range(d):
        slot = ((t + 1 + age) % d) * n
        weight = float(age + 1)
        for i in range(n):
            v = ring[slot + i]
            a = v - k[i] if np.isfinite(v) else 0.0
            acc[0, i] += a
            acc[1, i] += weight * a
            acc[2, i] += a * a


@njit(**JIT_OPTIONS)
def _direct(ring, miss, run, mean, s, w, q, t, d, mode, x, out):
    """The statistic two-pass from the ring, in the reference's order of operations."""
    n = x.shape[0]
    fd = float(d)
    half = (d - 1) / 2.0
    suu = 0.0
    for age in range(d):
        u = age - half
        suu += u * u
    total = 0.0
    for age in range(d):
        total += age + 1.0
    for i in range(n):
        mean[i] = 0.0
        s[i] = 0.0
        w[i] = 0.0
        q[i] = 0.0
    for age in range(d):  # oldest first
        slot = ((t + 1 + age) % d) * n
        weight = age + 1.0
        for i in range(n):
            v = ring[slot + i]
            mean[i] += v
            w[i] += v * weight
    if mode != DECAY:
        for i in range(n):
            mean[i] /= fd
        for age in range(d):
            slot = ((t + 1 + age) % d) * n
            u = age - half
            for i in range(n):
                c = 0.0 if run[i] >= d - 1 else ring[slot + i] - mean[i]
                s[i] += c * u
                q[i] += c * c
    for i in range(n):
        constant = run[i] >= d - 1
        if miss[i] > 0 or (mode != DECAY and d < 2):
            out[i] = math.nan
            continue
        if mode == DECAY:
            out[i] = x[i] if constant else w[i] / total
            continue
        slope = s[i] / suu
        if mode == SLOPE:
            out[i] = slope
        elif mode == RESID:
            c = 0.0 if constant else x[i] - mean[i]
            out[i] = c - slope * half
        elif constant:
            out[i] = math.nan
        else:
            r2 = slope**2 * suu / q[i]
            out[i] = min(1.0, max(0.0, r2)) if r2 == r2 else r2


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the ``mode`` statistic to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    k = fs[d * n : d * n + n]
    acc = fs[d * n + n : d * n + 4 * n].reshape((3, n))  # s, w, q
    miss = is_[:n]
    run = is_[n : 2 * n]
    direct = d <= DIRECT_MAX
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
    fd = float(d)
    lost = False  # a value left whose square dwarfs what stays: recompute from the ring
    for i in range(n):  # branch-free, so it vectorises across assets
        new = x[i]
        old, stay_missing = slide(ring, miss, run, cur, prev, i, new)
        if direct:
            continue
        ok_new = np.isfinite(new)
        restart = stay_missing == d - 1  # nothing finite stays: restart exactly, anchored at the new value
        k[i] = (new if ok_new else 0.0) if restart else k[i]
        b = old - k[i] if (np.isfinite(old) and not restart) else 0.0
        a = new - k[i] if ok_new else 0.0
        s_prev = 0.0 if restart else acc[0, i]  # the previous window's s (old value included)
        acc[1, i] = (0.0 if restart else acc[1, i]) + (fd * a - s_prev)
        acc[0, i] = s_prev + (a - b)
        q = (0.0 if restart else acc[2, i]) + (a * a - b * b)
        acc[2, i] = q
        lost |= b * b > CANCELLATION * q
    if direct:
        _direct(ring, miss, run, k, acc[0], acc[1], acc[2], t, d, mode, x, out)
        return
    if d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(ring, k, acc, x, t, n, d)
    total = fd * (fd + 1.0) / 2.0
    suu = fd * (fd * fd - 1.0) / 12.0
    for i in range(n):
        s = acc[0, i]
        w = acc[1, i]
        q = acc[2, i]
        if miss[i] > 0 or (mode != DECAY and d < 2):
            out[i] = math.nan
            continue
        constant = run[i] >= d - 1
        if mode == DECAY:
            out[i] = x[i] if constant else (k[i] * total + w) / total
            continue
        slope = 0.0 if constant else (w - s * (fd + 1.0) / 2.0) / suu
        if mode == SLOPE:
            out[i] = slope
        elif mode == RESID:
            out[i] = 0.0 if constant else ((x[i] - k[i]) - s / fd) - slope * (fd - 1.0) / 2.0
        elif constant:
            out[i] = math.nan
        else:
            scc = q - s * s / fd
            r2 = slope * slope * suu / scc
            out[i] = min(1.0, max(0.0, r2)) if r2 == r2 else r2
