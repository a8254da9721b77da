"""Exponentially weighted window mean: ts_decay_exp_window (BRAIN; GTJA's WMA is factor 0.9) in O(1) per update.

Weights, oldest first, ``f^(d-1) .. f, 1`` (each the next one times ``f``, as ``reference.exponential``); the
value is ``sum_i f^i x[t-i] / sum_i f^i``. With ``y = x / scale - k`` (``scale`` a power of two, ``k`` an
anchor, as in ``moments``) the state keeps ``e = sum_i f^i y[t-i]`` and ``q = sum y^2``; sliding one row:
``e = f * e + y_t - f^d * y_{t-d}``. Rounding drift is bounded as in ``moments`` / ``linear``: the sums are
recomputed exactly from the ring every d rows, and at once after a cancellation (an outgoing square above
``CANCELLATION`` times what stays) or a change of scale. Int words: missing count (strict NaN rule) and the
repeat run (an exactly constant window gives exactly the value).

Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the ring in the reference's arithmetic
(``reference.moments``; bitwise equal).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 2)[0]); is_ = np.empty(state_size(1, 2)[1], np.int64)
    >>> init(fs, is_, 1, 2)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 2.0, 4.0]):
    ...     push(fs, is_, t, 2, 0, np.array([0.5]), np.array([v]), out)
    >>> out  # (4 + 0.5 * 2) / 1.5
    array([3.33333333])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import CANCELLATION, DIRECT_MAX, EXPWINDOW_PUSH, JIT_OPTIONS, skipping
from alphalang.backend.numba.kernels.ring import (
    anchor_today,
    anchored,
    init,  # noqa: F401 (this family's initial state)
    offset_sums,
    rescaled,
    slide,
    track,
)


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring (d*n), inverse scale, anchor, e, q (4n). Int words: missing count, repeat run (2n)."""
    return d * n + 4 * n, 2 * n


@njit(**JIT_OPTIONS)
def _weights(d, f):
    """``f^(d-1) .. f, 1`` oldest first, by products (``reference.exponential.exp_weights``), and their
    oldest-first sum."""
    weights = np.empty(d)
    w = 1.0
    for j in range(d - 1, -1, -1):
        weights[j] = w
        w *= f
    total = 0.0
    for j in range(d):
        total += weights[j]
    return weights, total


@njit(**JIT_OPTIONS)
def _reanchor(ring, inv, k, acc, weights, x, t, n, d):
    """Recompute e and q from the ring (oldest row at slot (t+1) % d), anchored at today's value (where
    finite), in the scale of the window's largest magnitude (``ring.rescaled``)."""
    top = anchor_today(x, inv, k)
    for _ in range(2):  # a second sweep only if some window changed scale
        acc[:] = 0.0
        for age in range(d):
            slot = ((t + 1 + age) % d) * n
            for i in range(n):
                v = ring[slot + i]
                track(top, i, v)
                a = v * inv[i] - k[i] if np.isfinite(v) else 0.0
                acc[0, i] += weights[age] * a
                acc[1, i] += a * a
        if not rescaled(top, inv, k):
            return


@njit(**JIT_OPTIONS)
def _direct(ring, miss, inv, pivot, scratch, e, weights, total, t, d, out):
    """The weighted mean two-pass from the ring, in the reference's arithmetic (scaled, shifted by the oldest
    value, summed oldest first)."""
    n = out.shape[0]
    offset_sums(ring, t, d, n, 0, n, scratch, inv, pivot, np.empty(n))
    e[:] = 0.0
    for age in range(d):  # oldest first
        slot = ((t + 1 + age) % d) * n
        weight = weights[age]
        for i in range(n):
            e[i] += (ring[slot + i] * inv[i] - pivot[i]) * weight
    for i in range(n):  # dividing by the power of two inv is multiplying by the scale, exactly
        out[i] = math.nan if miss[i] > 0 else (pivot[i] + e[i] / total) / inv[i]


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, m, f, out):
    """NaN policy skip: the weights of the window's valid positions renormalised (``reference.skip``)."""
    n = out.shape[0]
    weights, _ = _weights(d, f)
    count, _, _, _, inv, pivot, _ = skipping.window(ring, ring, t, d, n)
    sw = np.zeros(n)
    swy = np.zeros(n)
    for age in range(d):
        base = skipping.slot(t, d, n, age)
        w = weights[age]
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v)
            sw[i] += w if ok else 0.0
            swy[i] += ((v * inv[i] - pivot[i]) * w) if ok else 0.0
    for i in range(n):
        out[i] = (pivot[i] + swy[i] / sw[i]) / inv[i] if count[i] >= m else math.nan


@njit(EXPWINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, c, x, out):
    """Push row ``x`` (absolute row ``t``); write the weighted window mean to ``out`` (``c[0]``: the factor)."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, skipping.split(mode)[1], c[0], out)
        return
    inv = fs[d * n : d * n + n]  # 1 / the window's scale (a power of two)
    k = fs[d * n + n : d * n + 2 * n]  # the anchor, scaled
    acc = fs[d * n + 2 * n : d * n + 4 * n].reshape((2, n))  # e, q
    miss = is_[:n]
    run = is_[n : 2 * n]
    f = c[0]
    weights, total = _weights(d, f)
    fd = weights[0] * f  # f^d: the weight of the value leaving the window
    direct = d <= DIRECT_MAX
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
    lost = False  # the sums lost digits or need another scale: recompute them from the ring
    for i in range(n):  # branch-free, so it vectorises across assets
        new = x[i]
        old, stay_missing = slide(ring, miss, run, cur, prev, i, new)
        if direct:
            continue
        a, b, restart, rescale = anchored(inv, k, i, new, old, stay_missing, d)
        acc[0, i] = (0.0 if restart else f * acc[0, i]) + (a - fd * b)
        q = (0.0 if restart else acc[1, i]) + (a * a - b * b)
        acc[1, i] = q
        lost |= (b * b > CANCELLATION * q) | rescale
    if direct:
        _direct(ring, miss, inv, k, np.empty(n), acc[0], weights, total, t, d, out)
        return
    if d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(ring, inv, k, acc, weights, x, t, n, d)
    for i in range(n):
        if miss[i] > 0:
            out[i] = math.nan
        elif run[i] >= d - 1:
            out[i] = x[i]  # exactly constant window: exactly the value
        else:
            out[i] = (k[i] + acc[0, i] / total) / inv[i]
