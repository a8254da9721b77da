"""Look-back windows over missing values: ts_count_nans, ts_backfill, kth_element, last_diff_value; O(1) per
update, mirroring ``backend.reference.missing`` / ``stateful`` exactly.

Missing means NaN or ±inf. State per asset (window d, N assets), laid out slot-major so loops run over
contiguous assets:

* COUNT_NANS: a ring of d missing flags (int words) and their count; NaN during warm-up (t < d-1).
* BACKFILL / KTH: a ring of the last d *valid* values with their rows, and how many valid values were
  pushed: the k-th most recent valid value is ring entry (count - k) mod d, if its row is inside the window
  (k = 1 keeps only the last valid value and its row, in the run words). Both look at as many rows as exist
  during warm-up (no warm-up NaN).
* LAST_DIFF: the current run's value and last row, and the previous run's value and last row (a run is a
  stretch of equal valid values, missing rows skipped): the last value differing from today is the previous
  run's, if its last row is inside the window.

Example:
    >>> import numpy as np
    >>> nf, ni = state_size(1, 2)
    >>> fs, is_ = np.empty(nf), np.empty(ni, np.int64)
    >>> init(fs, is_, 1, 2)
    >>> out, k = np.empty(1), np.array([1.0])
    >>> [float(push_value(fs, is_, t, 2, BACKFILL, k, v, out)) for t, v in enumerate([1.0, np.nan, np.nan])]
    [1.0, 1.0, nan]
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import HISTORY_PUSH, JIT_OPTIONS

COUNT_NANS, BACKFILL, KTH, LAST_DIFF = range(4)  # the order of ``families.FAMILY["history"].modes``


def state_size(n: int, d: int) -> tuple[int, int]:
    """Float words: ring values (d n), current and previous run values (2n). Int words: ring rows or flags
    (d n), count (n), current and previous run rows (2n)."""
    return d * n + 2 * n, d * n + 3 * n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = math.nan
    is_[: d * n + n] = 0  # ring flags/rows and counts
    is_[d * n + n :] = -1  # no run yet


@njit(HISTORY_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, d, mode, consts, x, out):
    """Push row ``x`` of absolute row ``t``; write the window's value to ``out``. ``consts[0]`` is k
    (BACKFILL, KTH)."""
    n = x.shape[0]
    ring = is_[: d * n]
    count = is_[d * n : d * n + n]
    lo = t - d + 1  # the oldest row in the window
    if mode == COUNT_NANS:
        base = (t % d) * n
        for i in range(n):
            missing = 0 if np.isfinite(x[i]) else 1
            count[i] += missing - ring[base + i]
            ring[base + i] = missing
            out[i] = count[i] if t >= d - 1 else math.nan
    elif mode == LAST_DIFF:
        cur, prev = fs[d * n : d * n + n], fs[d * n + n : d * n + 2 * n]
        cur_row, prev_row = is_[d * n + n : d * n + 2 * n], is_[d * n + 2 * n : d * n + 3 * n]
        for i in range(n):
            v = x[i]
            if not np.isfinite(v):
                out[i] = math.nan
                continue
            if cur_row[i] >= 0 and v != cur[i]:
                prev[i] = cur[i]
                prev_row[i] = cur_row[i]
            cur[i] = v
            cur_row[i] = t
            out[i] = prev[i] if prev_row[i] >= 0 and prev_row[i] >= lo else math.nan
    elif int(consts[0]) == 1:  # BACKFILL, KTH with k = 1: the last valid value and its row suffice
        last, last_row = fs[d * n : d * n + n], is_[d * n + n : d * n + 2 * n]
        for i in range(n):
            v = x[i]
            if np.isfinite(v):
                last[i] = v
                last_row[i] = t
                out[i] = v
            else:
                out[i] = last[i] if last_row[i] >= 0 and last_row[i] >= lo else math.nan
    else:  # BACKFILL, KTH
        values = fs[: d * n]
        k = int(consts[0])
        for i in range(n):
            v = x[i]
            ok = np.isfinite(v)
            if ok:
                pos = (count[i] % d) * n + i
                values[pos] = v
                ring[pos] = t
                count[i] += 1
            if ok and mode == BACKFILL:
                out[i] = v
            elif k < 1 or k > d or count[i] < k:
                out[i] = math.nan
            else:
                pos = ((count[i] - k) % d) * n + i
                out[i] = values[pos] if ring[pos] >= lo else math.nan


def push_value(fs, is_, t, d, mode, consts, v, out) -> float:
    """One asset's push of the value ``v`` (doctests and small checks); returns the output."""
    push(fs, is_, t, d, mode, consts, np.array([v]), out)
    return out[0]
