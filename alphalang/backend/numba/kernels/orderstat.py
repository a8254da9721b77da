"""Rolling quantiles: ts_quantile, ts_median, with each asset's window kept ordered (no per-row sort).

A missing value (NaN, ±inf) is stored as +inf, so it ranks after every valid value; the count of missing values
is kept per asset (``is_[:n]``). With ``count`` valid values, the quantile's lower neighbour has rank k =
floor(q * (count - 1)) (median: (count - 1) // 2). Under the strict NaN rule the window needs all d values
(count = d); under ``nan="skip"`` (``kernels.skipping``) it needs ``m`` of them and k follows the count. Both
policies share one state and one update; only the NaN test and k differ.

* Windows up to ``SORTED_MAX`` rows: a time-major ring of the window (``fs``) and each asset's d values sorted,
  in the heap's int words reinterpreted as float64. An update is a binary search for the leaving value and a
  shift of the values between it and the arriving value's place (O(d) moves at worst, a few on typical data);
  the quantile is read at ranks k and k + 1 directly.
* Longer windows: two heaps per asset (b = i * d): the window's values by ring slot ``fv[b + s]`` (s = t % d),
  a heap array ``hp[b + j]`` of slots and each slot's position ``ps[b + s]`` in it. Positions 0 .. k hold the
  k + 1 smallest values as a max-heap (top: rank k), the others a min-heap (top: rank k + 1). One update
  replaces the leaving slot's value and sifts it within its heap; if the tops cross they are swapped and both
  sifted: O(log d). Under strict k is fixed and the min-heap follows at positions k + 1 ..; under skip the
  min-heap is stored backwards from position d - 1, so when the valid count moves k by one, one top moves
  across the boundary in O(log d) (``_grow`` / ``_shrink``).

The quantile comes from its two neighbours in pandas' arithmetic (``reference.orderstats``: ``lo + (hi - lo) *
frac``, median ``(lo + hi) / 2``, the same overflow fallbacks): bitwise equal to the reference and to pandas.

Measured (session 6, 2520 x 1000, one thread, the kernel driven row by row, shared 2-core machine at load ~4):
the sorted windows against the heaps, nan="skip", q = 0.8: d = 5 210 vs 430 ms, 20 400 vs 550, 30 640 vs 870,
60 880 vs 1000, 250 2100 vs 1300 (hence ``SORTED_MAX``); strict ts_median d=10 370 vs 650 ms (bottleneck
``move_median`` 360), d=60 600 vs 670 (bottleneck 420). The skip path this replaced copied and sorted every
window on every row: 2000 - 2800 ms at d = 10, 12000 - 15000 ms at d = 60. A treap with subtree counts
(``kernels.mad``) took 700 - 8000 ms (2520 x 300).

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([1.0, 4.0, 2.0, 8.0]):
    ...     push(fs, is_, t, 3, QUANTILE, 0.25, np.array([v]), out)
    >>> out  # window (4, 2, 8): k = 0.5, 2 + (4 - 2) * 0.5
    array([3.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, ORDERSTAT_PUSH, skipping

QUANTILE, MEDIAN = range(2)
SORTED_MAX = 100  # windows up to this many rows keep each asset's values sorted; longer ones two heaps


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: the window's values (d*n). Int words: missing count (n), heap and positions (2*d*n); a short
    window keeps its sorted values in the heap's words (reinterpreted as float64)."""
    return d * n, n + 2 * d * n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    """Every slot missing (+inf); short windows: the sorted values all +inf, long ones: heaps in slot order."""
    fs[:] = np.inf
    is_[:n] = d
    if d <= SORTED_MAX:
        is_[n : n + d * n].view(np.float64)[:] = np.inf
    else:
        is_[n:] = np.tile(np.arange(d), 2 * n)


# ---- pandas' interpolation (mirrors ``reference.orderstats``; tests assert they agree) ---------------------

@njit(inline="always", **JIT_OPTIONS)
def interpolate(lo, hi, frac):
    value = lo + (hi - lo) * frac
    return value if np.isfinite(value) else lo * (1.0 - frac) + hi * frac


@njit(inline="always", **JIT_OPTIONS)
def midpoint(lo, hi):
    value = (lo + hi) / 2.0
    return value if np.isfinite(value) else lo / 2.0 + hi / 2.0


# ---- two heaps per asset (see the module docstring) ---------------------------------------------------------

