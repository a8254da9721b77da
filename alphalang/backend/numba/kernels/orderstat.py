"""Rolling order statistics: ts_quantile, ts_median, ts_mad, with no per-row sort.

Two layouts, chosen by the window (``SORTED_MAX``, declared in ``families``):

* **short windows** (d <= ``SORTED_MAX``): a time-major ring of the raw values (which value leaves) and an
  asset-major sorted copy of the window (missing values stored as +inf, so they sort last). One update is a
  binary search for the leaving value, one for the arriving one and a shift of the slots between them (at
  most d words, contiguous); the quantile is then read at its index. ts_mad keeps only the ring and is
  computed two-pass from it in ``reference.moments``' arithmetic (``ring.offset_sums``), O(d) but vectorised
  across assets and bitwise equal to the reference.
* **long windows**: per asset a treap (a binary search tree kept balanced by random heap priorities) whose
  nodes are the d ring slots: node ``t % d`` holds the value of row t. Each node keeps its subtree's count and
  sum, recomputed from its children (never updated incrementally, so no rounding drift). One update deletes
  the node of the leaving value (rotated down to a leaf, cut off, its ancestors recomputed) and inserts the
  arriving value in the same node (a descent, its ancestors recomputed, rotated up by priority): expected
  O(log d). The k-th smallest value is a descent by counts; ts_mad a descent that counts and sums the values
  below the window mean ``m``: ``sum|x - m| = (S - S_below - m n_above) + (m n_below - S_below)``.

Quantile arithmetic is pandas' (``reference.orderstats``: ``lo + (hi - lo) * frac``, median ``(lo + hi) / 2``,
with the same overflow fallbacks), so quantiles and medians are bitwise equal to the reference on both paths.
The treap's ts_mad sums raw values: it may differ from the reference by a few ulps of ``d * max|x|`` / d.
Missing values (NaN/±inf) are counted (strict NaN rule).

Measured (2520 x 300, one thread, ts_median, ms; a shared machine, so the ratios count): sorted copy vs treap
vs bottleneck ``move_median`` (which runs one asset's whole column at a time, its heaps staying in L1, and
whose replace-and-sift is O(1) on typical data): d=10 78 / 703 / 56, d=60 160 / 1086 / 79, d=250 304 / 1527 /
89, d=1000 614 / 2339 / 88. A time-major stream visits each asset's state once per row, so every treap node
visited is a cache miss and a mispredicted branch (~60 per update): the treap only pays beyond
``SORTED_MAX``, where the sorted copy's shift (d/3 words on average) dominates.

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

from alphalang.backend.numba.families import ORDERSTAT_SORTED_MAX as SORTED_MAX
from alphalang.backend.numba.kernels import JIT_OPTIONS, ORDERSTAT_PUSH
from alphalang.backend.numba.kernels.ring import offset_sums

QUANTILE, MEDIAN, MAD = range(3)
BLOCK = 128  # assets per block in the two-pass ts_mad


def state_size(n: int, d: int) -> tuple[int, int]:
    """Short windows: float words ring + sorted copy (2*d*n), int words missing count (n). Long windows: the
    treap's (``tree_size``)."""
    return (2 * d * n, n) if d <= SORTED_MAX else tree_size(n, d)


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    if d > SORTED_MAX:
        init_tree(fs, is_, n, d)
        return
    fs[: d * n] = np.nan
    fs[d * n :] = np.inf
    is_[:] = d


# ---- pandas' interpolation (mirrors ``reference.orderstats``; tests assert they agree) ---------------------

@njit(inline="always", **JIT_OPTIONS)
def interpolate(lo, hi, frac):
    value = lo + (hi - lo) * frac
    return value if np.isfinite(value) else lo * (1.0 - frac) + hi * frac


@njit(inline="always", **JIT_OPTIONS)
def midpoint(lo, hi):
    value = (lo + hi) / 2.0
    return value if np.isfinite(value) else lo / 2.0 + hi / 2.0


# ---- short windows: a sorted copy -------------------------------------------------------------------------

