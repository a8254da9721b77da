"""Linearly weighted window sums: decay_linear, ts_slope, ts_rsquare, ts_resid in O(1) per update.

With ``y = x / scale - k`` (``scale`` a power of two, ``k`` an anchor, as in ``moments``) and the window
oldest-first, the state keeps ``s = sum y``,
``w = sum (j + 1) * y_j`` (weight 1 on the oldest row, d on today) and ``q = sum y^2``. Sliding one row:
``w_t = w_{t-1} - s_{t-1} + d * y_t`` and ``s_t = s_{t-1} - y_{t-d} + y_t``. Then

* decay_linear = (k + w / (d(d+1)/2)) * scale;
* the regression of x on the row index u_j = j - (d-1)/2 has ``sum u*y = w - s (d+1)/2``,
  ``sum u^2 = d (d^2 - 1) / 12``: slope, R^2 and today's residual follow.

Int words: missing count (strict NaN rule) and the repeat run (an exactly constant window has slope and
residual exactly 0 and R^2 NaN). Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the
ring in the reference's arithmetic (``reference.moments``; bitwise equal). Longer windows, stability as in
``moments``: scaled, anchored running sums, recomputed exactly from the ring every d rows and after a
cancellation or a change of scale. Under the NaN policy skip (``skipping``): two-pass from the ring over the valid
values (``_skip``): decay_linear renormalises the weights of the valid positions, the regressions fit the valid
(row, value) points.

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

from alphalang.backend.numba.kernels import CANCELLATION, DIRECT_MAX, JIT_OPTIONS, WINDOW_PUSH, skipping
from alphalang.backend.numba.kernels.ring import (
    anchor_today,
    anchored,
    init,  # noqa: F401 (this family's initial state)
    offset_sums,
    rescaled,
    slide,
    track,
)

DECAY, SLOPE, RSQUARE, RESID = range(4)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring (d*n), inverse scale, anchor, s, w, q (5n). Int words: missing count, repeat run (2n)."""
    return d * n + 5 * n, 2 * n


@njit(**JIT_OPTIONS)
def _reanchor(ring, inv, k, acc, x, t, n, d):
    """Recompute s, w, q from the ring (oldest row at slot (t+1) % d), anchored at today's value (where finite),
    in the scale of the window's largest magnitude (``ring.rescaled``)."""
    top = anchor_today(x, inv, k)
    for _ in range(2):  # a second sweep only if some window changed scale
        acc[:] = 0.0
        for age in range(d):
            slot = ((t + 1 + age) % d) * n
            weight = float(age + 1)
            for i in range(n):
                v = ring[slot + i]
                track(top, i, v)
                a = v * inv[i] - k[i] if np.isfinite(v) else 0.0
                acc[0, i] += a
                acc[1, i] += weight * a
                acc[2, i] += a * a
        if not rescaled(top, inv, k):
            return


