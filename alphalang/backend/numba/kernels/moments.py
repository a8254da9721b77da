"""Window power sums: ts_sum, ts_mean, ts_var, ts_std, ts_zscore, ts_skew, ts_kurt in O(1) per update.

State per asset, window d (float words): a time-major ring of the last d raw values, the inverse ``1 / s`` of
the power of two the window is scaled by (``ring.unscale``), an anchor ``k`` and the power sums ``s1..s4`` of
``x / s - k`` over the window's finite values. Int words: the number of missing values in the window (strict
NaN rule, warm-up included: the ring starts all-NaN) and the length of the current run of exactly repeated
values (an exactly constant window has ``run >= d - 1``: no float threshold).

Windows of at most ``DIRECT_MAX`` rows are evaluated two-pass from the ring instead, in exactly the
reference's arithmetic (``reference.moments``: scaled, shifted by the oldest value, summed oldest first; O(d)
but vectorised across assets, and bitwise equal). For longer windows, numerical stability: sums of
``x / s - k`` with ``k`` a recent value of the series avoid the cancellation of raw power sums
(``1e15 + noise``); every d rows (``(t + 1) % d == 0``) the sums are recomputed from the ring with a fresh
scale and anchor, so rounding drift never accumulates beyond d updates (amortised O(1)), and at once when
an outgoing square exceeds what stays by ``CANCELLATION`` (a huge value leaving would leave its rounding
residue behind) or ``ring.out_of_scale`` (a value near 1e300 arrives in a window scaled for ordinary ones).
Exactly constant windows give exactly 0 spread (var/std) and NaN for zscore/skew/kurt.

Under the NaN policy skip (``skipping``): two-pass from the ring over the valid values (``_skip``), as
``reference.skip``.

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

SUM, MEAN, VAR, STD, ZSCORE, SKEW, KURT = range(7)
BLOCK = 128  # assets per block in the two-pass path


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring (d*n), inverse scale, anchor, s1..s4 (6n). Int words: missing count, repeat run (2n)."""
    return d * n + 6 * n, 2 * n


@njit(**JIT_OPTIONS)
def _reanchor(ring, inv, k, s, x, n, d, high):
    """Recompute the sums from the ring, anchored at today's value (where finite), in the scale of the
    window's largest magnitude (``ring.rescaled``)."""
    top = anchor_today(x, inv, k)
    for _ in range(2):  # a second sweep only if some window changed scale
        s[:] = 0.0
        for j in range(d):
            for i in range(n):
                v = ring[j * n + i]
                track(top, i, v)
                a = v * inv[i] - k[i] if np.isfinite(v) else 0.0
                a2 = a * a
                s[0, i] += a
                s[1, i] += a2
                if high:
                    s[2, i] += a2 * a
                    s[3, i] += a2 * a2
        if not rescaled(top, inv, k):
            return


@njit(inline="always", **JIT_OPTIONS)
def _spread(mode, d, m2, inv):
    """var or std from the sum of squared deviations ``m2`` of values scaled by ``inv`` (dividing by the power
    of two ``inv`` is multiplying by the scale, exactly)."""
    if d < 2:
        return math.nan
    var = m2 / (d - 1.0)
    return var / inv / inv if mode == VAR else math.sqrt(var) / inv


@njit(inline="always", **JIT_OPTIONS)
def _shape(mode, d, s2, s3, s4):
    """Skewness or excess kurtosis from the sums of 2nd, 3rd, 4th powers of deviations (scale-free)."""
    fd = float(d)
    if mode == SKEW:
        m2 = s2 / fd
        return (s3 / fd) / (m2 * math.sqrt(m2)) * math.sqrt(fd * (fd - 1.0)) / (fd - 2.0)
    return ((fd + 1.0) * fd * (fd - 1.0) / ((fd - 2.0) * (fd - 3.0)) * s4 / (s2 * s2)
            - 3.0 * (fd - 1.0) ** 2 / ((fd - 2.0) * (fd - 3.0)))


