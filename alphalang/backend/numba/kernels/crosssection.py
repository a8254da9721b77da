"""Per-row (cross-sectional) kernels: rank, scale, cs_zscore. One date at a time, no state.

``rank`` is sort-based, O(N log N) per row, with average ties. Sorting dominates whole-alpha cost, so the sort
is numpy's SIMD sort (AVX-512/AVX2 x86-simd-sort, ~10 us per 3000-value row against ~130 us for numba's own
quicksort), reached through a one-line ``objmode`` block (~0.2 us per call). To sort values *and* remember
where they came from with a plain (non-arg) sort, each value is packed into one int64 key:

    key = (order-preserving int64 bits of x)  with its low b bits replaced by the asset index  (2^b >= N)

Keys of values that differ above the low b bits sort correctly; values that share those bits may come out of
order, so one insertion-sort pass on the true values (nearly sorted: O(N) in practice) makes the order exact.
Missing values (NaN/±inf) get the largest keys and sort last. Ties are then averaged run by run:
``(below + (count + 1) / 2) / n``, the reference's arithmetic.

Example:
    >>> import numpy as np
    >>> out = np.empty(4)
    >>> rank(np.array([3.0, 1.0, np.nan, 1.0]), out, workspace(4, 0))
    >>> out
    array([1. , 0.5, nan, 0.5])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, objmode

from alphalang.backend.numba.kernels import JIT_OPTIONS, RANK_ROW, SCALE_ROW, ZSCORE_ROW

MISSING_KEY = np.int64(0x7FFFFFFFFFFFFFFF)


@njit(**JIT_OPTIONS)
def workspace(n, n_groups):
    """Scratch rows shared by the row kernels of one fused kernel call.

    (keys, vals, idx, vals2, idx2, group floats (4 per label), group ints (2 per label + 1)).
    """
    g = max(n_groups, 1)
    return (np.empty(n, np.int64), np.empty(n), np.empty(n, np.int64), np.empty(n), np.empty(n, np.int64),
            np.empty(4 * g), np.empty(2 * g + 1, np.int64))


@njit(**JIT_OPTIONS)
def index_bits(n):
    """Bits needed to hold an asset index 0..n-1."""
    b = 1
    while (1 << b) < n:
        b += 1
    return b


@njit(**JIT_OPTIONS)
def pack_keys(x, keys, scratch):
    """Pack each value of ``x`` with its index into ``keys``; missing values get the largest keys.

    ``scratch`` is a float row used to reinterpret the values' bits. Returns the number of finite values.
    """
    n = x.shape[0]
    low = (np.int64(1) << index_bits(n)) - 1
    for i in range(n):
        scratch[i] = x[i] + 0.0  # -0.0 -> +0.0
    bits = scratch.view(np.int64)
    count = 0
    for i in range(n):
        if np.isfinite(x[i]):
            b = bits[i]
            b = b ^ ((b >> 63) & MISSING_KEY)  # negative floats: flip all but the sign bit -> order-preserving
            keys[i] = (b & ~low) | i
            count += 1
        else:
            keys[i] = (MISSING_KEY & ~low) | i
    return count


@njit(**JIT_OPTIONS)
def sort_keys(keys):
    """numpy's SIMD sort, in place."""
    with objmode():
        keys.sort()


@njit(**JIT_OPTIONS)
def sorted_values(x, keys, count, vals, idx):
    """Unpack the first ``count`` sorted keys into (value, index) pairs and fix the order exactly."""
    low = (np.int64(1) << index_bits(x.shape[0])) - 1
    for r in range(count):
        i = keys[r] & low
        idx[r] = i
        vals[r] = x[i]
    for r in range(1, count):  # insertion sort: only keys that shared their high bits can be out of order
        v = vals[r]
        if vals[r - 1] > v:
            i = idx[r]
            s = r
            while s > 0 and vals[s - 1] > v:
                vals[s] = vals[s - 1]
                idx[s] = idx[s - 1]
                s -= 1
            vals[s] = v
            idx[s] = i


@njit(**JIT_OPTIONS)
def average_ranks(vals, idx, start, stop, out):
    """Write average-tie ranks / count for the sorted run vals[start:stop] to out[idx[...]]."""
    n = stop - start
    r = start
    while r < stop:
        e = r + 1
        while e < stop and vals[e] == vals[r]:
            e += 1
        value = ((r - start) + (e - r + 1) / 2.0) / n
        for s in range(r, e):
            out[idx[s]] = value
        r = e


@njit(RANK_ROW, **JIT_OPTIONS)
def rank(x, out, ws):
    """Average-tie rank of each finite value among the row's finite values, divided by their count."""
    keys, vals, idx = ws[0], ws[1], ws[2]
    for i in range(x.shape[0]):
        out[i] = math.nan
    count = pack_keys(x, keys, vals)
    sort_keys(keys)
    sorted_values(x, keys, count, vals, idx)
    average_ranks(vals, idx, 0, count, out)


@njit(SCALE_ROW, **JIT_OPTIONS)
def scale(x, a, out):
    """x * a / sum(|x|) over the row's finite values; NaN for the whole row if that sum is 0."""
    n = x.shape[0]
    total = 0.0
    for i in range(n):
        if np.isfinite(x[i]):
            total += abs(x[i])
    for i in range(n):
        out[i] = x[i] * a / total if (np.isfinite(x[i]) and total != 0.0) else math.nan


@njit(ZSCORE_ROW, **JIT_OPTIONS)
def zscore(x, out):
    """(x - mean) / std over the row's finite values, std with ddof 0; NaN if all values are equal."""
    n = x.shape[0]
    count = 0
    total = 0.0
    lo = math.inf
    hi = -math.inf
    for i in range(n):
        if np.isfinite(x[i]):
            count += 1
            total += x[i]
            lo = min(lo, x[i])
            hi = max(hi, x[i])
    mean = total / count if count > 0 else math.nan
    ss = 0.0
    for i in range(n):
        if np.isfinite(x[i]):
            c = x[i] - mean
            ss += c * c
    std = math.sqrt(ss / count) if count > 0 else math.nan
    for i in range(n):
        ok = np.isfinite(x[i]) and lo < hi and std != 0.0
        out[i] = (x[i] - mean) / std if ok else math.nan
