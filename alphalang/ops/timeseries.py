"""Time-series operators: per asset, over a window of rows t-d+1 .. t (today included).

Strict NaN rule for windowed operators: NaN during warm-up (t < d-1) and whenever any value in the window is
missing (NaN or ±inf); under the NaN policy ``skip`` (``passes.nanpolicy``) each entry's ``skip`` function
computes over the window's valid values instead. ``delay``/``delta`` are shifts and pass values through
unchanged under both policies.
Lowering names a hand-written O(1) state-kernel family in ``alphalang.backend.numba``.
"""

from __future__ import annotations

from alphalang.backend.reference import rolling as ref
from alphalang.backend.reference import skip
from alphalang.ops.registry import register
from alphalang.ops.spec import (
    SAME,
    ArgKind,
    LookbackRule,
    OpSpec,
    Param,
    ResultKind,
    lag_rows,
    same_as_inputs,
    window_rows,
)

_STRICT = "NaN in warm-up and whenever any value in the window is NaN or ±inf"
_XD = (Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW))
_XYD = (Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES), Param("d", ArgKind.WINDOW))


def time_series(name: str, *, params: tuple[Param, ...] = _XD, nan_rule: str = _STRICT,
                lookback: LookbackRule = window_rows, **fields) -> OpSpec:
    """Declare a time-series operator lowered by the numba kernel family of the same name; ``fields`` are the
    rest of :class:`OpSpec` (reference, doc, example, aliases)."""
    return register(OpSpec(name=name, params=params, result=ResultKind.TIME_SERIES, nan_rule=nan_rule,
                           lookback=lookback, lowering=name, category="time-series", **fields))


_XL = (Param("x", ArgKind.SERIES), Param("d", ArgKind.LAG))
time_series(
    "delay",
    reference=ref.delay, skip=SAME,
    doc="x from d rows ago (a shift; ±inf pass through).",
    example="delay(close, 1)",
    params=_XL,
    aliases=("ts_delay",),
    nan_rule="NaN for t < d; otherwise x[t-d] unchanged",
    lookback=lag_rows,
)
time_series(
    "delta",
    reference=ref.delta, skip=SAME,
    doc="x - delay(x, d).",
    example="delta(close, 5)",
    params=_XL,
    aliases=("ts_delta",),
    nan_rule="IEEE subtraction of x and delay(x, d)",
    lookback=lag_rows,
)
time_series("ts_sum", reference=ref.ts_sum, skip=skip.ts_sum, doc="Sum over the window.", example="sum(returns, 250)",
            aliases=("sum",))
time_series(
    "ts_mean", reference=ref.ts_mean, skip=skip.ts_mean, doc="Mean over the window.", example="ts_mean(close, 20)",
    aliases=("sma",),
)
time_series(
    "ts_std",
    reference=ref.ts_std, skip=skip.ts_std,
    doc="Sample standard deviation (ddof 1); d = 1 gives NaN.",
    example="stddev(returns, 20)",
    aliases=("stddev", "ts_std_dev"),
)
time_series(
    "ts_var", reference=ref.ts_var, skip=skip.ts_var, doc="Sample variance (ddof 1); d = 1 gives NaN.",
    example="ts_var(returns, 20)",
)
time_series("ts_min", reference=ref.ts_min, skip=skip.ts_min, doc="Minimum over the window.", example="ts_min(low, 10)")
time_series("ts_max", reference=ref.ts_max, skip=skip.ts_max, doc="Maximum over the window.",
            example="ts_max(high, 10)")
