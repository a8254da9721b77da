"""group_backfill: a missing value becomes the winsorized mean of its group's values over the last d rows.

State: a ring of the last d rows (d*N floats, all-NaN at first). On a row where some asset with a label is missing,
its label's members are listed (a counting sort by label, asset order) and their finite ring values gathered oldest
row first, each row in asset order: the reference's order, so the pairwise sums (mean, ddof-1 spread, clipped mean)
are bitwise its own. O(N) per row, plus O(d * members) for each group with a missing member that day.

Example:
    >>> import numpy as np
    >>> fs = np.empty(state_size(2, 2)[0]); is_ = np.empty(0, np.int64); init(fs, is_, 2, 2)
    >>> out = np.empty(2)
    >>> for t, row in enumerate([[1.0, 3.0], [np.nan, 5.0]]):
    ...     push(fs, is_, t, 2, 4.0, np.array(row), np.array([0, 0]), 1, out)
    >>> out  # the mean of 1, 3 and 5
    array([3., 5.])
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import GROUPFILL_PUSH, JIT_OPTIONS
from alphalang.backend.numba.kernels.crosssection import pairwise_sum


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: the ring of the last d rows (d*n)."""
    return d * n, 0


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = np.nan


@njit(**JIT_OPTIONS)
def _winsorized_mean(buf, c, std, scratch):
    """The mean of buf[:c] clipped to mean ± std * (their std, ddof 1) in numpy's arithmetic (``np.clip``'s NaN
    rule included); one value is itself."""
    mean = pairwise_sum(buf, 0, c) / c
    if c == 1:
        return mean
    for j in range(c):
        dev = buf[j] - mean
        scratch[j] = dev * dev
    sd = math.sqrt(pairwise_sum(scratch, 0, c) / (c - 1))
    lo, hi = mean - std * sd, mean + std * sd
    for j in range(c):
        v = buf[j]
        if lo != lo or v < lo:
            v = lo
        if hi != hi or v > hi:
            v = hi
        buf[j] = v
    return pairwise_sum(buf, 0, c) / c


@njit(GROUPFILL_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, std, x, g, n_groups, out):
    """Push row ``x`` (absolute row ``t``, labels ``g`` in 0..n_groups-1, negative: none) and write x, its missing
    values with a label filled by their group's winsorized mean over rows t-d+1..t, to ``out``."""
    n = x.shape[0]
    cur = (t % d) * n
    need = np.zeros(max(n_groups, 1), np.bool_)
    missing = False
    for i in range(n):
        fs[cur + i] = x[i]
        if np.isfinite(x[i]):
            out[i] = x[i]
        else:
            out[i] = math.nan
            if g[i] >= 0:
                need[g[i]] = True
                missing = True
    if not missing:
        return
    start = np.zeros(n_groups + 1, np.int64)  # members by label, asset order: label k spans start[k]..start[k+1]
    for i in range(n):
        if g[i] >= 0:
            start[g[i] + 1] += 1
    for k in range(n_groups):
        start[k + 1] += start[k]
    fill = start[:n_groups].copy()
    members = np.empty(n, np.int64)
    for i in range(n):
        if g[i] >= 0:
            members[fill[g[i]]] = i
            fill[g[i]] += 1
    first = max(0, t - d + 1)
    rows = t - first + 1
    largest = 0
    for k in range(n_groups):
        if need[k]:
            largest = max(largest, start[k + 1] - start[k])
    buf = np.empty(rows * largest)
    scratch = np.empty(rows * largest)
    for k in range(n_groups):
        if not need[k]:
            continue
        c = 0
        for s in range(first, t + 1):  # oldest row first, each in asset order (the reference's order)
            base = (s % d) * n
            for j in range(start[k], start[k + 1]):
                v = fs[base + members[j]]
                if np.isfinite(v):
                    buf[c] = v
                    c += 1
        value = _winsorized_mean(buf, c, std, scratch) if c > 0 else math.nan
        for j in range(start[k], start[k + 1]):
            if not np.isfinite(x[members[j]]):
                out[members[j]] = value