@njit(inline="always", **JIT_OPTIONS)
def _first(a, lo, hi, v, strict):
    """First index in a[lo:hi] (sorted) whose value is >= v (``strict``: > v)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < v or (strict and a[mid] == v):
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(**JIT_OPTIONS)
def replace_sorted(srt, lo, hi, old, new):
    """Replace one ``old`` by ``new`` in the sorted slots srt[lo:hi], shifting the slots between them."""
    p = _first(srt, lo, hi, old, False)  # the leaving value (present: it was inserted when it arrived)
    q = _first(srt, lo, hi, new, True)  # where the arriving value goes
    if q > p:  # shift (p, q) one slot left; the new value lands at q - 1
        for j in range(p, q - 1):
            srt[j] = srt[j + 1]
        srt[q - 1] = new
    else:  # shift [q, p) one slot right; the new value lands at q
        for j in range(p, q, -1):
            srt[j] = srt[j - 1]
        srt[q] = new


@njit(inline="always", **JIT_OPTIONS)
def _statistic(lo_value, hi_value, mode, frac, exact):
    """The quantile from its two neighbours (or the one value at the index, ``exact``)."""
    if exact:
        return lo_value
    return midpoint(lo_value, hi_value) if mode == MEDIAN else interpolate(lo_value, hi_value, frac)


@njit(inline="always", **JIT_OPTIONS)
def _index(d, mode, q):
    """Index of the lower neighbour, interpolation fraction, and whether the value at the index is exact."""
    if mode == MEDIAN:
        return (d - 1) // 2, 0.5, d % 2 == 1
    k = q * (d - 1)
    i = int(k)
    return i, k - i, k == i


@njit(**JIT_OPTIONS)
def _sorted(fs, miss, t, d, mode, q, x, out):
    n = x.shape[0]
    ring = fs[: d * n]
    srt = fs[d * n : 2 * d * n]
    cur = (t % d) * n
    k, frac, exact = _index(d, mode, q)
    for i in range(n):
        new = x[i]
        old = ring[cur + i]
        ring[cur + i] = new
        ok_new = np.isfinite(new)
        ok_old = np.isfinite(old)
        miss[i] += (0 if ok_new else 1) - (0 if ok_old else 1)
        lo = i * d
        replace_sorted(srt, lo, lo + d, old if ok_old else math.inf, new if ok_new else math.inf)
        if miss[i] > 0:
            out[i] = math.nan
        else:
            out[i] = _statistic(srt[lo + k], srt[lo + min(k + 1, d - 1)], mode, frac, exact)


@njit(**JIT_OPTIONS)
def _mad_direct(fs, miss, t, d, x, out):
    """ts_mad two-pass from the ring, in ``reference.moments``' arithmetic (bitwise equal to the reference)."""
    n = x.shape[0]
    ring = fs[: d * n]
    cur = (t % d) * n
    for i in range(n):
        new = x[i]
        old = ring[cur + i]
        ring[cur + i] = new
        miss[i] += (0 if np.isfinite(new) else 1) - (0 if np.isfinite(old) else 1)
    fd = float(d)
    top = np.empty(BLOCK)
    inv = np.empty(BLOCK)
    pivot = np.empty(BLOCK)
    total = np.empty(BLOCK)
    acc = np.empty(BLOCK)
    for lo in range(0, n, BLOCK):
        m = min(BLOCK, n - lo)
        offset_sums(ring, t, d, n, lo, m, top, inv, pivot, total)
        for j in range(m):
            total[j] /= fd  # the mean offset
            acc[j] = 0.0
        for age in range(d):
            slot = ((t + 1 + age) % d) * n + lo
            xs = ring[slot : slot + m]
            for j in range(m):
                acc[j] += abs((xs[j] * inv[j] - pivot[j]) - total[j])
        for j in range(m):
            out[lo + j] = math.nan if miss[lo + j] > 0 else acc[j] / fd / inv[j]


# ---- long windows: a treap per asset ----------------------------------------------------------------------
# Node v of asset i is record r = b + v (b = i * d), laid out record by record so that one visit touches one or
# two cache lines: float words ``fv[2 r + KEY | SUM]``, int words ``nd[5 r + LEFT | RIGHT | PARENT | COUNT |
# PRIORITY]``. Links are node numbers (0 .. d-1), -1 = none.
KEY, SUM = range(2)
LEFT, RIGHT, PARENT, COUNT, PRIORITY = range(5)


