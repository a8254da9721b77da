"""Recursions: state carried across rows without a window (hold, hump, days_from_last_change, ts_cumsum,
ts_step); O(1) per update, mirroring ``backend.reference.stateful`` exactly (same operations, same order).

Each value depends on the whole history since the first row, so the family is of kind "state": programs
using it run in one time chunk, and streaming carries the state across calls. State per asset: one float
(the previous output, the current value or the running sum; NaN = none) and one int (the row the current
value began; -1 = none).

* HOLD (x, take): y = x where take > 0, else the previous y (NaN before the first take).
* HUMP (x; hump): per row, limit = hump * sum of |x| over the valid assets, summed in asset order; y keeps its
  previous value while |x - y| < limit, else moves by limit towards x; a missing x gives NaN and forgets y.
* DAYS (x): rows since the current value began; missing rows give NaN and are skipped.
* CUMSUM (x): running sum of the valid values; NaN where x is missing.
* STEP (x): x * (t + 1), t the absolute row.
* DELTA_LIMIT (x, y; limit): y' = y' + clip(x - y', -limit |y|, limit |y|), the previous output y' (NaN
  before); a missing x or y gives NaN and forgets the previous output.

Example:
    >>> import numpy as np
    >>> fs, is_ = np.empty(1), np.empty(1, np.int64)
    >>> init(fs, is_, 1, 0)
    >>> out, none = np.empty(1), np.empty(0)
    >>> [float(push_value(fs, is_, t, DAYS, none, v, 0.0, out)) for t, v in enumerate([4.0, 4.0, np.nan, 4.0])]
    [0.0, 1.0, nan, 3.0]
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from alphalang.backend.numba.kernels import JIT_OPTIONS, RECURSION_PUSH

HOLD, HUMP, DAYS, CUMSUM, STEP, DELTA_LIMIT = range(6)  # the order of ``families.FAMILY["recursion"].modes``


def state_size(n: int, d: int) -> tuple[int, int]:
    """One float word (previous output / current value / sum) and one int word (run start) per asset."""
    return n, n


def init(fs: np.ndarray, is_: np.ndarray, n: int, d: int) -> None:
    fs[:] = math.nan
    is_[:] = -1


@njit(RECURSION_PUSH, **JIT_OPTIONS)
def push(fs, is_, t, mode, consts, x, y, out):
    """Push row ``x`` (and ``y``: HOLD's take flags, DELTA_LIMIT's scale) of absolute row ``t``; write the new
    value to ``out``. ``consts[0]`` is HUMP's hump or DELTA_LIMIT's limit."""
    n = x.shape[0]
    s = fs[:n]
    if mode == HOLD:
        for i in range(n):
            if y[i] > 0.0:
                s[i] = x[i]
            out[i] = s[i]
    elif mode == HUMP:
        total = 0.0
        for i in range(n):
            if np.isfinite(x[i]):
                total += abs(x[i])
        limit = consts[0] * total
        for i in range(n):
            v = x[i]
            p = s[i]
            if not np.isfinite(v):
                s[i] = math.nan
            elif p != p:
                s[i] = v
            else:
                change = v - p
                if not abs(change) < limit:
                    s[i] = p + limit if change > 0.0 else (p - limit if change < 0.0 else p)
            out[i] = s[i]
    elif mode == DAYS:
        start = is_[:n]
        for i in range(n):
            v = x[i]
            if not np.isfinite(v):
                out[i] = math.nan
                continue
            if start[i] < 0 or v != s[i]:
                s[i] = v
                start[i] = t
            out[i] = t - start[i]
    elif mode == CUMSUM:
        for i in range(n):
            v = x[i]
            if np.isfinite(v):
                s[i] = v if s[i] != s[i] else s[i] + v
                out[i] = s[i]
            else:
                out[i] = math.nan
    elif mode == STEP:
        step = float(t + 1)
        for i in range(n):
            out[i] = x[i] * step
    else:  # DELTA_LIMIT
        limit = consts[0]
        for i in range(n):
            v = x[i]
            if not (np.isfinite(v) and np.isfinite(y[i])):
                s[i] = math.nan
            elif s[i] != s[i]:
                s[i] = v
            else:
                cap = limit * abs(y[i])
                s[i] = s[i] + min(max(v - s[i], -cap), cap)
            out[i] = s[i]


def push_value(fs, is_, t, mode, consts, v, w, out) -> float:
    """One asset's push of ``v`` (and ``w``, HOLD's take flag): doctests and small checks; returns the output."""
    push(fs, is_, t, mode, consts, np.array([v]), np.array([w]), out)
    return out[0]
