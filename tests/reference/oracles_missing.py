"""Independent oracles for the missing-value operators (registered into ``ref_oracles.ORACLES``), and
hand-worked examples.

Elementwise tests use Python's ``math`` per scalar; ``ts_count_nans`` is pandas' rolling sum of ``isna``;
``ts_backfill`` is pandas' ``ffill(limit=d-1)`` (k = 1) or label slices of the valid values (any k); both
window operators also have a plain-Python loop over dicts of valid rows. Never ``backend.reference.missing``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from ref_oracles import clean, example, oracle

nan, inf = math.nan, math.inf


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def row(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(1, -1)


# ---- elementwise: Python scalar math -----------------------------------------------------------------------

def _scalar(name: str, fn):
    def run(*args):
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        out = np.empty(arrays[0].shape)
        for idx in np.ndindex(out.shape):
            out[idx] = fn(*(float(a[idx]) for a in arrays))
        return out, 0.0

    oracle(name, "python math")(run)


_scalar("is_nan", lambda x: 1.0 if math.isnan(x) else 0.0)
_scalar("is_finite", lambda x: 1.0 if math.isfinite(x) else 0.0)
_scalar("is_not_finite", lambda x: 0.0 if math.isfinite(x) else 1.0)
_scalar("purify", lambda x: nan if math.isinf(x) else x)
_scalar("nan_mask", lambda x, y: nan if y < 0 else x)
_scalar("to_nan", lambda x, value=0.0, reverse=0.0: (value if math.isnan(x) else x) if reverse != 0
        else (nan if x == value else x))
_scalar("left_tail", lambda x, maximum=0.0: nan if x > maximum else x)
_scalar("right_tail", lambda x, minimum=0.0: nan if x < minimum else x)
_scalar("tail", lambda x, lower=0.0, upper=0.0, newval=0.0: newval if lower < x < upper else x)


# ---- windows ----------------------------------------------------------------------------------------------

@oracle("ts_count_nans", "pandas rolling sum of isna")
def _count_nans_pandas(x, d):
    return pd.DataFrame(clean(x)).isna().astype(float).rolling(d).sum().to_numpy(), 0.0


def _valid_rows(column: np.ndarray) -> dict[int, float]:
    """{row: value} of the finite entries of one column."""
    return {t: float(v) for t, v in enumerate(column) if math.isfinite(v)}


@oracle("ts_count_nans", "python loop")
def _count_nans_loop(x, d):
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, nan)
    for i in range(x.shape[1]):
        valid = _valid_rows(x[:, i])
        for t in range(d - 1, len(x)):
            out[t, i] = sum(1 for s in range(t - d + 1, t + 1) if s not in valid)
    return out, 0.0


def _kth_loop(x, d, k, skip_valid_today: bool):
    """The k-th valid value walking back from today through rows t..t-d+1 (today passes if asked)."""
    x = np.asarray(x, dtype=np.float64)
    k = math.floor(k)
    out = np.full(x.shape, nan)
    for i in range(x.shape[1]):
        valid = _valid_rows(x[:, i])
        for t in range(len(x)):
            if skip_valid_today and t in valid:
                out[t, i] = valid[t]
                continue
            seen = [valid[s] for s in range(t, max(t - d, -1), -1) if s in valid]
            if k >= 1 and len(seen) >= k:
                out[t, i] = seen[k - 1]
    return out, 0.0


oracle("ts_backfill", "python loop")(lambda x, d, k=1.0: _kth_loop(x, d, k, True))
oracle("kth_element", "python loop")(lambda x, d, k=1.0: _kth_loop(x, d, k, False))


@oracle("ts_backfill", "pandas ffill(limit) / label slices")
def _backfill_pandas(x, d, k=1.0):
    df = pd.DataFrame(clean(x))
    k = math.floor(k)
    if k == 1:
        return (df.ffill(limit=d - 1) if d > 1 else df).to_numpy(), 0.0
    out = df.copy()
    for i in df.columns:
        valid = df[i].dropna()
        for t in df.index[df[i].isna()]:
            window = valid.loc[t - d + 1 : t]
            out.loc[t, i] = window.iloc[-k] if k >= 1 and len(window) >= k else nan
    return out.to_numpy(), 0.0


# ---- hand-worked examples --------------------------------------------------------------------------------

example("is_nan", (row(nan, inf, -inf, 0, 2),), row(1, 0, 0, 0, 0))
example("is_finite", (row(nan, inf, -inf, 0, 2),), row(0, 0, 0, 1, 1))
example("is_not_finite", (row(nan, inf, -inf, 0, 2),), row(1, 1, 1, 0, 0))
example("purify", (row(nan, inf, -inf, 0, 2),), row(nan, nan, nan, 0, 2))
example("nan_mask", (row(1, 2, 3, 4), row(-1, 0, nan, 5)), row(nan, 2, 3, 4))
# BRAIN's own example: (100, NaN, NaN, 200) newest first, d = 4 -> 2
example("ts_count_nans", (col(200, nan, nan, 100), 4), col(nan, nan, nan, 2))
example("ts_count_nans", (col(1, inf, 3, nan, 5), 2), col(nan, 1, 1, 1, 1))
# BRAIN's example: 100 NaN 120 NaN NaN with d = 3 -> 120 on the last day; k = 2 needs two valid values in the
# last 3 rows (there is one: 120), so NaN; row 3's window (rows 1..3) holds only 120 too
example("ts_backfill", (col(100, nan, 120, nan, nan), 3), col(100, 100, 120, 120, 120))
example("ts_backfill", (col(100, nan, 120, nan, nan), 3, 2.0), col(100, nan, 120, nan, nan))
example("ts_backfill", (col(100, nan, 120, nan, nan), 4, 2.0), col(100, nan, 120, 100, nan))
example("ts_backfill", (col(1, -inf, nan), 1), col(1, nan, nan))
# BRAIN's kth_element table: [0.5, NaN, NaN, 0.7] with k = 1 backfills (its "ignore 0" is not supported)
example("kth_element", (col(0.5, nan, nan, 0.7), 5), col(0.5, 0.5, 0.5, 0.7))
example("kth_element", (col(10, 8, 3, 6, 5, 3, 2), 6, 2.0), col(nan, 10, 8, 3, 6, 5, 3))
example("kth_element", (col(1, nan, 3, inf, 5), 3, 2.0), col(nan, nan, 1, nan, 3))
example("to_nan", (row(0, 1, nan, inf),), row(nan, 1, nan, inf))
example("to_nan", (row(0, 1, nan, inf), 1.0), row(0, nan, nan, inf))
example("to_nan", (row(0, 1, nan, inf), 7.0, 1.0), row(0, 1, 7, inf))
example("left_tail", (row(-1, 0, 2, nan, inf),), row(-1, 0, nan, nan, nan))
example("left_tail", (row(-1, 0, 2), 1.0), row(-1, 0, nan))
example("right_tail", (row(-1, 0, 2, nan, -inf),), row(nan, 0, 2, nan, nan))
example("tail", (row(-0.02, -0.005, 0.0, 0.01, 0.5, nan), -0.01, 0.01, 0.0), row(-0.02, 0, 0, 0.01, 0.5, nan))
example("tail", (row(1, 2, 3), 1.0, 3.0, 9.0), row(1, 9, 3))
