"""Per-row group kernels: every group statistic (group_mean/sum/max/min/count/std_dev/scale/normalize, the
weighted mean, vector neutralisation and projection, indneutralize, group_zscore: O(N) per row; group_rank and
group_median: O(N log N)), and the labels of ``densify``.

Labels arrive dense: 0..G-1 for the whole call from an ``IndClass`` level, or, from a row buffer holding a
label-valued operator's output (``bucket``, ``densify``), renumbered 0..k-1 per row by ``row_labels`` (k <= N);
negative = no group. A stable counting sort by label (O(N + G)) lays each label's members out contiguously in
asset order, and each label's sums are numpy's pairwise sums over that run (bitwise equal to the reference). A
label whose members are all equal gives their value as the mean and an exactly-zero deviation (neutralise: 0,
zscore: NaN, std: 0), not rounding noise.

``group_rank`` and ``group_median`` reuse the cross-sectional packed-key sort (O(N log N)), then a stable counting
sort by label (O(N + G)) keeps each label's members in ascending order; ranks average ties (``ties``, with each
label's own width) within each label.

Example:
    >>> import numpy as np
    >>> from alphalang.backend.numba.kernels.crosssection import workspace
    >>> out = np.empty(4)
    >>> x = np.array([1.0, 3.0, 5.0, 7.0])
    >>> push(x, x, np.array([0, 0, 1, -1]), NEUTRALIZE, 0.0, out, workspace(4, 2), 2)
    >>> out
    array([-1.,  1.,  0., nan])
    >>> labels = np.empty(4, np.int64)
    >>> row_labels(np.array([7.0, -1.0, 2.0, 7.0]), labels), labels
    (2, array([ 1, -1,  0,  1]))
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import GROUP_ROW, JIT_OPTIONS
from alphalang.backend.numba.kernels.crosssection import (
    MISSING_KEY,
    index_bits,
    pack_keys,
    pairwise_sum,
    sort_keys,
    sorted_values,
    spread,
)
from alphalang.backend.numba.kernels.ties import band_ranks

(MEAN, NEUTRALIZE, ZSCORE, RANK, SUM, MAX, MIN, COUNT, STD, SCALE, NORMALIZE, MEDIAN, WMEAN, VNEUT, VPROJ,
 DENSIFY) = range(16)  # the order of ``families.FAMILY["group"].modes``
TWO_INPUTS = WMEAN  # modes from here on read a second series (the weights, or y) and need it finite too


@njit(**JIT_OPTIONS)
def _by_label(x, y, two, g, ws, n_groups):
    """Members (label >= 0, finite value, and finite y when ``two``) grouped by label in asset order: ws[3]/ws[4]
    hold values/indices (ws[1] the y values), label k spans start[k]..start[k+1]. Returns the number of
    members."""
    n = x.shape[0]
    vals2, idx2, yv, gi = ws[3], ws[4], ws[1], ws[6]
    fill = gi[:n_groups]
    start = gi[n_groups : 2 * n_groups + 1]
    for k in range(n_groups):
        fill[k] = 0
    members = 0
    for i in range(n):
        if g[i] >= 0 and np.isfinite(x[i]) and (not two or np.isfinite(y[i])):
            fill[g[i]] += 1
            members += 1
    start[0] = 0
    for k in range(n_groups):
        start[k + 1] = start[k] + fill[k]
        fill[k] = start[k]
    for i in range(n):
        k = g[i]
        if k >= 0 and np.isfinite(x[i]) and (not two or np.isfinite(y[i])):
            vals2[fill[k]] = x[i]
            idx2[fill[k]] = i
            if two:
                yv[fill[k]] = y[i]
            fill[k] += 1
    return members


@njit(**JIT_OPTIONS)
def _sorted_by_label(x, g, ws, n_groups):
    """Members grouped by label, each label's values ascending (ws[3]/ws[4], spans as ``_by_label``)."""
    n = x.shape[0]
    keys, vals, idx, vals2, idx2 = ws[0], ws[1], ws[2], ws[3], ws[4]
    gi = ws[6]
    count = gi[:n_groups]
    start = gi[n_groups : 2 * n_groups + 1]
    pack_keys(x, keys, vals)
    low = (np.int64(1) << index_bits(n)) - 1
    members = 0
    for k in range(n_groups):
        count[k] = 0
    for i in range(n):
        if g[i] >= 0 and np.isfinite(x[i]):
            members += 1
            count[g[i]] += 1
        else:  # missing, or no label: sorts last, takes no part
            keys[i] = (MISSING_KEY & ~low) | i
    sort_keys(keys)
    sorted_values(x, keys, members, vals, idx)
    start[0] = 0
    for k in range(n_groups):
        start[k + 1] = start[k] + count[k]
    fill = gi[:n_groups]  # reuse the counts as fill cursors
    for k in range(n_groups):
        fill[k] = start[k]
    for r in range(members):  # stable counting sort by label: ascending order within each label
        k = g[idx[r]]
        vals2[fill[k]] = vals[r]
        idx2[fill[k]] = idx[r]
        fill[k] += 1


