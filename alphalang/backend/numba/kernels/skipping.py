"""Window statistics under the NaN policy ``skip`` (``passes.nanpolicy``): what the window families that opt in
(``families.Family.skip``) share; the kernels' form of ``reference.skip``.

A skip node's mode code is ``mode + SKIP_STRIDE * m`` (``families.Family.mode_code``), ``m`` the valid values its
window needs; the family's ``push`` tests ``mode >= SKIP_STRIDE`` once per row, so the strict paths keep their
loops, and otherwise decodes the code with ``split``, writes today's value into its ring (the strict state layout:
a state does not depend on the policy) and computes the statistic from the ring over the valid values only.
Skip windows are evaluated two-pass from the ring, O(d) per update, vectorised across assets, in exactly
``reference.skip``'s arithmetic: ``valid_pass`` finds each window's valid count, its largest valid magnitude
(hence the power-of-two scale, ``ring.unscale``), its smallest and largest valid values and its oldest valid value
(the pivot), and sums ``x * inv - pivot`` over the valid values oldest first (in the same pass unless some window
needs a scale other than 1). The loops are branch-free (selects), so they vectorise across assets.

Example:
    >>> import numpy as np
    >>> ring = np.array([np.nan, 4.0, 2.0])  # d = 3 rows, 1 asset; t = 2: the oldest row is slot 0
    >>> out = [np.empty(1) for _ in range(6)]
    >>> count = np.empty(1, np.int64)
    >>> valid_pass(ring, ring, 2, 3, 1, count, *out)
    >>> int(count[0]), out[4], out[5]  # two valid values; pivot 4 (the oldest valid), total (4-4) + (2-4)
    (2, array([4.]), array([-2.]))
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.families import SKIP_STRIDE
from alphalang.backend.numba.kernels import JIT_OPTIONS
from alphalang.backend.numba.kernels.ring import unscale


@njit(inline="always", **JIT_OPTIONS)
def split(mode):
    """``(statistic mode, valid values needed)`` of a skip mode code."""
    return mode % SKIP_STRIDE, mode // SKIP_STRIDE


@njit(inline="always", **JIT_OPTIONS)
def write(ring, t, d, x):
    """Today's row into the time-major ring (slot ``t % d``)."""
    n = x.shape[0]
    cur = (t % d) * n
    for i in range(n):
        ring[cur + i] = x[i]


@njit(inline="always", **JIT_OPTIONS)
def slot(t, d, n, age):
    """Offset of the ring row ``age`` rows after the window's oldest (age 0: oldest, d - 1: today)."""
    return ((t + 1 + age) % d) * n


@njit(**JIT_OPTIONS)
def valid_pass(ring, other, t, d, n, count, top, lo, hi, inv, pivot, total):
    """Per asset, over the window's positions where both ``ring`` and ``other`` are finite (pass the same ring
    twice for one series), oldest first: ``count``, the largest magnitude ``top``, the smallest and largest
    values ``lo``/``hi``, the inverse scale ``inv`` (``ring.unscale(top)``), the oldest valid value scaled
    (``pivot``) and the oldest-first sum ``total`` of ``x * inv - pivot``."""
    for i in range(n):
        count[i] = 0
        top[i] = 0.0
        lo[i] = math.inf
        hi[i] = -math.inf
        pivot[i] = math.nan
        total[i] = 0.0
    for age in range(d):  # branch-free (selects), so the loops vectorise across assets
        base = slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v) & np.isfinite(other[base + i])
            pivot[i] = v if (ok & (count[i] == 0)) else pivot[i]
            count[i] += 1 if ok else 0
            top[i] = max(top[i], abs(v)) if ok else top[i]
            lo[i] = min(lo[i], v) if ok else lo[i]
            hi[i] = max(hi[i], v) if ok else hi[i]
            total[i] += (v - pivot[i]) if ok else 0.0  # a missing position adds 0, as in the reference's sums
    scaled = False
    for i in range(n):
        inv[i] = unscale(top[i])
        pivot[i] *= inv[i]
        scaled |= inv[i] != 1.0
    if not scaled:  # (nearly always) the sums above are already those of the scaled values
        return
    for i in range(n):
        total[i] = 0.0
    for age in range(d):
        base = slot(t, d, n, age)
        for i in range(n):
            v = ring[base + i]
            ok = np.isfinite(v) & np.isfinite(other[base + i])
            total[i] += (v * inv[i] - pivot[i]) if ok else 0.0


@njit(**JIT_OPTIONS)
def window(ring, other, t, d, n):
    """``valid_pass`` with fresh arrays: ``(count, top, lo, hi, inv, pivot, total)``."""
    count = np.empty(n, np.int64)
    top = np.empty(n)
    lo = np.empty(n)
    hi = np.empty(n)
    inv = np.empty(n)
    pivot = np.empty(n)
    total = np.empty(n)
    valid_pass(ring, other, t, d, n, count, top, lo, hi, inv, pivot, total)
    return count, top, lo, hi, inv, pivot, total


@njit(inline="always", **JIT_OPTIONS)
def centred_pairs(rx, ry, t, d, n, invx, px, mx, invy, py, my):
    """Sums of centred products over the window's complete pairs, ``(sxy, sxx, syy)``: ``a = x / scale_x -
    pivot_x - mean_x`` (likewise ``b``), an incomplete pair counting 0. Shared by the skip paths of
    ``comoments`` (cov/corr) and ``regression``, so both sum in one order."""
    sxy = np.zeros(n)
    sxx = np.zeros(n)
    syy = np.zeros(n)
    for age in range(d):
        base = slot(t, d, n, age)
        for i in range(n):
            u = rx[base + i]
            v = ry[base + i]
            ok = np.isfinite(u) & np.isfinite(v)
            a = ((u * invx[i] - px[i]) - mx[i]) if ok else 0.0
            b = ((v * invy[i] - py[i]) - my[i]) if ok else 0.0
            sxy[i] += a * b
            sxx[i] += a * a
            syy[i] += b * b
    return sxy, sxx, syy


@njit(**JIT_OPTIONS)
def ewm(fs, is_, decay, new, adjust, m, x, out):
    """pandas' ``ewm(ignore_na=False)`` mean (``reference.skip.ewm``) for the recursion families (ts_ema, expo):
    float words the mean so far and its weight, int words the valid values seen. Older weights decay every row,
    a valid value joins with weight ``new``; the mean so far is repeated on a missing row; NaN while fewer than
    ``m`` valid values have been seen."""
    n = x.shape[0]
    mean = fs[:n]
    weight = fs[n : 2 * n]
    count = is_[:n]
    for i in range(n):
        v = x[i]
        seen = count[i] > 0
        w = weight[i] * decay if seen else 1.0
        if np.isfinite(v):
            if not seen:
                mean[i] = v
            else:
                if mean[i] != v:
                    mean[i] = (w * mean[i] + new * v) / (w + new)
                w = w + new if adjust else 1.0
            count[i] += 1
        weight[i] = w
        out[i] = mean[i] if count[i] >= m else math.nan
