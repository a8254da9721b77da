"""Independent oracles for the orderstats operators (registered into ``ref_oracles.ORACLES``).

ts_quantile / ts_median: pandas' rolling quantile and median (skip lists) and bottleneck's ``move_median``
(double heap), each window evaluated from a fresh state (``ref_oracles.window_matrix``): exact, the same
interpolation arithmetic as the reference. ts_mad: a plain-Python loop with ``math.fsum`` (correctly rounded
mean and sum); its tolerance is a few ulps of the window's largest magnitude (the data is known to no better).
"""

from __future__ import annotations

import math

import bottleneck as bn
import numpy as np
import pandas as pd
from ref_oracles import EPS, example, oracle, per_window

nan = math.nan


def _last(mat: np.ndarray, d: int, fn) -> np.ndarray:
    """``fn(rolling(d))`` of every column at its last row (min_periods = d: any NaN gives NaN)."""
    if mat.shape[1] == 0:
        return np.empty(0)
    return np.asarray(fn(pd.DataFrame(mat).rolling(d)).iloc[-1], dtype=np.float64)


@oracle("ts_quantile", "pandas")
def _ts_quantile(x, d, q=0.5):
    return per_window(lambda m: (_last(m, d, lambda r: r.quantile(q, interpolation="linear")), 0.0), x, d=d)


@oracle("ts_median", "pandas")
def _ts_median(x, d):
    return per_window(lambda m: (_last(m, d, lambda r: r.median()), 0.0), x, d=d)


@oracle("ts_median", "bottleneck")
def _ts_median_bn(x, d):
    def stat(m):
        if m.shape[1] == 0:
            return np.empty(0), 0.0
        return bn.move_median(m, d, min_count=d, axis=0)[-1], 0.0

    return per_window(stat, x, d=d)


def _mad_loop(col: np.ndarray) -> float:
    values = [float(v) for v in col]
    if not all(math.isfinite(v) for v in values):
        return nan
    mean = math.fsum(values) / len(values)
    return math.fsum(abs(v - mean) for v in values) / len(values)


@oracle("ts_mad", "python")
def _ts_mad(x, d):
    def stat(m):
        values = np.array([_mad_loop(col) for col in m.T])
        magnitude = np.array([np.max(np.abs(col)) if np.isfinite(col).all() else 0.0 for col in m.T])
        return values, 4 * EPS * magnitude

    return per_window(stat, x, d=d)


def _drawdown_loop(col: np.ndarray) -> float:
    values = [float(v) for v in col]
    if not all(math.isfinite(v) for v in values):
        return nan
    peak = max(values)
    trough = min(values[values.index(peak) :])  # from the first (oldest) occurrence of the peak on
    with np.errstate(all="ignore"):
        return float(np.float64(peak - trough) / np.float64(peak))


@oracle("ts_max_drawdown", "python")
def _ts_max_drawdown(x, d):
    return per_window(lambda m: (np.array([_drawdown_loop(col) for col in m.T]), 0.0), x, d=d)


# ---- hand-worked examples ---------------------------------------------------------------------------------
_X = np.array([[1.0], [4.0], [2.0], [8.0], [nan], [3.0], [3.0], [3.0]])
# windows of 3: (1 4 2) (4 2 8) (2 8 nan) (8 nan 3) (nan 3 3) (3 3 3); sorted (1 2 4) (2 4 8) ... (3 3 3)
# q = 0.25: k = 0.5, lo + (hi - lo) / 2; q = 0.9: k = 1.8, mid + (top - mid) * 0.8; q = 1: the max
example("ts_quantile", (_X, 3, 0.25), [[nan], [nan], [1.5], [3.0], [nan], [nan], [nan], [3.0]])
example("ts_quantile", (_X, 3, 0.9), [[nan], [nan], [2 + 2 * 0.8], [4 + 4 * 0.8], [nan], [nan], [nan], [3.0]])
example("ts_quantile", (_X, 3, 1.0), [[nan], [nan], [4.0], [8.0], [nan], [nan], [nan], [3.0]])
example("ts_quantile", (_X, 1, 0.3), _X)  # a window of one value is that value
# d = 2: the mean of the pair; d = 4 over (1 4 2 8): sorted (1 2 4 8), (2 + 4) / 2
example("ts_median", (_X, 2), [[nan], [2.5], [3.0], [5.0], [nan], [nan], [3.0], [3.0]])
example("ts_median", (_X[:4], 4), [[nan], [nan], [nan], [3.0]])
example("ts_median", (_X, 3), [[nan], [nan], [2.0], [4.0], [nan], [nan], [nan], [3.0]])
# (1 4 2): mean 7/3, |d| = 4/3 5/3 1/3 -> 10/9; (4 2 8): mean 14/3, |d| = 2/3 8/3 10/3 -> 20/9; constant: 0
example("ts_mad", (_X, 3), [[nan], [nan], [10 / 9], [20 / 9], [nan], [nan], [nan], [0.0]])
# (1 4 2): peak 4, trough 2 -> 0.5; (4 2 8): the high is today -> 0; (3 3 3): 0; d = 4 over (1 4 2 8): 0
example("ts_max_drawdown", (_X, 3), [[nan], [nan], [0.5], [0.0], [nan], [nan], [nan], [0.0]])
example("ts_max_drawdown", (np.array([[5.0], [8.0], [6.0], [2.0], [7.0]]), 4), [[nan], [nan], [nan], [0.75], [0.75]])
