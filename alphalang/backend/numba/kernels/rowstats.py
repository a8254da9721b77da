"""Per-row clean-up kernels (``reference.cleanup``): cs_* statistics, winsorize, normalize, truncate, scale (with
BRAIN's long/short books), scale_down, quantile, and the two-input regression_neut/proj, vector_neut/proj and
cs_diff_weighted_sum. One date at a time, no state.

Every mode first gathers the row's finite values (both values finite for the two-input modes) in asset order
into workspace rows, so sums are numpy's pairwise sums over the same contiguous values as the reference's
``np.sum``/``mean``/``std`` (bitwise equal); then it writes each finite asset's result and NaN elsewhere. The
order statistics (median, quantile's rank) reuse the cross-sectional packed-key SIMD sort (``crosssection``).
The kernel's ``out`` row serves as scratch before the results are written (it never aliases an input).

``quantile``'s gaussian driver is ``elementwise.ndtri``.

Example:
    >>> import numpy as np
    >>> from alphalang.backend.numba.kernels.crosssection import workspace
    >>> out = np.empty(4)
    >>> x = np.array([1.0, np.nan, 3.0, 8.0])
    >>> push(x, x, MEDIAN, np.empty(0), -1, out, workspace(4, 0))
    >>> out
    array([ 3., nan,  3.,  3.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.families import FAMILY
from alphalang.backend.numba.kernels import JIT_OPTIONS, ROWSTATS_ROW
from alphalang.backend.numba.kernels.crosssection import pack_keys, pairwise_sum, sort_keys, sorted_values
from alphalang.backend.numba.kernels.elementwise import ndtri
from alphalang.backend.numba.kernels.ties import band_ranks

_MODES = ("MEAN", "STD", "MIN", "MAX", "SUM", "COUNT", "MEDIAN", "WINSORIZE", "NORMALIZE", "TRUNCATE",
          "SCALE_DOWN", "QUANTILE", "SCALE", "REG_NEUT", "REG_PROJ", "VEC_NEUT", "VEC_PROJ", "DIFF_WSUM")
(MEAN, STD, MIN, MAX, SUM, COUNT, MEDIAN, WINSORIZE, NORMALIZE, TRUNCATE, SCALE_DOWN, QUANTILE, SCALE, REG_NEUT,
 REG_PROJ, VEC_NEUT, VEC_PROJ, DIFF_WSUM) = (FAMILY["rowstats"].mode_code(m) for m in _MODES)
TWO_INPUTS = REG_NEUT  # modes from here on read two series (in0, in1)
GAUSSIAN, UNIFORM, CAUCHY = 0, 1, 2  # quantile's driver: its index in the registry's choices


@njit(**JIT_OPTIONS)
def _gather(x, y, two, vx, vy):
    """The finite values of x (and y: both finite when ``two``) in asset order into vx (vy); returns the count."""
    m = 0
    for i in range(x.shape[0]):
        if np.isfinite(x[i]) and (not two or np.isfinite(y[i])):
            vx[m] = x[i]
            if two:
                vy[m] = y[i]
            m += 1
    return m


@njit(**JIT_OPTIONS)
def _scatter(x, y, two, vals, out):
    """vals (in gathered order) to the assets they came from; NaN elsewhere."""
    j = 0
    for i in range(x.shape[0]):
        if np.isfinite(x[i]) and (not two or np.isfinite(y[i])):
            out[i] = vals[j]
            j += 1
        else:
            out[i] = math.nan


@njit(**JIT_OPTIONS)
def _fill(x, value, out):
    for i in range(x.shape[0]):
        out[i] = value if np.isfinite(x[i]) else math.nan


@njit(**JIT_OPTIONS)
def _flat(v, m):
    for j in range(1, m):
        if v[j] != v[0]:
            return False
    return True


@njit(**JIT_OPTIONS)
def _mean(v, m):
    """The mean of v[:m] (numpy's pairwise sum / m); exactly the value of an all-equal set."""
    return v[0] if _flat(v, m) else pairwise_sum(v, 0, m) / m


@njit(**JIT_OPTIONS)
def _squares(v, m, center, scratch):
    """Sum of (v - center)^2 over v[:m] in numpy's order (the squares laid out in scratch)."""
    for j in range(m):
        c = v[j] - center
        scratch[j] = c * c
    return pairwise_sum(scratch, 0, m)


@njit(**JIT_OPTIONS)
def _products(a, b, m, scratch):
    """Sum of a * b over [:m] in numpy's order."""
    for j in range(m):
        scratch[j] = a[j] * b[j]
    return pairwise_sum(scratch, 0, m)


@njit(**JIT_OPTIONS)
def _std(v, m, scratch):
    """(mean, std with ddof 0) in numpy's arithmetic (``np.mean``, ``np.std``)."""
    mean = pairwise_sum(v, 0, m) / m
    return mean, math.sqrt(_squares(v, m, mean, scratch) / m)


@njit(**JIT_OPTIONS)
def _statistic(mode, v, m, x, out, ws):
    """The date statistic of v[:m] (``mode`` MEAN..MEDIAN); ``out`` is scratch."""
    if mode == MEAN:
        return _mean(v, m)
    if mode == STD:
        return 0.0 if _flat(v, m) else _std(v, m, out)[1]
    if mode == SUM:
        return pairwise_sum(v, 0, m)
    if mode == COUNT:
        return float(m)
    if mode == MEDIAN:
        vals = _sorted(x, ws)
        h = m // 2
        return vals[h] if m % 2 == 1 else (vals[h - 1] + vals[h]) / 2.0
    best = v[0]
    for j in range(1, m):
        best = min(best, v[j]) if mode == MIN else max(best, v[j])
    return best


@njit(**JIT_OPTIONS)
def _sorted(x, ws):
    """The row's finite values sorted into ws[1] (their assets in ws[2])."""
    keys, vals, idx = ws[0], ws[1], ws[2]
    count = pack_keys(x, keys, ws[3])
    sort_keys(keys)
    sorted_values(x, keys, count, vals, idx)
    return vals


@njit(**JIT_OPTIONS)
def _capped(a, k, cap, flags, scratch):
    """``reference.cleanup._capped`` on a[:k] in place (flags: ws int row, scratch: a float row)."""
    total = pairwise_sum(a, 0, k)
    for j in range(k):
        flags[j] = 0
    n_capped = 0
    while True:
        if n_capped == k:
            for j in range(k):
                a[j] = cap
            return
        free = 0
        for j in range(k):
            if flags[j] == 0:
                scratch[free] = a[j]
                free += 1
        f = (total - cap * n_capped) / pairwise_sum(scratch, 0, free)
        over = 0
        for j in range(k):
            if flags[j] == 0 and a[j] * f > cap:
                flags[j] = 1
                over += 1
        if over == 0:
            for j in range(k):
                a[j] = cap if flags[j] == 1 else a[j] * f
            return
        n_capped += over


@njit(**JIT_OPTIONS)
def _truncate(v, m, p, out, ws):
    """truncate over v[:m] in place (ws[3] holds one side's magnitudes, ws[2] their positions)."""
    mags, pos, flags = ws[3], ws[2], ws[4]
    for j in range(m):
        mags[j] = abs(v[j])
    cap = p * pairwise_sum(mags, 0, m)
    for sign in (1.0, -1.0):
        k = 0
        for j in range(m):
            if v[j] * sign > 0:
                mags[k] = abs(v[j])
                pos[k] = j
                k += 1
        if k > 0:
            _capped(mags, k, cap, flags, out)
            for s in range(k):
                v[pos[s]] = sign * mags[s]


@njit(**JIT_OPTIONS)
def _quantile(x, m, driver, sigma, out, ws):
    """quantile's values, written to out (NaN at missing assets); ws[3] is scratch."""
    vals = _sorted(x, ws)
    for i in range(x.shape[0]):
        out[i] = math.nan
    band_ranks(vals, ws[2], 0, m, out)
    p = ws[3]
    j = 0
    for i in range(x.shape[0]):
        if np.isfinite(x[i]):
            p[j] = 0.5 if m == 1 else 1.0 / m + (out[i] * m - 1.0) / (m - 1.0) * (1.0 - 2.0 / m)
            j += 1
    mean = pairwise_sum(p, 0, m) / m if driver == UNIFORM else 0.0
    j = 0
    for i in range(x.shape[0]):
        if np.isfinite(x[i]):
            if driver == GAUSSIAN:
                out[i] = sigma * ndtri(p[j])
            elif driver == CAUCHY:
                out[i] = sigma * math.tan(math.pi * (p[j] - 0.5))
            else:
                out[i] = sigma * (p[j] - mean)
            j += 1


@njit(**JIT_OPTIONS)
def _two(mode, vx, vy, m, out):
    """regression_neut/proj (y = vx, x = vy) or vector_neut/proj (x = vx, y = vy) of the gathered values, in
    place into vx; ``out`` is scratch."""
    if mode == DIFF_WSUM:
        total = _products(vx, vy, m, out)
        for j in range(m):
            vx[j] = vx[j] - total
        return
    if mode == VEC_NEUT or mode == VEC_PROJ:
        yy = _products(vy, vy, m, out)
        k = 0.0 if yy == 0 else _products(vx, vy, m, out) / yy
        for j in range(m):
            proj = 0.0 if yy == 0 else k * vy[j]
            vx[j] = proj if mode == VEC_PROJ else vx[j] - proj
        return
    my = _mean(vx, m)
    flat_x = _flat(vy, m)
    beta = 0.0
    mx = 0.0
    if not flat_x:
        mx = pairwise_sum(vy, 0, m) / m
        for j in range(m):
            out[j] = (vy[j] - mx) * (vx[j] - my)
        sxy = pairwise_sum(out, 0, m)
        beta = sxy / _squares(vy, m, mx, out)
    for j in range(m):
        dy = vx[j] - my
        if flat_x:
            vx[j] = my if mode == REG_PROJ else dy
        else:
            dx = vy[j] - mx
            vx[j] = my + beta * dx if mode == REG_PROJ else dy - beta * dx


@njit(**JIT_OPTIONS)
def _scale(v, m, a, long_book, short_book, scratch):
    """``reference.cleanup.scale`` over v[:m] in place."""
    if long_book == 1.0 and short_book == 1.0:
        for j in range(m):
            scratch[j] = abs(v[j])
        total = pairwise_sum(scratch, 0, m)
        for j in range(m):
            v[j] = v[j] * a / total if total != 0.0 else math.nan
        return
    for sign, book in ((1.0, long_book), (-1.0, short_book)):
        k = 0
        for j in range(m):
            if v[j] * sign > 0:
                scratch[k] = abs(v[j])
                k += 1
        side = pairwise_sum(scratch, 0, k)
        for j in range(m):
            if v[j] * sign > 0:
                v[j] = v[j] * book / side


@njit(ROWSTATS_ROW, **JIT_OPTIONS)
def push(x, y, mode, consts, c, out, ws):
    """Write the ``mode`` clean-up of row ``x`` (and ``y``) to ``out``; the node's constants start at
    ``consts[c]``."""
    two = mode >= TWO_INPUTS
    vx, vy = ws[1], ws[3]
    m = _gather(x, y, two, vx, vy)
    if m == 0:
        for i in range(x.shape[0]):
            out[i] = math.nan
        return
    if mode <= MEDIAN:
        _fill(x, _statistic(mode, vx, m, x, out, ws), out)
        return
    if mode == QUANTILE:
        _quantile(x, m, int(consts[c]), consts[c + 1], out, ws)
        return
    if two:
        _two(mode, vx, vy, m, out)
    elif mode == TRUNCATE:
        _truncate(vx, m, consts[c], out, ws)
    elif mode == SCALE:
        _scale(vx, m, consts[c], consts[c + 1], consts[c + 2], ws[3])
    elif mode == SCALE_DOWN:
        lo, hi = vx[0], vx[0]
        for j in range(m):
            lo, hi = min(lo, vx[j]), max(hi, vx[j])
        for j in range(m):
            vx[j] = math.nan if lo == hi else (vx[j] - lo) / (hi - lo) - consts[c]
    elif mode == WINSORIZE:
        if not _flat(vx, m):
            mean, sd = _std(vx, m, out)
            lo, hi = mean - consts[c] * sd, mean + consts[c] * sd
            for j in range(m):
                vx[j] = min(max(vx[j], lo), hi)
    else:  # NORMALIZE
        use_std, limit = consts[c] != 0.0, consts[c + 1]
        flat = _flat(vx, m)
        if use_std and (m < 2 or flat):
            for j in range(m):
                vx[j] = math.nan
        else:
            mean = 0.0 if flat else pairwise_sum(vx, 0, m) / m
            for j in range(m):
                vx[j] = 0.0 if flat else vx[j] - mean
            if use_std:
                sd = math.sqrt(_squares(vx, m, 0.0, out) / (m - 1))
                for j in range(m):
                    vx[j] = vx[j] / sd
            if limit > 0:
                for j in range(m):
                    vx[j] = min(max(vx[j], -limit), limit)
    _scatter(x, y, two, vx, out)
