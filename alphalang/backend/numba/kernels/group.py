"""Per-row group kernels: group_mean, indneutralize, group_zscore (O(N) per row) and group_rank.

Labels arrive dense (0..G-1 for the whole call, negative = no group). A stable counting sort by label (O(N + G))
lays each label's members out contiguously in asset order, and each label's mean and spread are numpy's
pairwise sums over that run (bitwise equal to the reference). A label whose members are all equal gives their
value as the mean and an exactly-zero deviation (neutralise: 0, zscore: NaN), not rounding noise.

``group_rank`` reuses the cross-sectional packed-key sort (O(N log N)), then a stable counting sort by label
(O(N + G)) keeps each label's members in ascending order, and ties (``ties``, with each label's own width) are
averaged within each label.

Example:
    >>> import numpy as np
    >>> from alphalang.backend.numba.kernels.crosssection import workspace
    >>> out = np.empty(4)
    >>> push(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, -1]), NEUTRALIZE, out, workspace(4, 2), 2)
    >>> out
    array([-1.,  1.,  0., nan])
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
    sort_keys,
    sorted_values,
    spread,
)
from alphalang.backend.numba.kernels.ties import band_ranks

MEAN, NEUTRALIZE, ZSCORE, RANK = range(4)


@njit(**JIT_OPTIONS)
def _by_label(x, g, ws, n_groups):
    """Members (finite value, label >= 0) grouped by label in asset order: ws[3]/ws[4] hold values/indices,
    label k spans start[k]..start[k+1]. Returns the number of members."""
    n = x.shape[0]
    vals2, idx2, gi = ws[3], ws[4], ws[6]
    fill = gi[:n_groups]
    start = gi[n_groups : 2 * n_groups + 1]
    for k in range(n_groups):
        fill[k] = 0
    members = 0
    for i in range(n):
        if g[i] >= 0 and np.isfinite(x[i]):
            fill[g[i]] += 1
            members += 1
    start[0] = 0
    for k in range(n_groups):
        start[k + 1] = start[k] + fill[k]
        fill[k] = start[k]
    for i in range(n):
        k = g[i]
        if k >= 0 and np.isfinite(x[i]):
            vals2[fill[k]] = x[i]
            idx2[fill[k]] = i
            fill[k] += 1
    return members


@njit(**JIT_OPTIONS)
def _rank(x, g, out, ws, n_groups):
    """Average-tie rank within each label, divided by the label's member count."""
    n = x.shape[0]
    keys, vals, idx, vals2, idx2 = ws[0], ws[1], ws[2], ws[3], ws[4]
    gi = ws[6]
    count = gi[:n_groups]
    start = gi[n_groups : 2 * n_groups + 1]
    for i in range(n):
        out[i] = math.nan
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
    for k in range(n_groups):
        band_ranks(vals2, idx2, start[k], start[k + 1], out)


@njit(GROUP_ROW, **JIT_OPTIONS)
def push(x, g, mode, out, ws, n_groups):
    """Write the ``mode`` statistic of each asset's label group (row ``x``, labels ``g``) to ``out``."""
    n = x.shape[0]
    if mode == RANK:
        _rank(x, g, out, ws, n_groups)
        return
    for i in range(n):
        out[i] = math.nan
    _by_label(x, g, ws, n_groups)
    vals2, idx2, scratch, start = ws[3], ws[4], ws[1], ws[6][n_groups : 2 * n_groups + 1]
    for k in range(n_groups):
        lo = start[k]
        m = start[k + 1] - lo
        if m == 0:
            continue
        mean, std, flat = spread(vals2, lo, m, scratch)
        for j in range(lo, lo + m):
            if mode == MEAN:
                out[idx2[j]] = vals2[lo] if flat else mean
            elif mode == NEUTRALIZE:
                out[idx2[j]] = 0.0 if flat else vals2[j] - mean
            else:
                out[idx2[j]] = math.nan if flat else (vals2[j] - mean) / std