@njit(**JIT_OPTIONS)
def _value(inv, k, s, miss, run, d, mode, x, out):
    n = x.shape[0]
    fd = float(d)
    for i in range(n):
        constant = run[i] >= d - 1
        if miss[i] > 0:
            out[i] = math.nan
            continue
        s1 = s[0, i]
        if mode == SUM:
            out[i] = (k[i] * fd + s1) / inv[i]
            continue
        if mode == MEAN:
            out[i] = x[i] if constant else (k[i] + s1 / fd) / inv[i]  # constant: exactly x
            continue
        mu = s1 / fd
        m2 = s[1, i] - s1 * mu  # sum of squared deviations
        if m2 < 0.0 or constant:
            m2 = 0.0
        if mode == VAR or mode == STD:
            out[i] = _spread(mode, d, m2, inv[i])
        elif mode == ZSCORE:
            if constant or d < 2:
                out[i] = math.nan
            else:
                out[i] = ((x[i] * inv[i] - k[i]) - mu) / math.sqrt(m2 / (fd - 1.0))
        elif constant or (mode == SKEW and d < 3) or (mode == KURT and d < 4):
            out[i] = math.nan
        else:
            s2 = s[1, i]
            s3 = s[2, i]
            mu2 = mu * mu
            m3 = s3 - 3.0 * mu * s2 + 2.0 * fd * mu2 * mu
            m4 = s[3, i] - 4.0 * mu * s3 + 6.0 * mu2 * s2 - 3.0 * fd * mu2 * mu2
            out[i] = _shape(mode, d, m2, m3, m4)


@njit(**JIT_OPTIONS)
def _direct(ring, miss, run, t, d, mode, x, out):
    """The window statistic two-pass from the ring, in the reference's arithmetic (``reference.moments``):
    scaled by ``unscale`` of the largest magnitude, shifted by the oldest value, summed oldest first. Assets
    go in blocks of ``BLOCK`` with block-local accumulators that stay in L1."""
    n = x.shape[0]
    fd = float(d)
    top = np.empty(BLOCK)
    inv = np.empty(BLOCK)
    pivot = np.empty(BLOCK)
    s1 = np.empty(BLOCK)
    s2 = np.empty(BLOCK)
    s3 = np.empty(BLOCK)
    s4 = np.empty(BLOCK)
    mu = np.empty(BLOCK)
    for lo in range(0, n, BLOCK):
        m = min(BLOCK, n - lo)
        offset_sums(ring, t, d, n, lo, m, top, inv, pivot, s1)
        for j in range(m):
            s2[j] = 0.0
            s3[j] = 0.0
            s4[j] = 0.0
        for j in range(m):
            mu[j] = s1[j] / fd
        if mode >= VAR:
            for age in range(d):
                slot = ((t + 1 + age) % d) * n + lo
                xs = ring[slot : slot + m]
                if mode >= SKEW:
                    for j in range(m):
                        c = (xs[j] * inv[j] - pivot[j]) - mu[j]
                        c2 = c * c
                        s2[j] += c2
                        s3[j] += c2 * c
                        s4[j] += c2 * c2
                else:
                    for j in range(m):
                        c = (xs[j] * inv[j] - pivot[j]) - mu[j]
                        s2[j] += c * c
        for j in range(m):
            i = lo + j
            if miss[i] > 0:
                out[i] = math.nan
            elif mode == SUM:
                out[i] = (pivot[j] * fd + s1[j]) / inv[j]
            elif mode == MEAN:
                out[i] = (pivot[j] + mu[j]) / inv[j]  # exactly the value over a constant window (s1 = 0)
            elif mode == VAR or mode == STD:
                out[i] = _spread(mode, d, s2[j], inv[j])
            elif run[i] >= d - 1 or (mode == ZSCORE and d < 2) or (mode == SKEW and d < 3) or (mode == KURT and d < 4):
                out[i] = math.nan
            elif mode == ZSCORE:
                out[i] = ((x[i] * inv[j] - pivot[j]) - mu[j]) / math.sqrt(s2[j] / (fd - 1.0))
            else:
                out[i] = _shape(mode, d, s2[j], s3[j], s4[j])


_NEEDS = (1, 1, 2, 2, 2, 3, 4)  # valid values each statistic needs (ddof 1; skew 3; kurt 4), by mode


