"""Per-row (cross-sectional) kernels: rank, scale, cs_zscore. One date at a time, no state.

``rank`` is sort-based, O(N log N) per row, with average ties. Sorting dominates whole-alpha cost, so the sort
is numpy's SIMD sort (AVX-512/AVX2 x86-simd-sort, ~10 us per 3000-value row against ~130 us for numba's own
quicksort), reached through a one-line ``objmode`` block (~0.2 us per call). To sort values *and* remember
where they came from with a plain (non-arg) sort, each value is packed into one int64 key:

    key = (order-preserving int64 bits of x)  with its low b bits replaced by the asset index  (2^b >= N)

Keys of values that differ above the low b bits sort correctly; values that share those bits may come out of
order, so one insertion-sort pass on the true values (nearly sorted: O(N) in practice) makes the order exact.
Missing values (NaN/±inf) get the largest keys and sort last. Ranks then follow the tie rule (``ties``):
``(below + (in band + 1) / 2) / n`` with two cursors over the sorted values, the reference's arithmetic.

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
from alphalang.backend.numba.kernels.ring import unscale
from alphalang.backend.numba.kernels.ties import band_ranks

RANK, SCALE, ZSCORE = range(3)  # the order of ``families.FAMILY["crosssection"].modes``

MISSING_KEY = np.int64(0x7FFFFFFFFFFFFFFF)

# sort_keys deliberately calls numpy's SIMD sort in object mode (a short GIL hold per row); numba warns about
# that at compile time: alphalang imports this module inside ``kernels.quiet_objmode()``.


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


@njit(RANK_ROW, **JIT_OPTIONS)
def rank(x, out, ws):
    """Average-tie rank (ties within the tie width) of each finite value among the row's finite values, divided
    by their count."""
    keys, vals, idx = ws[0], ws[1], ws[2]
    for i in range(x.shape[0]):
        out[i] = math.nan
    count = pack_keys(x, keys, vals)
    sort_keys(keys)
    sorted_values(x, keys, count, vals, idx)
    band_ranks(vals, idx, 0, count, out)


@njit(**JIT_OPTIONS)
def _block_sum(a, lo, n):
    """numpy's pairwise leaf (n <= 128): sequential below 8, else 8 interleaved partial sums."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    m = n - n % 8
    while i < m:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(**JIT_OPTIONS)
def pairwise_sum(a, lo, n):
    """Sum of a[lo:lo+n] in numpy's pairwise order (blocks of 8, halves above 128): bitwise equal to
    ``np.sum`` of a contiguous array, so row statistics match the reference to the last bit. The recursion
    runs on an explicit stack (numba's cache cannot hold self-recursive functions)."""
    if n <= 128:
        return _block_sum(a, lo, n)
    frames = np.empty((64, 3), np.int64)  # lo, n, state (0: go left, 1: go right, 2: combine)
    left = np.empty(64)
    frames[0, 0], frames[0, 1], frames[0, 2] = lo, n, 0
    sp = 1
    ret = 0.0
    while sp > 0:
        top = sp - 1
        flo, fn, state = frames[top, 0], frames[top, 1], frames[top, 2]
        if fn <= 128:
            ret = _block_sum(a, flo, fn)
            sp -= 1
            continue
        half = fn // 2
        half -= half % 8
        if state == 0:
            frames[top, 2] = 1
            frames[sp, 0], frames[sp, 1], frames[sp, 2] = flo, half, 0
            sp += 1
        elif state == 1:
            left[top] = ret
            frames[top, 2] = 2
            frames[sp, 0], frames[sp, 1], frames[sp, 2] = flo + half, fn - half, 0
            sp += 1
        else:
            ret = left[top] + ret
            sp -= 1
    return ret


@njit(**JIT_OPTIONS)
def spread(vals, lo, n, scratch):
    """(mean, std with ddof 0, all equal) of vals[lo:lo+n], in numpy's order of operations. Deviations beyond
    ``SAFE_MAGNITUDE`` of 1 are divided by a power of two first (exact; ``reference.rowwise.std``), so their
    squares neither underflow to 0 nor overflow; elsewhere this is numpy's arithmetic bit for bit."""
    mean = pairwise_sum(vals, lo, n) / n
    flat = True
    largest = 0.0
    for j in range(lo, lo + n):
        c = vals[j] - mean
        scratch[j] = c
        largest = max(largest, abs(c))
        flat = flat and vals[j] == vals[lo]
    inv = unscale(largest)
    for j in range(lo, lo + n):
        c = scratch[j] * inv
        scratch[j] = c * c
    return mean, math.sqrt(pairwise_sum(scratch, lo, n) / n) / inv, flat


@njit(SCALE_ROW, **JIT_OPTIONS)
def scale(x, a, out):
    """x * a / sum(|x|) over the row's finite values; NaN for the whole row if that sum is 0."""
    n = x.shape[0]
    absolute = np.empty(n)
    count = 0
    for i in range(n):
        if np.isfinite(x[i]):
            absolute[count] = abs(x[i])
            count += 1
    total = pairwise_sum(absolute, 0, count)
    for i in range(n):
        out[i] = x[i] * a / total if (np.isfinite(x[i]) and total != 0.0) else math.nan


@njit(ZSCORE_ROW, **JIT_OPTIONS)
def zscore(x, out):
    """(x - mean) / std over the row's finite values, std with ddof 0; NaN if all values are equal."""
    n = x.shape[0]
    vals = np.empty(n)
    scratch = np.empty(n)
    count = 0
    for i in range(n):
        if np.isfinite(x[i]):
            vals[count] = x[i]
            count += 1
    mean, std, flat = spread(vals, 0, count, scratch)
    for i in range(n):
        out[i] = (x[i] - mean) / std if (np.isfinite(x[i]) and not flat) else math.nan


@njit(inline="always", **JIT_OPTIONS)
def push(x, mode, c, out, ws):
    """Row ``x``'s ``mode`` statistic (``rank``, ``scale`` by ``c``, ``zscore``) into ``out``."""
    if mode == RANK:
        rank(x, out, ws)
    elif mode == SCALE:
        scale(x, c, out)
    else:
        zscore(x, out)