@njit(**JIT_OPTIONS)
def _sorted_statistic(x, g, mode, out, ws, n_groups):
    """group_rank (average-tie rank within each label / the label's count) and group_median."""
    _sorted_by_label(x, g, ws, n_groups)
    vals2, idx2, start = ws[3], ws[4], ws[6][n_groups : 2 * n_groups + 1]
    for k in range(n_groups):
        lo, hi = start[k], start[k + 1]
        if mode == RANK:
            band_ranks(vals2, idx2, lo, hi, out)
        elif hi > lo:
            mid = lo + (hi - lo) // 2
            median = vals2[mid] if (hi - lo) % 2 == 1 else (vals2[mid - 1] + vals2[mid]) / 2
            for j in range(lo, hi):
                out[idx2[j]] = median


@njit(**JIT_OPTIONS)
def _extreme(vals, lo, m, largest):
    best = vals[lo]
    for j in range(lo + 1, lo + m):
        if (vals[j] > best) if largest else (vals[j] < best):
            best = vals[j]
    return best


@njit(**JIT_OPTIONS)
def _product_sum(a, b, lo, m, scratch):
    """sum of a[j] * b[j] over lo..lo+m-1 in numpy's pairwise order."""
    for j in range(lo, lo + m):
        scratch[j] = a[j] * b[j]
    return pairwise_sum(scratch, lo, m)


@njit(**JIT_OPTIONS)
def _statistic(vals, yv, lo, m, mode, c, scratch, out, idx):
    """Write the ``mode`` statistic of one label's members vals[lo:lo+m] (y values yv) to out[idx[j]]."""
    if mode == SUM or mode == COUNT or mode == MAX or mode == MIN:
        if mode == SUM:
            value = pairwise_sum(vals, lo, m)
        elif mode == COUNT:
            value = float(m)
        else:
            value = _extreme(vals, lo, m, mode == MAX)
        for j in range(lo, lo + m):
            out[idx[j]] = value
    elif mode == SCALE:
        bottom = _extreme(vals, lo, m, False)
        top = _extreme(vals, lo, m, True)
        for j in range(lo, lo + m):
            out[idx[j]] = math.nan if top == bottom else (vals[j] - bottom) / (top - bottom)
    elif mode == NORMALIZE:
        for j in range(lo, lo + m):
            scratch[j] = abs(vals[j])
        total = pairwise_sum(scratch, lo, m)
        for j in range(lo, lo + m):
            out[idx[j]] = vals[j] * c / total if total != 0.0 else math.nan
    elif mode == WMEAN:
        flat = _extreme(vals, lo, m, True) == _extreme(vals, lo, m, False)
        total = pairwise_sum(yv, lo, m)
        value = vals[lo] if flat else (_product_sum(yv, vals, lo, m, scratch) / total if total != 0.0 else math.nan)
        for j in range(lo, lo + m):
            out[idx[j]] = value
    elif mode == VNEUT or mode == VPROJ:
        yy = _product_sum(yv, yv, lo, m, scratch)
        b = _product_sum(vals, yv, lo, m, scratch) / yy if yy != 0.0 else math.nan
        for j in range(lo, lo + m):
            out[idx[j]] = b * yv[j] if mode == VPROJ else vals[j] - b * yv[j]
    else:  # MEAN, NEUTRALIZE, ZSCORE, STD: numpy's mean and spread
        mean, std, flat = spread(vals, lo, m, scratch)
        for j in range(lo, lo + m):
            if mode == MEAN:
                out[idx[j]] = vals[lo] if flat else mean
            elif mode == NEUTRALIZE:
                out[idx[j]] = 0.0 if flat else vals[j] - mean
            elif mode == STD:
                out[idx[j]] = 0.0 if flat else std
            else:
                out[idx[j]] = math.nan if flat else (vals[j] - mean) / std


