"""Window power sums: ts_sum, ts_mean, ts_var, ts_std, ts_zscore, ts_skew, ts_kurt in O(1) per update.

State per asset, window d (float words): a time-major ring of the last d raw values, an anchor ``k`` and the
power sums ``s1..s4`` of ``x - k`` over the window's finite values. Int words: the number of missing values in
the window (strict NaN rule, warm-up included: the ring starts all-NaN) and the length of the current run of
exactly repeated values (an exactly constant window has ``run >= d - 1``: no float threshold).

Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the ring instead (O(d) but vectorised
across assets, and bitwise equal to the reference's sequential sums). For longer windows, numerical
stability: sums of ``x - k`` with ``k`` a recent value of the series avoid the cancellation of raw power
sums (``1e8 + noise``); every d rows (``(t + 1) % d == 0``) the sums are recomputed from the ring with a fresh
anchor, so rounding drift never accumulates beyond d updates (amortised O(1)), and at once when an outgoing
square exceeds what stays by ``CANCELLATION`` (a huge value leaving would leave its rounding residue behind).
Exactly constant windows give exactly 0 spread (var/std) and NaN for zscore/skew/kurt.

Example:
    >>> import numpy as np
    >>> fs, is_ = np.empty(state_size(1, 2)[0]), np.empty(state_size(1, 2)[1], np.int64)
    >>> init(fs, is_, 1, 2)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 3.0, 5.0]):
    ...     push(fs, is_, t, 2, MEAN, np.array([v]), out)
    >>> out
    array([4.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import CANCELLATION, DIRECT_MAX, JIT_OPTIONS, WINDOW_PUSH
from alphalang.backend.numba.kernels.ring import init, slide  # noqa: F401 (init: this family's initial state)

SUM, MEAN, VAR, STD, ZSCORE, SKEW, KURT = range(7)
BLOCK = 128  # assets per block in the two-pass path


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring (d*n), anchor, s1..s4 (5n). Int words: missing count, repeat run (2n)."""
    return d * n + 5 * n, 2 * n


@njit(**JIT_OPTIONS)
def _reanchor(ring, k, s, x, n, d, high):
    """Recompute the sums from the ring, anchored at today's value (where finite)."""
    for i in range(n):
        if np.isfinite(x[i]):
            k[i] = x[i]
    s[:] = 0.0
    for j in range(d):
        for i in range(n):
            v = ring[j * n + i]
            a = v - k[i] if np.isfinite(v) else 0.0
            a2 = a * a
            s[0, i] += a
            s[1, i] += a2
            if high:
                s[2, i] += a2 * a
                s[3, i] += a2 * a2


@njit(**JIT_OPTIONS)
def _value(k, s, miss, run, d, mode, x, out):
    n = x.shape[0]
    fd = float(d)
    if mode <= MEAN:  # the first power sum only
        divisor = 1.0 if mode == SUM else fd
        for i in range(n):
            total = k[i] * fd + s[0, i]
            value = x[i] if (mode == MEAN and run[i] >= d - 1) else total / divisor  # constant: exactly x
            out[i] = value if miss[i] == 0 else math.nan
        return
    for i in range(n):
        if miss[i] > 0:
            out[i] = math.nan
            continue
        s1 = s[0, i]
        s2 = s[1, i]
        s3 = s[2, i]
        s4 = s[3, i]
        constant = run[i] >= d - 1
        mu = s1 / fd
        m2 = s2 - s1 * mu  # sum of squared deviations
        if m2 < 0.0 or constant:
            m2 = 0.0
        if mode == VAR or mode == STD:
            var = m2 / (fd - 1.0) if d > 1 else math.nan
            out[i] = var if mode == VAR else math.sqrt(var)
        elif mode == ZSCORE:
            if constant or d < 2:
                out[i] = math.nan
            else:
                out[i] = ((x[i] - k[i]) - mu) / math.sqrt(m2 / (fd - 1.0))
        elif constant or (mode == SKEW and d < 3) or (mode == KURT and d < 4):
            out[i] = math.nan
        elif mode == SKEW:
            m3 = s3 - 3.0 * mu * s2 + 2.0 * fd * mu * mu * mu
            out[i] = (m3 / fd) / (m2 / fd) ** 1.5 * math.sqrt(fd * (fd - 1.0)) / (fd - 2.0)
        else:  # KURT
            mu2 = mu * mu
            m4 = s4 - 4.0 * mu * s3 + 6.0 * mu2 * s2 - 3.0 * fd * mu2 * mu2
            out[i] = ((fd + 1.0) * fd * (fd - 1.0) / ((fd - 2.0) * (fd - 3.0)) * m4 / (m2 * m2)
                      - 3.0 * (fd - 1.0) ** 2 / ((fd - 2.0) * (fd - 3.0)))