@njit(inline="always", **JIT_OPTIONS)
def _sift(fv, hp, ps, b, off, step, size, j, sign):
    """Restore a heap of ``size`` entries, entry j at position ``off + step * j`` (a max-heap for ``sign`` 1, a
    min-heap for -1), after the value of entry j changed: up, then down."""
    s = hp[b + off + step * j]
    v = sign * fv[b + s]
    while j > 0:
        up = (j - 1) >> 1
        u = hp[b + off + step * up]
        if sign * fv[b + u] >= v:
            break
        hp[b + off + step * j] = u
        ps[b + u] = off + step * j
        j = up
    while True:
        c = 2 * j + 1
        if c >= size:
            break
        u = hp[b + off + step * c]
        if c + 1 < size:
            w = hp[b + off + step * (c + 1)]
            if sign * fv[b + w] > sign * fv[b + u]:
                c += 1
                u = w
        if sign * fv[b + u] <= v:
            break
        hp[b + off + step * j] = u
        ps[b + u] = off + step * j
        j = c
    hp[b + off + step * j] = s
    ps[b + s] = off + step * j


@njit(inline="always", **JIT_OPTIONS)
def _replace(fv, hp, ps, b, d, low, top, step, s, value):
    """Slot s now holds ``value``: restore both heaps (low: ``low`` entries at positions 0 .. low - 1, a
    max-heap; high: the other d - low, a min-heap with its top at position ``top`` and entry j at ``top + step
    * j``: the strict path stores it forwards from ``low``, the skip path backwards from d - 1)."""
    fv[b + s] = value
    high = d - low
    j = ps[b + s]
    if j < low:
        _sift(fv, hp, ps, b, 0, 1, low, j, 1.0)
    else:
        _sift(fv, hp, ps, b, top, step, high, (j - top) * step, -1.0)
    if high > 0:
        a = hp[b]
        c = hp[b + top]
        if fv[b + a] > fv[b + c]:  # the tops crossed: swap them
            hp[b] = c
            ps[b + c] = 0
            hp[b + top] = a
            ps[b + a] = top
            _sift(fv, hp, ps, b, 0, 1, low, 0, 1.0)
            _sift(fv, hp, ps, b, top, step, high, 0, -1.0)


@njit(inline="always", **JIT_OPTIONS)
def _grow(fv, hp, ps, b, d, low):
    """Move the high heap's top (the value of rank ``low``) into the low heap, which then has ``low + 1``
    entries: the high heap's last entry (position ``low``) takes its top's place, the top takes position low."""
    top = hp[b + d - 1]
    last = hp[b + low]
    hp[b + d - 1] = last
    ps[b + last] = d - 1
    _sift(fv, hp, ps, b, d - 1, -1, d - low - 1, 0, -1.0)
    hp[b + low] = top
    ps[b + top] = low
    _sift(fv, hp, ps, b, 0, 1, low + 1, low, 1.0)


@njit(inline="always", **JIT_OPTIONS)
def _shrink(fv, hp, ps, b, d, low):
    """Move the low heap's top (rank ``low - 1``) into the high heap; the low heap then has ``low - 1`` entries."""
    top = hp[b]
    last = hp[b + low - 1]
    hp[b] = last
    ps[b + last] = 0
    _sift(fv, hp, ps, b, 0, 1, low - 1, 0, 1.0)
    hp[b + low - 1] = top
    ps[b + top] = low - 1
    _sift(fv, hp, ps, b, d - 1, -1, d - low + 1, d - low, -1.0)


@njit(inline="always", **JIT_OPTIONS)
def _statistic(lo_value, hi_value, mode, frac, exact):
    """The quantile from its two neighbours (or the one value at the index, ``exact``)."""
    if exact:
        return lo_value
    return midpoint(lo_value, hi_value) if mode == MEDIAN else interpolate(lo_value, hi_value, frac)


@njit(inline="always", **JIT_OPTIONS)
def _index(d, mode, q):
    """Rank of the lower neighbour, interpolation fraction, and whether the value at that rank is exact."""
    if mode == MEDIAN:
        return (d - 1) // 2, 0.5, d % 2 == 1
    k = q * (d - 1)
    i = int(k)
    return i, k - i, k == i


@njit(inline="always", **JIT_OPTIONS)
def _rank(count, mode, q):
    """The low heap's top rank for ``count`` valid values (0 for none: any split of an all-missing window)."""
    return max(_index(count, mode, q)[0], 0)


