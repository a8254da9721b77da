"""Reference (numpy) implementations of the stateful, turnover-control operators: one row at a time, the
state carried in plain arrays, every rule written out.

Missing means NaN or ±inf (these are time-series operators). A missing input gives NaN; what it does to the
carried state is stated per operator. ``hold`` (the kernel behind ``trade_when``) passes values through
unchanged, ±inf included, as ``delay`` does.

Example:
    >>> import numpy as np
    >>> days_from_last_change(np.array([[1.0], [1.0], [2.0], [2.0], [2.0]]))[:, 0]
    array([0., 1., 0., 1., 2.])
    >>> hold(np.array([[5.0], [6.0], [7.0]]), np.array([[1.0], [0.0], [1.0]]))[:, 0]
    array([5., 5., 7.])
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference.rolling import delay, ts_std


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def hold(x, take):
    """y[t] = x[t] where take[t] > 0, else y[t-1] (NaN before the first take; a NaN take holds)."""
    x, take = np.broadcast_arrays(_f(x), _f(take))
    out = np.full(x.shape, np.nan)
    y = np.full(x.shape[1], np.nan)
    for t in range(len(x)):
        with np.errstate(invalid="ignore"):
            y = np.where(take[t] > 0, x[t], y)
        out[t] = y
    return out


def hump(x, hump: float = 0.01):
    """Per date, limit = hump * sum of |x| over the date's valid assets (summed in asset order). An asset
    keeps its previous output while |x - previous| < limit, else moves by limit towards x. A missing x gives
    NaN and forgets the previous output; the first valid value (or the first after a missing one) passes."""
    x = _f(x)
    out = np.full(x.shape, np.nan)
    prev = np.full(x.shape[1], np.nan)
    for t in range(len(x)):
        row = x[t]
        valid = np.isfinite(row)
        limit = hump * sum(abs(float(v)) for v in row[valid])  # Python's sum: left to right, as the kernel
        change = row - prev
        with np.errstate(invalid="ignore"):
            moved = np.where(change > 0, prev + limit, np.where(change < 0, prev - limit, prev))
            kept = np.where(np.abs(change) < limit, prev, moved)
        prev = np.where(~valid, np.nan, np.where(np.isnan(prev), row, kept))
        out[t] = prev
    return out


def days_from_last_change(x):
    """Rows since the current value began (0 on the row where x takes a new value, 1 the next row...); a
    missing x gives NaN and is skipped (the value after it is compared with the last valid one)."""
    x = _f(x)
    out = np.full(x.shape, np.nan)
    last = np.full(x.shape[1], np.nan)  # the last valid value (NaN: none yet)
    start = np.zeros(x.shape[1])  # the row its run began
    for t in range(len(x)):
        valid = np.isfinite(x[t])
        new_run = valid & ~(x[t] == last)  # a first value, or one that differs from the last valid one
        start = np.where(new_run, t, start)
        last = np.where(valid, x[t], last)
        out[t] = np.where(valid, t - start, np.nan)
    return out


def last_diff_value(x, d: int):
    """The most recent valid value among rows t-d+1..t-1 that differs from x[t]; NaN if there is none or x[t]
    is missing."""
    x = _f(x)
    out = np.full(x.shape, np.nan)
    for t in range(len(x)):
        today = x[t]
        found = ~np.isfinite(today)  # nothing to look for where today is missing
        for s in range(t - 1, max(t - d, -1), -1):  # newest first
            hit = ~found & np.isfinite(x[s]) & (x[s] != today)
            out[t] = np.where(hit, x[s], out[t])
            found |= hit
    return out


def ts_cumsum(x):
    """Running sum of the valid values since the first row (missing values add nothing); NaN where x is
    missing."""
    x = _f(x)
    valid = np.isfinite(x)
    return np.where(valid, np.cumsum(np.where(valid, x, 0.0), axis=0), np.nan)


def ts_step(x):
    """x times the 1-based row number: ts_step(1) counts days 1, 2, 3, ... from the first row."""
    x = _f(x)
    return x * np.arange(1, len(x) + 1, dtype=np.float64)[:, None]


def trade_when(trigger, alpha, exit):
    """BRAIN's rule per cell: exit > 0 gives NaN; else trigger > 0 gives alpha; else the previous output
    (NaN before any). A NaN trigger or exit is not > 0."""
    trigger, alpha, exit = np.broadcast_arrays(_f(trigger), _f(alpha), _f(exit))
    with np.errstate(invalid="ignore"):
        closing, opening = exit > 0, trigger > 0
    return hold(np.where(closing, np.nan, alpha), (closing | opening).astype(np.float64))


def ts_delta_limit(x, y, limit_volume: float = 0.1):
    """The previous output plus the change towards x, capped at limit_volume * |y| either way; the first valid
    value passes. A missing x or y gives NaN and forgets the previous output."""
    x, y = np.broadcast_arrays(_f(x), _f(y))
    out = np.full(x.shape, np.nan)
    prev = np.full(x.shape[1], np.nan)
    for t in range(len(x)):
        cap = limit_volume * np.abs(y[t])
        with np.errstate(invalid="ignore"):
            moved = prev + np.minimum(np.maximum(x[t] - prev, -cap), cap)
        valid = np.isfinite(x[t]) & np.isfinite(y[t])
        prev = np.where(~valid, np.nan, np.where(np.isnan(prev), x[t], moved))
        out[t] = prev
    return out


def _cond(lhs, rhs, then, otherwise):
    """``lhs > rhs ? then : otherwise`` with the language's rule: NaN if either side of the comparison is."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(lhs) | np.isnan(rhs), np.nan, np.where(lhs > rhs, then, otherwise))


def hump_decay(x, p: float = 0.0):
    """x where |x - x[t-1]| > p * |x + x[t-1]|, else x[t-1] (NaN if either side is undefined)."""
    x = _f(x)
    before = delay(x, 1)
    with np.errstate(invalid="ignore"):
        return _cond(np.abs(x - before), p * np.abs(x + before), x, before)


def jump_decay(x, d: int, sensitivity: float = 0.5, force: float = 0.1):
    """Where |x - x[t-1]| > sensitivity * ts_std(x, d): x[t-1] + (x - x[t-1]) * force, else x."""
    x = _f(x)
    before = delay(x, 1)
    with np.errstate(invalid="ignore"):
        change = x - before
        return _cond(np.abs(change), sensitivity * ts_std(x, d), before + change * force, x)
