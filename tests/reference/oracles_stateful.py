"""Independent oracles for the stateful operators (registered into ``ref_oracles.ORACLES``), and hand-worked
tables.

Recursions are written as plain-Python loops over one asset at a time with dicts for the state (the reference
steps all assets of a row together with numpy); ``ts_cumsum`` is pandas' ``cumsum`` (which skips NaN),
``days_from_last_change`` pandas run ids from ``shift``/``cumsum``. Never ``backend.reference.stateful``.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
from ref_oracles import clean, example, oracle

nan, inf = math.nan, math.inf


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def _cells(x) -> tuple[np.ndarray, int, int]:
    x = np.asarray(x, dtype=np.float64)
    return x, x.shape[0], x.shape[1]


@oracle("hold", "python loop")
def _hold(x, take):
    x, take = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(take, dtype=np.float64))
    out = np.full(x.shape, nan)
    held: dict[int, float] = {}
    for t in range(x.shape[0]):
        for i in range(x.shape[1]):
            if take[t, i] > 0:  # False for NaN
                held[i] = float(x[t, i])
            out[t, i] = held.get(i, nan)
    return out, 0.0


@oracle("hump", "python loop")
def _hump(x, hump=0.01):
    x, n_rows, n_cols = _cells(x)
    out = np.full(x.shape, nan)
    previous: dict[int, float] = {}
    for t in range(n_rows):
        total = 0.0
        for v in x[t]:
            if math.isfinite(v):
                total += abs(float(v))
        limit = hump * total
        for i in range(n_cols):
            v = float(x[t, i])
            if not math.isfinite(v):
                previous.pop(i, None)
                continue
            if i not in previous:
                previous[i] = v
            elif abs(v - previous[i]) >= limit:  # move by the limit in the direction of the change
                if v > previous[i]:
                    previous[i] += limit
                elif v < previous[i]:
                    previous[i] -= limit
            out[t, i] = previous[i]
    return out, 0.0


@oracle("ts_delta_limit", "python loop")
def _delta_limit(x, y, limit_volume=0.1):
    x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    out = np.full(x.shape, nan)
    position: dict[int, float] = {}
    for t in range(x.shape[0]):
        for i in range(x.shape[1]):
            v, scale = float(x[t, i]), float(y[t, i])
            if not (math.isfinite(v) and math.isfinite(scale)):
                position.pop(i, None)
                continue
            if i in position:
                cap = limit_volume * abs(scale)
                position[i] += min(max(v - position[i], -cap), cap)
            else:
                position[i] = v
            out[t, i] = position[i]
    return out, 0.0


@oracle("days_from_last_change", "pandas run ids")
def _days_pandas(x):
    df = pd.DataFrame(clean(x))
    out = np.full(df.shape, nan)
    for i in df.columns:
        valid = df[i].dropna()
        run = (valid != valid.shift()).cumsum()
        start = pd.Series(valid.index, index=valid.index).groupby(run).transform("min")
        out[valid.index, i] = valid.index - start
    return out, 0.0


@oracle("last_diff_value", "python loop")
def _last_diff(x, d):
    x, n_rows, n_cols = _cells(x)
    out = np.full(x.shape, nan)
    for i in range(n_cols):
        seen: dict[int, float] = {}
        for t in range(n_rows):
            v = float(x[t, i])
            if math.isfinite(v):
                older = [s for s in seen if s > t - d and seen[s] != v]
                if older:
                    out[t, i] = seen[max(older)]
                seen[t] = v
    return out, 0.0


@oracle("ts_cumsum", "pandas cumsum")
def _cumsum(x):
    return pd.DataFrame(clean(x)).cumsum().to_numpy(), 0.0


@oracle("ts_step", "python loop")
def _step(x):
    x, n_rows, n_cols = _cells(x)
    out = np.empty(x.shape)
    for t in range(n_rows):
        for i in range(n_cols):
            out[t, i] = x[t, i] * (t + 1)
    return out, 0.0


@oracle("trade_when", "python loop (BRAIN's rule)")
def _trade_when(trigger, alpha, exit):
    trigger, alpha, exit = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (trigger, alpha, exit)))
    out = np.full(alpha.shape, nan)
    previous: dict[int, float] = {}
    for t in range(alpha.shape[0]):
        for i in range(alpha.shape[1]):
            if exit[t, i] > 0:
                previous[i] = nan
            elif trigger[t, i] > 0:
                previous[i] = float(alpha[t, i])
            out[t, i] = previous.get(i, nan)
    return out, 0.0


def _compare_or_nan(lhs: pd.DataFrame, rhs: pd.DataFrame, then: pd.DataFrame, otherwise: pd.DataFrame):
    """``lhs > rhs ? then : otherwise``, NaN where the comparison has a NaN side."""
    undefined = lhs.isna() | rhs.isna()
    return then.where(lhs > rhs, otherwise).mask(undefined).to_numpy()


@oracle("hump_decay", "pandas shift")
def _hump_decay(x, p=0.0):
    df = pd.DataFrame(np.asarray(x, dtype=np.float64))
    before = df.shift(1)
    with np.errstate(all="ignore"):
        return _compare_or_nan((df - before).abs(), p * (df + before).abs(), df, before), 0.0


def _stdev(x, d) -> pd.DataFrame:
    """Sample deviation of every full, all-valid window by ``statistics.stdev`` (exact arithmetic on the values,
    so an exactly flat window gives exactly 0, as ts_std does, where pandas' running sums leave ~1e-9)."""
    x = clean(x)
    out = np.full(x.shape, nan)
    for t in range(d - 1, len(x)):
        for i in range(x.shape[1]):
            window = x[t - d + 1 : t + 1, i]
            if d > 1 and not np.isnan(window).any():
                out[t, i] = statistics.stdev(float(v) for v in window)
    return pd.DataFrame(out)


@oracle("jump_decay", "pandas shift, statistics.stdev")
def _jump_decay(x, d, sensitivity=0.5, force=0.1):
    df = pd.DataFrame(np.asarray(x, dtype=np.float64))
    before = df.shift(1)
    with np.errstate(all="ignore"):
        change = df - before
        values = _compare_or_nan(change.abs(), sensitivity * _stdev(x, d), before + change * force, df)
    # ts_std's last ulp may differ from the exact deviation: only a comparison on the boundary could flip
    return values, 8 * np.finfo(np.float64).eps * np.nan_to_num(np.abs(values))


# ---- hand-worked tables ----------------------------------------------------------------------------------

# hold: take fires on rows 0, 2 (NaN holds, 0 holds, -1 holds)
example("hold", (col(5, 6, 7, 8, 9, 10), col(1, 0, 2, nan, -1, 1)), col(5, 5, 7, 7, 7, 10))
example("hold", (col(5, nan, 7), col(0, 1, 0)), col(nan, nan, nan))
# hump, two assets, hump = 0.1 (the limit is 0.1 * the row's sum of |x|). Row 0: first values pass. Row 1:
# limit 0.1 * (12 + 1) = 1.3; asset 0: change 12 - 10 = 2 >= 1.3, so 10 + 1.3 = 11.3; asset 1: change 0, keeps 1.
# Row 2: limit 0.1 * (11.3 + 1.5) = 1.28; asset 0: change 0, keeps 11.3; asset 1: 0.5 < 1.28, keeps 1. Row 3:
# asset 1 missing -> NaN (and forgotten); limit 0.1 * 5 = 0.5; asset 0: 5 - 11.3 = -6.3, so 11.3 - 0.5 = 10.8.
# Row 4: limit 0.1 * (10.6 + 2) = 1.26; asset 0: -0.2, keeps 10.8; asset 1 starts again at 2.
example("hump", (np.array([[10, 1], [12, 1], [11.3, 1.5], [5, nan], [10.6, 2]]), 0.1),
        np.array([[10, 1], [11.3, 1], [11.3, 1], [10.8, nan], [10.8, 2]]))
# BRAIN's example: yesterday 5, today 2, limit 1.5 -> 3.5 (one asset: limit = 0.75 * |2|)
example("hump", (col(5, 2), 0.75), col(5, 3.5))
# BRAIN's table: 10 10 12 12 12 15 -> 0 1 0 1 2 0 (NaN rows give NaN and are skipped)
example("days_from_last_change", (col(10, 10, 12, 12, 12, 15),), col(0, 1, 0, 1, 2, 0))
example("days_from_last_change", (col(3, nan, 3, inf, 4),), col(0, nan, 2, nan, 0))
example("last_diff_value", (col(1, 2, 2, 2, 3, nan, 3), 3), col(nan, 1, 1, nan, 2, nan, nan))
example("last_diff_value", (col(1, 2, 2, 2), 4), col(nan, 1, 1, 1))
example("ts_cumsum", (col(1, nan, 2, -inf, 3),), col(1, nan, 3, nan, 6))
example("ts_step", (col(1, 1, nan, 2),), col(1, 2, nan, 8))
# trade_when: exit on row 2 (NaN), hold NaN after it until the trigger on row 4; a NaN trigger/exit is false
example("trade_when", (col(1, 0, 1, 0, 1, nan, 0), col(10, 11, 12, 13, 14, 15, 16), col(0, nan, 1, 0, -1, 0, 0)),
        col(10, 10, nan, nan, 14, 14, 14))
example("trade_when", (col(0, 1, 0), col(1, 2, 3), -1.0), col(nan, 2, 2))
# hump_decay, p = 0.1: |5 - 4| = 1 > 0.1 * 9 keeps 5; |5.2 - 5| = 0.2 <= 1.02 gives 5; |9 - 5.2| = 3.8 > 1.42 keeps 9
example("hump_decay", (col(4, 5, 5.2, 9, nan, 1), 0.1), col(nan, 5, 5, 9, nan, nan))
# jump_decay, BRAIN's example: yesterday 4, today 2, force 0.1 -> 4 + (2 - 4) * 0.1 = 3.8 when the jump exceeds
# sensitivity * std: window (4, 4.5, 4, 2) with d = 4 has std 1.109, and |2 - 4| > 0.5 * 1.109. In (4, 4.5, 4,
# 4.05) the std is 0.2428 and |4.05 - 4| = 0.05 is no jump
example("jump_decay", (col(4, 4.5, 4, 2), 4, 0.5, 0.1), col(nan, nan, nan, 3.8))
example("jump_decay", (col(4, 4.5, 4, 4.05), 4, 0.5, 0.1), col(nan, nan, nan, 4.05))
# ts_delta_limit, limit_volume 0.1 of y = 10 (a cap of 1 per row): 0 -> 5 moves to 1, 2 (x = 2.5), then 2.5;
# a missing y gives NaN and forgets; then 0 passes, 9 moves to 1 (y = -10: |y|)
example("ts_delta_limit", (col(0, 5, 2.5, 2.5, 3, 0, 9), col(10, 10, 10, 10, nan, 10, -10), 0.1),
        col(0, 1, 2, 2.5, nan, 0, 1))