@njit(**JIT_OPTIONS)
def _skip(fv, miss, hp, ps, t, d, code, q, x, out):
    """NaN policy skip: the quantile of the window's valid values (``reference.skip``). Missing values are +inf
    (they rank after every valid one), so the heaps are the strict path's with a split that follows the valid
    count: the low heap holds ranks 0 .. k, k the lower neighbour's rank among the valid values, and moves one
    entry across when k changes (by at most one per row). O(log d) per update, no allocation."""
    mode, m = skipping.split(code)
    n = x.shape[0]
    s = t % d
    for i in range(n):
        b = i * d
        new = x[i]
        ok_new = np.isfinite(new)
        before = d - miss[i]
        miss[i] += (0 if ok_new else 1) - (0 if np.isfinite(fv[b + s]) else 1)
        count = d - miss[i]
        low = _rank(before, mode, q) + 1
        _replace(fv, hp, ps, b, d, low, d - 1, -1, s, new if ok_new else math.inf)
        want = _rank(count, mode, q) + 1
        while low < want:
            _grow(fv, hp, ps, b, d, low)
            low += 1
        while low > want:
            _shrink(fv, hp, ps, b, d, low)
            low -= 1
        if count < m or count == 0:
            out[i] = math.nan
        else:
            k, frac, exact = _index(count, mode, q)
            lo = fv[b + hp[b]]
            out[i] = _statistic(lo, lo if exact else fv[b + hp[b + d - 1]], mode, frac, exact)


# ---- short windows: each asset's values kept sorted ---------------------------------------------------------

@njit(inline="always", **JIT_OPTIONS)
def _move(srt, b, d, old, new):
    """In the sorted block ``srt[b : b + d]``, replace one copy of ``old`` by ``new``: a binary search for old,
    then a shift of the values between the two positions by one (O(d) moves at worst, a few on typical data)."""
    lo, hi = 0, d
    while lo < hi:
        mid = (lo + hi) >> 1
        if srt[b + mid] < old:
            lo = mid + 1
        else:
            hi = mid
    j = lo
    if new > old:
        while j + 1 < d and srt[b + j + 1] < new:
            srt[b + j] = srt[b + j + 1]
            j += 1
    else:
        while j > 0 and srt[b + j - 1] > new:
            srt[b + j] = srt[b + j - 1]
            j -= 1
    srt[b + j] = new


@njit(**JIT_OPTIONS)
def _sorted(ring, srt, miss, t, d, mode, m, q, x, out):
    """Windows up to ``SORTED_MAX``: a time-major ring of the window (missing values +inf) and each asset's d
    values sorted (+inf last), read at the interpolation point of its valid count; NaN under ``m`` valid values
    (the strict rule is ``m = d``)."""
    n = x.shape[0]
    cur = (t % d) * n
    for i in range(n):
        new = x[i] if np.isfinite(x[i]) else math.inf
        old = ring[cur + i]
        ring[cur + i] = new
        miss[i] += (0 if new < math.inf else 1) - (0 if old < math.inf else 1)
        b = i * d
        if new != old:
            _move(srt, b, d, old, new)
        count = d - miss[i]
        if count < m or count == 0:
            out[i] = math.nan
        else:
            k, frac, exact = _index(count, mode, q)
            out[i] = _statistic(srt[b + k], srt[b + k] if exact else srt[b + k + 1], mode, frac, exact)


@njit(ORDERSTAT_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, q, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's ``mode`` quantile (ts_quantile: ``q``) to ``out``."""
    n = x.shape[0]
    fv = fs[: d * n]
    miss = is_[:n]
    if d <= SORTED_MAX:
        skip, m = mode >= skipping.SKIP_STRIDE, d
        if skip:
            mode, m = skipping.split(mode)
        _sorted(fv, is_[n : n + d * n].view(np.float64), miss, t, d, mode, m, q, x, out)
        return
    hp = is_[n : n + d * n]
    ps = is_[n + d * n : n + 2 * d * n]
    if mode >= skipping.SKIP_STRIDE:
        _skip(fv, miss, hp, ps, t, d, mode, q, x, out)
        return
    s = t % d
    k, frac, exact = _index(d, mode, q)
    for i in range(n):
        b = i * d
        new = x[i]
        ok_new = np.isfinite(new)
        miss[i] += (0 if ok_new else 1) - (0 if np.isfinite(fv[b + s]) else 1)
        _replace(fv, hp, ps, b, d, k + 1, k + 1, 1, s, new if ok_new else math.inf)
        if miss[i] > 0:
            out[i] = math.nan
        else:
            lo = fv[b + hp[b]]
            out[i] = _statistic(lo, lo if exact else fv[b + hp[b + k + 1]], mode, frac, exact)