@njit(**JIT_OPTIONS)
def _direct(ring, miss, run, acc1, acc2, acc3, acc4, t, d, mode, x, out):
    """The window statistic two-pass from the ring, in the reference's order of operations (assets in blocks
    of ``BLOCK`` with block-local accumulators that stay in L1)."""
    n = x.shape[0]
    fd = float(d)
    s1 = np.empty(BLOCK)
    s2 = np.empty(BLOCK)
    s3 = np.empty(BLOCK)
    s4 = np.empty(BLOCK)
    mu = np.empty(BLOCK)
    flat = np.empty(BLOCK, np.bool_)
    for lo in range(0, n, BLOCK):
        m = min(BLOCK, n - lo)
        for j in range(m):
            s1[j] = 0.0
            s2[j] = 0.0
            s3[j] = 0.0
            s4[j] = 0.0
        for age in range(d):  # oldest first
            slot = ((t + 1 + age) % d) * n + lo
            xs = ring[slot : slot + m]
            for j in range(m):
                s1[j] += xs[j]
        if mode >= VAR:
            cr = run[lo : lo + m]
            for j in range(m):
                mu[j] = s1[j] / fd
                flat[j] = cr[j] >= d - 1
            for age in range(d):
                slot = ((t + 1 + age) % d) * n + lo
                xs = ring[slot : slot + m]
                if mode >= SKEW:
                    for j in range(m):
                        c = 0.0 if flat[j] else xs[j] - mu[j]
                        c2 = c * c
                        s2[j] += c2
                        s3[j] += c2 * c
                        s4[j] += c2 * c2
                else:
                    for j in range(m):
                        c = 0.0 if flat[j] else xs[j] - mu[j]
                        s2[j] += c * c
        for j in range(m):
            acc1[lo + j] = s1[j]
            acc2[lo + j] = s2[j]
            acc3[lo + j] = s3[j]
            acc4[lo + j] = s4[j]
    for i in range(n):
        constant = run[i] >= d - 1
        if miss[i] > 0:
            out[i] = math.nan
        elif mode == SUM:
            out[i] = acc1[i]
        elif mode == MEAN:
            out[i] = x[i] if constant else acc1[i] / fd
        elif mode == VAR or mode == STD:
            var = acc2[i] / (fd - 1.0) if d > 1 else math.nan
            out[i] = var if mode == VAR else math.sqrt(var)
        elif mode == ZSCORE:
            c = x[i] - acc1[i] / fd
            out[i] = math.nan if (constant or d < 2) else c / math.sqrt(acc2[i] / (fd - 1.0))
        elif constant or (mode == SKEW and d < 3) or (mode == KURT and d < 4):
            out[i] = math.nan
        elif mode == SKEW:
            m2 = acc2[i] / fd
            out[i] = (acc3[i] / fd) / m2**1.5 * math.sqrt(fd * (fd - 1.0)) / (fd - 2.0)
        else:
            out[i] = ((fd + 1.0) * fd * (fd - 1.0) / ((fd - 2.0) * (fd - 3.0)) * acc4[i] / acc2[i] ** 2
                      - 3.0 * (fd - 1.0) ** 2 / ((fd - 2.0) * (fd - 3.0)))


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``) into the window; write the ``mode`` statistic to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    k = fs[d * n : d * n + n]
    s = fs[d * n + n : d * n + 5 * n].reshape((4, n))  # sums of (x - k)^1..4
    miss = is_[:n]
    run = is_[n : 2 * n]
    direct = d <= DIRECT_MAX
    high = mode >= SKEW and not direct
    lost = False  # a value left whose square dwarfs what stays: its rounding residue is too large, recompute
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
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
        a2 = a * a
        b2 = b * b
        squares = (0.0 if restart else s[1, i]) + (a2 - b2)  # every mode: it drives the cancellation check
        s[0, i] = (0.0 if restart else s[0, i]) + (a - b)
        s[1, i] = squares
        lost |= b2 > CANCELLATION * squares
        if high:
            s[2, i] = (0.0 if restart else s[2, i]) + (a2 * a - b2 * b)
            s[3, i] = (0.0 if restart else s[3, i]) + (a2 * a2 - b2 * b2)
    if direct:
        _direct(ring, miss, run, s[0], s[1], s[2], s[3], t, d, mode, x, out)
        return
    if d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(ring, k, s, x, n, d, high)
    _value(k, s, miss, run, d, mode, x, out)
