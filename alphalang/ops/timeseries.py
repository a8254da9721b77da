"""Time-series operators: per asset, over a window of rows t-d+1 .. t (today included).

Strict NaN rule for windowed operators: NaN during warm-up (t < d-1) and whenever any value in the window is
missing (NaN or ±inf). ``delay``/``delta`` are shifts and pass values through unchanged.
Lowering names a hand-written O(1) state-kernel family in ``alphalang.backend.numba``.
"""

from __future__ import annotations

from alphalang.backend.reference import rolling as ref
from alphalang.ops.registry import register
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind, lag_rows, same_as_inputs, window_rows

_STRICT = "NaN in warm-up and whenever any value in the window is NaN or ±inf"
_XD = (Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW))
_XYD = (Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES), Param("d", ArgKind.WINDOW))


def _ts(name, reference, doc, example, params=_XD, aliases=(), nan_rule=_STRICT, lookback=window_rows):
    register(OpSpec(name=name, params=params, result=ResultKind.TIME_SERIES, reference=reference, doc=doc,
                    example=example, nan_rule=nan_rule, lowering=name, aliases=aliases, lookback=lookback,
                    category="time-series"))


_XL = (Param("x", ArgKind.SERIES), Param("d", ArgKind.LAG))
_ts("delay", ref.delay, "x from d rows ago (a shift; ±inf pass through).", "delay(close, 1)", _XL,
    ("ts_delay",), "NaN for t < d; otherwise x[t-d] unchanged", lag_rows)
_ts("delta", ref.delta, "x - delay(x, d).", "delta(close, 5)", _XL, ("ts_delta",),
    "IEEE subtraction of x and delay(x, d)", lag_rows)
_ts("ts_sum", ref.ts_sum, "Sum over the window.", "sum(returns, 250)", aliases=("sum",))
_ts("ts_mean", ref.ts_mean, "Mean over the window.", "ts_mean(close, 20)", aliases=("sma",))
_ts("ts_std", ref.ts_std, "Sample standard deviation (ddof 1); d = 1 gives NaN.", "stddev(returns, 20)",
    aliases=("stddev", "ts_std_dev"))
_ts("ts_var", ref.ts_var, "Sample variance (ddof 1); d = 1 gives NaN.", "ts_var(returns, 20)")
_ts("ts_min", ref.ts_min, "Minimum over the window.", "ts_min(low, 10)")
_ts("ts_max", ref.ts_max, "Maximum over the window.", "ts_max(high, 10)")
_ts("ts_argmax", ref.ts_argmax, "1-based position of the window max counted from the oldest row (1 = oldest, "
    "d = today); ties go to the oldest.", "ts_argmax(close, 30)")
_ts("ts_argmin", ref.ts_argmin, "1-based position of the window min counted from the oldest row; ties go to "
    "the oldest.", "ts_argmin(close, 30)")
_ts("ts_arg_max_days", ref.ts_arg_max_days, "Days since the window max (0 = today); ties go to the oldest "
    "occurrence. Equals d - ts_argmax(x, d).", "ts_arg_max_days(close, 30)")
_ts("ts_arg_min_days", ref.ts_arg_min_days, "Days since the window min (0 = today); ties go to the oldest "
    "occurrence.", "ts_arg_min_days(close, 30)")
_ts("ts_rank", ref.ts_rank, "Today's average-tie rank within the window divided by d, in (0, 1] "
    "(pandas-ref profile: the rank 1..d).", "ts_rank(volume, 10)")
_ts("ts_product", ref.ts_product, "Product over the window.", "product(close / delay(close, 1), 10)",
    aliases=("product",))
_ts("ts_corr", ref.ts_corr, "Pearson correlation over the window, clipped to [-1, 1]; NaN if either window is "
    "exactly constant.", "correlation(close, volume, 10)", _XYD, ("correlation",))
_ts("ts_cov", ref.ts_cov, "Sample covariance (ddof 1) over the window.", "covariance(close, volume, 5)", _XYD,
    ("covariance",))
_ts("decay_linear", ref.decay_linear, "Linearly weighted mean: weight d on today down to 1 on the oldest row, "
    "divided by d(d+1)/2.", "decay_linear(close, 10)", aliases=("ts_decay_linear", "wma"))
_ts("ts_zscore", ref.ts_zscore, "(x - window mean) / window std (ddof 1); NaN for an exactly constant window.",
    "ts_zscore(close, 20)")
_ts("ts_skew", ref.ts_skew, "Bias-corrected sample skewness over the window (as pandas rolling skew); NaN for "
    "d < 3 or a constant window.", "ts_skew(returns, 60)", aliases=("ts_skewness",))
_ts("ts_kurt", ref.ts_kurt, "Bias-corrected excess kurtosis over the window (as pandas rolling kurt); NaN for "
    "d < 4 or a constant window.", "ts_kurt(returns, 60)", aliases=("ts_kurtosis",))
_ts("ts_slope", ref.ts_slope, "Least-squares slope of x against the row index over the window (per row).",
    "ts_slope(close, 20)")
_ts("ts_rsquare", ref.ts_rsquare, "R^2 of the least-squares fit of x on the row index over the window; NaN for "
    "a constant window.", "ts_rsquare(close, 20)")
_ts("ts_resid", ref.ts_resid, "Today's residual from the least-squares line of x on the row index over the "
    "window.", "ts_resid(close, 20)")
register(OpSpec(
    name="ts_ema", params=(Param("x", ArgKind.SERIES), Param("halflife", ArgKind.CONST, positive=True)),
    result=ResultKind.TIME_SERIES, reference=ref.ts_ema, lowering="ts_ema", category="time-series",
    doc="Exponentially weighted mean, weight 0.5^(j/halflife) on the value j rows ago, over the rows since the "
    "last missing value (pandas ewm(halflife=h, adjust=True) per run of valid values).",
    example="ts_ema(close, 10)", lookback=same_as_inputs,
    nan_rule="NaN where x is missing; a missing value restarts the average (no warm-up rows)",
))