@njit(**JIT_OPTIONS)
def _direct(ring, miss, run, top, inv, pivot, mean, w, s, q, t, d, mode, x, out):
    """The statistic two-pass from the ring, in the reference's arithmetic (``reference.moments``: scaled,
    shifted by the oldest value, summed oldest first); top .. q are (n,) scratch rows."""
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
    offset_sums(ring, t, d, n, 0, n, top, inv, pivot, mean)
    for i in range(n):
        mean[i] /= fd
        s[i] = 0.0
        w[i] = 0.0
        q[i] = 0.0
    for age in range(d):  # oldest first
        slot = ((t + 1 + age) % d) * n
        weight = age + 1.0
        u = age - half
        if mode == DECAY:
            for i in range(n):
                w[i] += (ring[slot + i] * inv[i] - pivot[i]) * weight
        else:
            for i in range(n):
                c = (ring[slot + i] * inv[i] - pivot[i]) - mean[i]
                s[i] += c * u
                q[i] += c * c
    for i in range(n):  # dividing by the power of two inv is multiplying by the scale, exactly
        if miss[i] > 0 or (mode != DECAY and d < 2):
            out[i] = math.nan
            continue
        if mode == DECAY:
            out[i] = (pivot[i] + w[i] / total) / inv[i]  # exactly the value over a constant window (w = 0)
            continue
        slope = s[i] / suu
        if mode == SLOPE:
            out[i] = slope / inv[i]
        elif mode == RESID:
            out[i] = (((x[i] * inv[i] - pivot[i]) - mean[i]) - slope * half) / inv[i]
        elif run[i] >= d - 1:
            out[i] = math.nan
        else:
            r2 = slope * slope * suu / q[i]
            out[i] = min(1.0, max(0.0, r2)) if r2 == r2 else r2


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, code, x, out):
    """The statistic over the window's valid values (NaN policy skip), ``reference.skip``'s arithmetic."""
    mode, m = skipping.split(code)
    n = x.shape[0]
    count, _, lo, hi, inv, pivot, total = skipping.window(ring, ring, t, d, n)
    sw = np.zeros(n)  # decay: weights of the valid positions; regressions: their row indexes
    swy = np.zeros(n)
    for age in range(d):
        base = skipping.slot(t, d, n, age)
        w = age + 1.0 if mode == DECAY else float(age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            sw[i] += w if ok else 0.0
            swy[i] += ((v * inv[i] - pivot[i]) * w) if ok else 0.0
    if mode == DECAY:
        for i in range(n):
            out[i] = (pivot[i] + swy[i] / sw[i]) / inv[i] if count[i] >= m else math.nan
        return
    scu = np.zeros(n)
    suu = np.zeros(n)
    scc = np.zeros(n)
    mu = total / count  # the mean of the valid values (scaled, shifted) and of their row indexes
    ubar = sw / count
    for age in range(d):
        base = skipping.slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            c = ((v * inv[i] - pivot[i]) - mu[i]) if ok else 0.0
            u = (age - ubar[i]) if ok else 0.0
            scu[i] += c * u
            suu[i] += u * u
            scc[i] += c * c
    for i in range(n):
        slope = scu[i] / suu[i]
        if count[i] < max(m, 2) or (mode == RESID and not np.isfinite(x[i])):
            out[i] = math.nan
        elif mode == SLOPE:
            out[i] = slope / inv[i]
        elif mode == RSQUARE:
            out[i] = math.nan if lo[i] == hi[i] else min(1.0, max(0.0, slope * slope * suu[i] / scc[i]))
        else:
            c = (x[i] * inv[i] - pivot[i]) - mu[i]
            out[i] = (c - slope * ((d - 1.0) - ubar[i])) / inv[i]


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the ``mode`` statistic to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, mode, x, out)
        return
    inv = fs[d * n : d * n + n]  # 1 / the window's scale (a power of two)
    k = fs[d * n + n : d * n + 2 * n]  # the anchor, scaled
    acc = fs[d * n + 2 * n : d * n + 5 * n].reshape((3, n))  # s, w, q
    miss = is_[:n]
    run = is_[n : 2 * n]
    direct = d <= DIRECT_MAX
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
    fd = float(d)
    lost = False  # the sums lost digits or need another scale: recompute them from the ring
    for i in range(n):  # branch-free, so it vectorises across assets
        new = x[i]
        old, stay_missing = slide(ring, miss, run, cur, prev, i, new)
        if direct:
            continue
        a, b, restart, rescale = anchored(inv, k, i, new, old, stay_missing, d)
        s_prev = 0.0 if restart else acc[0, i]  # the previous window's s (old value included)
        acc[1, i] = (0.0 if restart else acc[1, i]) + (fd * a - s_prev)
        acc[0, i] = s_prev + (a - b)
        q = (0.0 if restart else acc[2, i]) + (a * a - b * b)
        acc[2, i] = q
        lost |= (b * b > CANCELLATION * q) | rescale
    if direct:
        _direct(ring, miss, run, np.empty(n), inv, k, acc[0], acc[1], acc[2], np.empty(n), t, d, mode, x, out)
        return
    if d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(ring, inv, k, acc, x, t, n, d)
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
            out[i] = x[i] if constant else (k[i] + w / total) / inv[i]
            continue
        slope = 0.0 if constant else (w - s * (fd + 1.0) / 2.0) / suu  # in the window's scale
        if mode == SLOPE:
            out[i] = slope / inv[i]
        elif mode == RESID:
            out[i] = 0.0 if constant else (((x[i] * inv[i] - k[i]) - s / fd) - slope * (fd - 1.0) / 2.0) / inv[i]
        elif constant:
            out[i] = math.nan
        else:
            scc = q - s * s / fd
            r2 = slope * slope * suu / scc
            out[i] = min(1.0, max(0.0, r2)) if r2 == r2 else r2