time_series(
    "ts_argmax",
    reference=ref.ts_argmax, skip=skip.ts_argmax,
    doc="1-based position of the window max counted from the oldest row (1 = oldest, "
    "d = today); ties go to the oldest.",
    example="ts_argmax(close, 30)",
)
time_series(
    "ts_argmin",
    reference=ref.ts_argmin, skip=skip.ts_argmin,
    doc="1-based position of the window min counted from the oldest row; ties go to the oldest.",
    example="ts_argmin(close, 30)",
)
time_series(
    "ts_arg_max_days",
    reference=ref.ts_arg_max_days, skip=skip.ts_arg_max_days,
    doc="Days since the window max (0 = today); ties go to the oldest occurrence. Equals d - ts_argmax(x, d).",
    example="ts_arg_max_days(close, 30)",
)
time_series(
    "ts_arg_min_days",
    reference=ref.ts_arg_min_days, skip=skip.ts_arg_min_days,
    doc="Days since the window min (0 = today); ties go to the oldest occurrence.",
    example="ts_arg_min_days(close, 30)",
)
time_series(
    "ts_rank",
    reference=ref.ts_rank, skip=skip.ts_rank,
    doc="Today's average-tie rank within the window divided by d, in (0, 1] (pandas-ref profile: the rank 1..d).",
    example="ts_rank(volume, 10)",
)
time_series(
    "ts_product",
    reference=ref.ts_product, skip=skip.ts_product,
    doc="Product over the window.",
    example="product(close / delay(close, 1), 10)",
    aliases=("product",),
)
time_series(
    "ts_corr",
    reference=ref.ts_corr, skip=skip.ts_corr,
    doc="Pearson correlation over the window, clipped to [-1, 1]; NaN if either window is exactly constant.",
    example="correlation(close, volume, 10)",
    params=_XYD,
    aliases=("correlation",),
)
time_series(
    "ts_cov",
    reference=ref.ts_cov, skip=skip.ts_cov,
    doc="Sample covariance (ddof 1) over the window.",
    example="covariance(close, volume, 5)",
    params=_XYD,
    aliases=("covariance",),
)
time_series(
    "decay_linear",
    reference=ref.decay_linear, skip=skip.decay_linear,
    doc="Linearly weighted mean: weight d on today down to 1 on the oldest row, divided by d(d+1)/2.",
    example="decay_linear(close, 10)",
    aliases=("ts_decay_linear", "wma", "decaylinear"),
    spellings=(("brain", "ts_decay_linear"), ("qlib", "WMA"), ("gtja", "DECAYLINEAR"), ("kunquant", "DecayLinear")),
)
time_series(
    "ts_zscore",
    reference=ref.ts_zscore, skip=skip.ts_zscore,
    doc="(x - window mean) / window std (ddof 1); NaN for an exactly constant window.",
    example="ts_zscore(close, 20)",
)
time_series(
    "ts_skew",
    reference=ref.ts_skew, skip=skip.ts_skew,
    doc="Bias-corrected sample skewness over the window (as pandas rolling skew); NaN for d < 3 or a constant window.",
    example="ts_skew(returns, 60)",
    aliases=("ts_skewness",),
)
time_series(
    "ts_kurt",
    reference=ref.ts_kurt, skip=skip.ts_kurt,
    doc="Bias-corrected excess kurtosis over the window (as pandas rolling kurt); NaN for d < 4 or a constant window.",
    example="ts_kurt(returns, 60)",
    aliases=("ts_kurtosis",),
)
time_series(
    "ts_slope",
    reference=ref.ts_slope, skip=skip.ts_slope,
    doc="Least-squares slope of x against the row index over the window (per row).",
    example="ts_slope(close, 20)",
)
time_series(
    "ts_rsquare",
    reference=ref.ts_rsquare, skip=skip.ts_rsquare,
    doc="R^2 of the least-squares fit of x on the row index over the window; NaN for a constant window.",
    example="ts_rsquare(close, 20)",
)
time_series(
    "ts_resid",
    reference=ref.ts_resid, skip=skip.ts_resid,
    doc="Today's residual from the least-squares line of x on the row index over the window.",
    example="ts_resid(close, 20)",
)
time_series(
    "ts_ema",
    reference=ref.ts_ema, skip=skip.ts_ema,
    params=(Param("x", ArgKind.SERIES), Param("halflife", ArgKind.CONST, positive=True)),
    doc="Exponentially weighted mean, weight 0.5^(j/halflife) on the value j rows ago, over the rows since the "
    "last missing value (pandas ewm(halflife=h, adjust=True) per run of valid values).",
    example="ts_ema(close, 10)",
    lookback=same_as_inputs,
    nan_rule="NaN where x is missing; a missing value restarts the average (no warm-up rows)",
)
