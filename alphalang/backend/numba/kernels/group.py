"""Per-row group kernels: group_mean, indneutralize, group_zscore (O(N) per row) and group_rank.

Labels arrive dense (0..G-1 for the whole call, negative = no group), so per-label statistics live in flat
arrays indexed by label: one pass accumulates count, sum, min and max of each label's finite members, a
second the squared deviations (two-pass, as the reference). A label whose members are all equal gives an
exactly-zero deviation (neutralise: 0, zscore: NaN), not rounding noise.

``group_rank`` reuses the cross-sectional packed-key sort (O(N log N)), then a stable counting sort by label
(O(N + G)) keeps each label's members in ascending order, and ties are averaged within each label.

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
    average_ranks,
    index_bits,
    pack_keys,
    sort_keys,
    sorted_values,
)

MEAN, NEUTRALIZE, ZSCORE, RANK = range(4)


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
    for i in range(n):
        if g[i] >= 0 and np.isfinite(x[i]):
            members += 1
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
        average_ranks(vals2, idx2, start[k], start[k + 1], out)


@njit(GROUP_ROW, **JIT_OPTIONS)
def push(x, g, mode, out, ws, n_groups):
    """Write the ``mode`` statistic of each asset's label group (row ``x``, labels ``g``) to ``out``."""
    n = x.shape[0]
    gf = ws[5]
    gi = ws[6]
    total = gf[:n_groups]
    lo = gf[n_groups : 2 * n_groups]
    hi = gf[2 * n_groups : 3 * n_groups]
    ss = gf[3 * n_groups : 4 * n_groups]
    count = gi[:n_groups]
    for k in range(n_groups):
        total[k] = 0.0
        lo[k] = math.inf
        hi[k] = -math.inf
        ss[k] = 0.0
        count[k] = 0
    for i in range(n):
        k = g[i]
        if k >= 0 and np.isfinite(x[i]):
            count[k] += 1
            total[k] += x[i]
            lo[k] = min(lo[k], x[i])
            hi[k] = max(hi[k], x[i])
    if mode == RANK:
        _rank(x, g, out, ws, n_groups)
        return
    if mode == ZSCORE:
        for i in range(n):
            k = g[i]
            if k >= 0 and np.isfinite(x[i]):
                c = x[i] - total[k] / count[k]
                ss[k] += c * c
    for i in range(n):
        k = g[i]
        if k < 0 or not np.isfinite(x[i]):
            out[i] = math.nan
            continue
        mean = total[k] / count[k]
        flat = lo[k] == hi[k]
        if mode == MEAN:
            out[i] = mean
        elif mode == NEUTRALIZE:
            out[i] = 0.0 if flat else x[i] - mean
        else:
            std = math.sqrt(ss[k] / count[k])
            out[i] = math.nan if (flat or std == 0.0) else (x[i] - mean) / std