@njit(GROUP_ROW, **JIT_OPTIONS)
def push(x, y, g, mode, c, out, ws, n_groups):
    """Write the ``mode`` statistic of each asset's label group (row ``x``, second series ``y``, labels ``g``,
    constant ``c``) to ``out``; DENSIFY writes the labels themselves (as floats, -1: no group)."""
    n = x.shape[0]
    if mode == DENSIFY:
        for i in range(n):
            out[i] = float(g[i]) if g[i] >= 0 else -1.0
        return
    for i in range(n):
        out[i] = math.nan
    if mode == RANK or mode == MEDIAN:
        _sorted_statistic(x, g, mode, out, ws, n_groups)
        return
    _by_label(x, y, mode >= TWO_INPUTS, g, ws, n_groups)
    vals2, idx2, yv, start = ws[3], ws[4], ws[1], ws[6][n_groups : 2 * n_groups + 1]
    scratch = np.empty(n) if mode >= TWO_INPUTS else ws[1]
    for k in range(n_groups):
        lo = start[k]
        m = start[k + 1] - lo
        if m > 0:
            _statistic(vals2, yv, lo, m, mode, c, scratch, out, idx2)


@njit(**JIT_OPTIONS)
def row_labels(src, dst):
    """Labels held as floats in a row buffer (a label-valued operator's output; negative or NaN: no group)
    renumbered 0..k-1 into ``dst`` (-1: no group); returns k (<= N, so the workspace of N labels holds them)."""
    n = src.shape[0]
    top = -1.0
    for i in range(n):
        if src[i] >= 0 and src[i] > top:
            top = src[i]
    k = 0
    if top < 4 * n + 64:  # small labels: a lookup table over 0..top
        lut = np.zeros(int(top) + 1, np.int64)
        for i in range(n):
            if src[i] >= 0:
                lut[int(src[i])] = 1
        for j in range(lut.shape[0]):
            if lut[j] == 1:
                lut[j] = k
                k += 1
            else:
                lut[j] = -1
        for i in range(n):
            dst[i] = lut[int(src[i])] if src[i] >= 0 else -1
        return k
    present = np.unique(src[src >= 0])  # large labels (e.g. many buckets): sort the ones present
    for i in range(n):
        dst[i] = np.searchsorted(present, src[i]) if src[i] >= 0 else -1
    return present.shape[0]


@njit(inline="always", **JIT_OPTIONS)
def labels(level, r, rows, groups, n_groups, c0):
    """Row ``r``'s group labels (of the kernel's columns ``c0..``) and their count: ``level`` >= 0 an IndClass
    level of ``groups``, < 0 the row buffer -level-1 holding a label-valued operator's output (bucket, densify),
    renumbered to 0..k-1 (k <= N)."""
    if level >= 0:
        return groups[level, min(r, groups.shape[1] - 1), c0 : c0 + rows.shape[1]], n_groups
    g = np.empty(rows.shape[1], np.int64)
    return g, row_labels(rows[-level - 1], g)
