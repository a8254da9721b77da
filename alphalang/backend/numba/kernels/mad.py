"""ts_mad, the mean absolute deviation around the window mean (qlib ``Mad``): mean |x - m| over the window.

Windows of at most ``DIRECT_MAX`` rows (declared in ``families``) are evaluated two-pass from a time-major ring
in ``reference.moments``' arithmetic (``ring.offset_sums``: scaled, shifted by the oldest value, summed oldest
first): O(d) but vectorised across assets, and bitwise equal to the reference.

Longer windows keep per asset a treap (a binary search tree balanced by pseudo-random heap priorities) whose
nodes are the d ring slots: node ``t % d`` holds the value of row t. Each node keeps its subtree's count and
sum, recomputed from its children (never updated incrementally: no rounding drift). One update deletes the
leaving value's node (rotated down to a leaf, cut off, its ancestors recomputed) and inserts the arriving
value in the same node (a descent, its ancestors recomputed, rotated up by priority): expected O(log d). The
statistic is one descent that counts and sums the values below the window mean m (the root's sum / d):
``sum|x - m| = (S - S_below - m n_above) + (m n_below - S_below)``. It sums raw values, so it may differ from
the reference by a few ulps of the window's largest magnitude. Missing values (NaN/±inf) are counted (strict
NaN rule).

Measured (2520 x 300, one thread, ms, shared machine under load): two-pass vs treap d=10 38 vs 901, d=60 85
vs 1048, d=250 427 vs 2977, d=1000 2313 vs 8260, d=2000 5779 vs 9464: every treap node visited is a cache
miss and a mispredicted branch (a time-major stream visits each asset's tree once per row), so the O(log d)
tree only wins beyond ``DIRECT_MAX``.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(1, 3)[0]); is_ = np.empty(state_size(1, 3)[1], np.int64)
    >>> init(fs, is_, 1, 3)
    >>> out = np.empty(1)
    >>> for t, v in enumerate([9.0, 1.0, 4.0, 2.0]):
    ...     push(fs, is_, t, 3, MAD, np.array([v]), out)
    >>> out * 9  # (1 4 2): mean 7/3, |x - m| = 4/3 5/3 1/3: 10/9
    array([10.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.families import MAD_DIRECT_MAX as DIRECT_MAX
from alphalang.backend.numba.kernels import JIT_OPTIONS, WINDOW_PUSH, skipping
from alphalang.backend.numba.kernels.ring import offset_sums, unscale

MAD = 0
BLOCK = 128  # assets per block in the two-pass path


def state_size(n: int, d: int) -> tuple[int, int]:
    """Short windows: the ring (d*n floats) and the missing count (n ints); long ones the treap's
    (``tree_size``)."""
    return (d * n, n) if d <= DIRECT_MAX else tree_size(n, d)


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    if d > DIRECT_MAX:
        init_tree(fs, is_, n, d)
        return
    fs[:] = np.nan
    is_[:] = d


@njit(**JIT_OPTIONS)
def _direct(fs, miss, t, d, x, out):
    """ts_mad two-pass from the ring (time-major), in ``reference.moments``' arithmetic (bitwise equal to the
    reference)."""
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


# ---- long windows: a treap per asset with subtree sums -------------------------------------------------------
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
def tree_push(fs, is_, t, d, x, out):
    """``push`` on the treap layout (``tree_size``), whatever the window (tests drive it on short ones)."""
    n = x.shape[0]
    fv = fs[: 2 * d * n]
    miss = is_[:n]
    root = is_[n : 2 * n]
    nd = is_[2 * n : 2 * n + 5 * d * n]
    v = t % d
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
        out[i] = math.nan if miss[i] > 0 else _mad_tree(fv, nd, root[i], b, d)


@njit(**JIT_OPTIONS)
def _skip(vals, marks, t, d, m, x, out):
    """NaN policy skip: the mean absolute deviation of the window's valid values around their mean, two-pass in
    ``reference.skip``'s arithmetic. ``vals[i, s]`` is asset i's value in ring slot s (either layout); today's
    value is written first (missing as +inf, as the tree stores it). ``marks[i, s]`` (the tree layout: a node's
    priority word, -1 until written) tells a slot never written (its key is 0) from a value; the ring layout starts
    all NaN and passes marks of shape (1, 1)."""
    n = x.shape[0]
    s = t % d
    marked = marks.shape[1] == d
    for i in range(n):
        vals[i, s] = x[i] if np.isfinite(x[i]) else math.inf
        if marked:
            marks[i, s] = 0
        for age in range(d):
            if marked and marks[i, (t + 1 + age) % d] < 0:
                vals[i, (t + 1 + age) % d] = math.inf  # never written: missing
        count = 0
        top = 0.0
        pivot = math.nan
        for age in range(d):
            v = vals[i, (t + 1 + age) % d]
            if np.isfinite(v):
                pivot = v if count == 0 else pivot
                count += 1
                top = max(top, abs(v))
        inv = unscale(top)
        pivot *= inv
        total = 0.0
        for age in range(d):
            v = vals[i, (t + 1 + age) % d]
            total += (v * inv - pivot) if np.isfinite(v) else 0.0
        mean = total / count if count > 0 else 0.0
        acc = 0.0
        for age in range(d):
            v = vals[i, (t + 1 + age) % d]
            acc += abs((v * inv - pivot) - mean) if np.isfinite(v) else 0.0
        out[i] = acc / count / inv if (count >= m and count > 0) else math.nan


@njit(WINDOW_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, x, out):
    """Push row ``x`` (absolute row ``t``); write the window's mean absolute deviation to ``out``."""
    if mode >= skipping.SKIP_STRIDE:  # the values of either layout: the tree's keys, or the time-major ring
        n = x.shape[0]
        m = skipping.split(mode)[1]
        if d > DIRECT_MAX:
            marks = is_[2 * n : 2 * n + 5 * d * n].reshape((n, d, 5))[:, :, PRIORITY]
            _skip(fs[: 2 * d * n].reshape((n, d, 2))[:, :, KEY], marks, t, d, m, x, out)
        else:
            _skip(fs[: d * n].reshape((d, n)).T, np.zeros((1, 1), np.int64), t, d, m, x, out)
        return
    if d > DIRECT_MAX:
        tree_push(fs, is_, t, d, x, out)
    else:
        _direct(fs, is_[: x.shape[0]], t, d, x, out)