@njit(**JIT_OPTIONS)
def _skip(ring, t, d, code, x, out):
    """The statistic over the window's valid values (NaN policy skip), ``reference.skip``'s arithmetic."""
    mode, m = skipping.split(code)
    n = x.shape[0]
    count, _, lo, hi, inv, pivot, total = skipping.window(ring, ring, t, d, n)
    mu = np.empty(n)
    s2 = np.zeros(n)
    s3 = np.zeros(n)
    s4 = np.zeros(n)
    for i in range(n):
        mu[i] = total[i] / count[i] if count[i] > 0 else 0.0
    if mode >= VAR:
        for age in range(d):
            base = skipping.slot(t, d, n, age)
            if mode >= SKEW:
                for i in range(n):
                    v = ring[base + i]
                    c = ((v * inv[i] - pivot[i]) - mu[i]) if np.isfinite(v) else 0.0
                    c2 = c * c
                    s2[i] += c2
                    s3[i] += c2 * c
                    s4[i] += c2 * c2
            else:
                for i in range(n):
                    v = ring[base + i]
                    c = ((v * inv[i] - pivot[i]) - mu[i]) if np.isfinite(v) else 0.0
                    s2[i] += c * c
    need = max(m, _NEEDS[mode])
    for i in range(n):
        fn = float(count[i])
        if count[i] < need or (mode == ZSCORE and not np.isfinite(x[i])):
            out[i] = math.nan
        elif mode == SUM:
            out[i] = (fn * pivot[i] + total[i]) / inv[i]
        elif mode == MEAN:
            out[i] = (pivot[i] + mu[i]) / inv[i]
        elif mode == VAR or mode == STD:
            var = s2[i] / (fn - 1.0)
            out[i] = var / inv[i] / inv[i] if mode == VAR else math.sqrt(var) / inv[i]
        elif lo[i] == hi[i]:  # an exactly constant window
            out[i] = math.nan
        elif mode == ZSCORE:
            out[i] = ((x[i] * inv[i] - pivot[i]) - mu[i]) / math.sqrt(s2[i] / (fn - 1.0))
        else:
            out[i] = _shape(mode, count[i], s2[i], s3[i], s4[i])


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``) into the window; write the ``mode`` statistic to ``out``."""
    n = x.shape[0]
    ring = fs[: d * n]
    if mode >= skipping.SKIP_STRIDE:
        skipping.write(ring, t, d, x)
        _skip(ring, t, d, mode, x, out)
        return
    inv = fs[d * n : d * n + n]  # 1 / the window's scale (a power of two)
    k = fs[d * n + n : d * n + 2 * n]  # the anchor, scaled
    s = fs[d * n + 2 * n : d * n + 6 * n].reshape((4, n))  # sums of (x / scale - k)^1..4
    miss = is_[:n]
    run = is_[n : 2 * n]
    direct = d <= DIRECT_MAX
    high = mode >= SKEW and not direct
    lost = False  # the sums lost digits or need another scale: recompute them from the ring
    cur = (t % d) * n
    prev = ((t - 1) % d) * n
    for i in range(n):  # branch-free, so it vectorises across assets
        new = x[i]
        old, stay_missing = slide(ring, miss, run, cur, prev, i, new)
        if direct:
            continue
        a, b, restart, rescale = anchored(inv, k, i, new, old, stay_missing, d)
        a2 = a * a
        b2 = b * b
        squares = (0.0 if restart else s[1, i]) + (a2 - b2)  # every mode: it drives the cancellation check
        s[0, i] = (0.0 if restart else s[0, i]) + (a - b)
        s[1, i] = squares
        lost |= (b2 > CANCELLATION * squares) | rescale
        if high:
            s[2, i] = (0.0 if restart else s[2, i]) + (a2 * a - b2 * b)
            s[3, i] = (0.0 if restart else s[3, i]) + (a2 * a2 - b2 * b2)
    if direct:
        _direct(ring, miss, run, t, d, mode, x, out)
        return
    if d > 1 and ((t + 1) % d == 0 or lost):
        _reanchor(ring, inv, k, s, x, n, d, high)
    _value(inv, k, s, miss, run, d, mode, x, out)