def tree_size(n: int, d: int) -> tuple[int, int]:
    """Float words: value and subtree sum per node (2*d*n). Int words: missing count and root per asset (2n),
    links, subtree count and priority per node (5*d*n)."""
    return 2 * d * n, 2 * n + 5 * d * n


def init_tree(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    """Empty trees (count 0: no node is in a tree), every slot missing."""
    fs[:] = 0.0
    is_[:n] = d
    is_[n:] = -1
    is_[2 * n + COUNT :: 5] = 0


@njit(inline="always", **JIT_OPTIONS)
def _pull(fv, nd, b, v):
    """Recompute node v's subtree count and sum (a missing value, +inf, sums as 0) from its children."""
    r = b + v
    c = 1
    kv = fv[2 * r + KEY]
    s = kv if kv < math.inf else 0.0
    lc = nd[5 * r + LEFT]
    rc = nd[5 * r + RIGHT]
    if lc >= 0:
        c += nd[5 * (b + lc) + COUNT]
        s = fv[2 * (b + lc) + SUM] + s
    if rc >= 0:
        c += nd[5 * (b + rc) + COUNT]
        s = s + fv[2 * (b + rc) + SUM]
    nd[5 * r + COUNT] = c
    fv[2 * r + SUM] = s


@njit(inline="always", **JIT_OPTIONS)
def _pull_up(fv, nd, b, v):
    """Recompute v and all its ancestors."""
    while v >= 0:
        _pull(fv, nd, b, v)
        v = nd[5 * (b + v) + PARENT]


@njit(inline="always", **JIT_OPTIONS)
def _relink(nd, root, i, b, old, new):
    """Whatever pointed at ``old`` (its parent's child link, or the root) now points at ``new``."""
    g = nd[5 * (b + old) + PARENT]
    if g < 0:
        root[i] = new
    elif nd[5 * (b + g) + LEFT] == old:
        nd[5 * (b + g) + LEFT] = new
    else:
        nd[5 * (b + g) + RIGHT] = new
    if new >= 0:
        nd[5 * (b + new) + PARENT] = g


@njit(inline="always", **JIT_OPTIONS)
def _rotate_up(fv, nd, root, i, b, c):
    """Rotate node c above its parent p (the pair's subtree total is unchanged)."""
    p = nd[5 * (b + c) + PARENT]
    _relink(nd, root, i, b, p, c)
    side, other = (LEFT, RIGHT) if nd[5 * (b + p) + LEFT] == c else (RIGHT, LEFT)
    m = nd[5 * (b + c) + other]  # c's inner subtree moves to p
    nd[5 * (b + p) + side] = m
    if m >= 0:
        nd[5 * (b + m) + PARENT] = p
    nd[5 * (b + c) + other] = p
    nd[5 * (b + p) + PARENT] = c
    _pull(fv, nd, b, p)
    _pull(fv, nd, b, c)


@njit(inline="always", **JIT_OPTIONS)
def _delete(fv, nd, root, i, b, v):
    """Take node v out of asset i's tree: rotate it down to a leaf, cut it off, recompute its ancestors."""
    r = 5 * (b + v)
    while True:
        lc = nd[r + LEFT]
        rc = nd[r + RIGHT]
        if lc < 0 and rc < 0:
            break
        c = lc if (rc < 0 or (lc >= 0 and nd[5 * (b + lc) + PRIORITY] > nd[5 * (b + rc) + PRIORITY])) else rc
        _rotate_up(fv, nd, root, i, b, c)
    p = nd[r + PARENT]
    _relink(nd, root, i, b, v, -1)
    _pull_up(fv, nd, b, p)
    nd[r + COUNT] = 0


@njit(inline="always", **JIT_OPTIONS)
def _insert(fv, nd, root, i, b, v, value, priority):
    """Put node v holding ``value`` into asset i's tree: a descent (equal values go right), its ancestors
    recomputed, then rotated up while its priority beats its parent's."""
    r = 5 * (b + v)
    fv[2 * (b + v) + KEY] = value
    nd[r + LEFT] = -1
    nd[r + RIGHT] = -1
    nd[r + PRIORITY] = priority
    u = root[i]
    if u < 0:
        root[i] = v
        nd[r + PARENT] = -1
        _pull(fv, nd, b, v)
        return
    while True:
        side = LEFT if value < fv[2 * (b + u) + KEY] else RIGHT
        nxt = nd[5 * (b + u) + side]
        if nxt < 0:
            nd[5 * (b + u) + side] = v
            break
        u = nxt
    nd[r + PARENT] = u
    _pull_up(fv, nd, b, v)
    while nd[r + PARENT] >= 0 and priority > nd[5 * (b + nd[r + PARENT]) + PRIORITY]:
        _rotate_up(fv, nd, root, i, b, v)


@njit(inline="always", **JIT_OPTIONS)
def _kth(fv, nd, u, b, k):
    """The k-th smallest value (0-based) of the tree rooted at u (holding more than k values)."""
    while True:
        lc = nd[5 * (b + u) + LEFT]
        below = nd[5 * (b + lc) + COUNT] if lc >= 0 else 0
        if k < below:
            u = lc
        elif k == below:
            return fv[2 * (b + u) + KEY]
        else:
            k -= below + 1
            u = nd[5 * (b + u) + RIGHT]


@njit(inline="always", **JIT_OPTIONS)
def _mad_tree(fv, nd, u, b, d):
    """mean |x - m| over the tree's d finite values, m their mean, from the count and sum of those below m:
    ``sum|x - m| = (S - S_below - m n_above) + (m n_below - S_below)``."""
    total = fv[2 * (b + u) + SUM]
    m = total / d
    n_below = 0
    s_below = 0.0
    while u >= 0:
        lc = nd[5 * (b + u) + LEFT]
        kv = fv[2 * (b + u) + KEY]
        if kv < m:
            if lc >= 0:
                n_below += nd[5 * (b + lc) + COUNT]
                s_below += fv[2 * (b + lc) + SUM]
            n_below += 1
            s_below += kv
            u = nd[5 * (b + u) + RIGHT]
        else:
            u = lc
    dev = max((total - s_below) - m * (d - n_below), 0.0) + max(m * n_below - s_below, 0.0)
    return dev / d


@njit(inline="always", **JIT_OPTIONS)
def _priority(t, i):
    """A pseudo-random heap priority for the value of row t of asset i (splitmix64, 62 bits)."""
    z = np.uint64(t) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(i) * np.uint64(0xD1B54A32D192ED03)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.int64(z >> np.uint64(2))


@njit(**JIT_OPTIONS)
def tree_push(fs, is_, t, d, mode, q, x, out):
    """``push`` on the treap layout (``tree_size``), whatever the window (tests drive it on short ones)."""
    n = x.shape[0]
    fv = fs[: 2 * d * n]
    miss = is_[:n]
    root = is_[n : 2 * n]
    nd = is_[2 * n : 2 * n + 5 * d * n]
    v = t % d
    k, frac, exact = _index(d, mode, q)
    for i in range(n):
        b = i * d
        new = x[i]
        ok_new = np.isfinite(new)
        present = nd[5 * (b + v) + COUNT] > 0
        ok_old = present and fv[2 * (b + v) + KEY] < math.inf
        miss[i] += (0 if ok_new else 1) - (0 if ok_old else 1)
        if present:
            _delete(fv, nd, root, i, b, v)
        _insert(fv, nd, root, i, b, v, new if ok_new else math.inf, _priority(t, i))
        if miss[i] > 0:
            out[i] = math.nan
        elif mode == MAD:
            out[i] = _mad_tree(fv, nd, root[i], b, d)
        else:
            lo = _kth(fv, nd, root[i], b, k)
            hi = lo if exact else _kth(fv, nd, root[i], b, k + 1)
            out[i] = _statistic(lo, hi, mode, frac, exact)


@njit(ORDERSTAT_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, q, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's ``mode`` statistic (ts_quantile: its ``q``) to
    ``out``."""
    if d > SORTED_MAX:
        tree_push(fs, is_, t, d, mode, q, x, out)
    elif mode == MAD:
        _mad_direct(fs, is_[: x.shape[0]], t, d, x, out)
    else:
        _sorted(fs, is_[: x.shape[0]], t, d, mode, q, x, out)
