"""Exponential smoothing: EMA by span/alpha/half-life, ts_decay_exp_window, GTJA's SMA and WMA.

The EMAs are recursions without a finite window (like ``ts_ema``: no warm-up rows, a missing value gives NaN and
restarts the average; numba family ``expo``); ``adjust`` follows pandas ``ewm(adjust=...)``:
``adjust=1``: the weighted mean with weight ``(1 - alpha)^j`` on the value j rows ago since the last missing
value; ``adjust=0``: ``y = x`` at the first valid row, then ``y = (1 - alpha) y + alpha x``.
``ts_decay_exp_window`` is a finite window (strict window rule; numba family ``expwindow``).
"""

from __future__ import annotations

import math

from alphalang.backend.reference import exponential as ref
from alphalang.backend.reference import skip
from alphalang.ops.spec import ArgKind, Param, same_as_inputs
from alphalang.ops.timeseries import time_series

_RESTART = "NaN where x is missing (NaN or ±inf); a missing value restarts the average (no warm-up rows)"
_X = Param("x", ArgKind.SERIES)
_ADJUST = Param("adjust", ArgKind.CONST, default=1.0)  # 0 = false; any other value = true


def _ema(name: str, smoothing: Param, what: str, **fields) -> None:
    """Declare one EMA recursion (``smoothing`` says how alpha is given)."""
    time_series(name, params=(_X, smoothing, _ADJUST), nan_rule=_RESTART, lookback=same_as_inputs,
                doc=f"Exponential moving average with {what}, as pandas ewm(..., adjust=adjust) on each run of "
                "valid values; adjust=1: weights (1-alpha)^j normalised; adjust=0: y = (1-alpha) y + alpha x "
                "from y = x.", **fields)


_ema("ts_ema_span", Param("span", ArgKind.WINDOW), "alpha = 2 / (span + 1) (span: rows, floored like a window)",
     reference=ref.ts_ema_span, skip=skip.ts_ema_span, example="ts_ema_span(close, 10, adjust=0)",
     # qlib EMA(x, N) is ewm(span=N) with pandas' default adjust=True; KunQuant's ExpMovingAvg is adjust=False
     spellings=(("qlib", "EMA"), ("kunquant", "ExpMovingAvg")))
_ALPHA = Param("alpha", ArgKind.CONST, positive=True, bounds=(0.0, 1.0))
_ema("ts_ema_alpha", _ALPHA, "smoothing factor alpha in (0, 1]",
     reference=ref.ts_ema_alpha, skip=skip.ts_ema_alpha, example="ts_ema_alpha(close, 0.1)")
_ema("ts_ema_halflife", Param("halflife", ArgKind.CONST, positive=True), "alpha = 1 - 0.5^(1 / halflife)",
     reference=ref.ts_ema_halflife, skip=skip.ts_ema_halflife, example="ts_ema_halflife(close, 5, adjust=0)")
time_series(
    "ts_sma_gtja",
    reference=ref.ts_sma_gtja, skip=skip.ts_sma_gtja,
    params=(_X, Param("n", ArgKind.WINDOW), Param("m", ArgKind.CONST, default=1.0, positive=True)),
    doc="GTJA's SMA(A, n, m): Y = (m A + (n - m) Y') / n, started at Y = A on the first valid row (pandas "
    "ewm(alpha=m/n, adjust=False) on each run of valid values; m <= n).",
    example="ts_sma_gtja(close, 20, 2)",
    nan_rule=_RESTART,
    lookback=same_as_inputs,
    spellings=(("gtja", "SMA"),),
)
time_series(
    "ts_decay_exp_window",
    reference=ref.ts_decay_exp_window,
    skip=skip.ts_decay_exp_window,
    params=(_X, Param("d", ArgKind.WINDOW), Param("factor", ArgKind.CONST, default=1.0, bounds=(0.0, math.inf))),
    doc="Exponentially weighted window mean: sum_{i<d} x[t-i] factor^i / sum_{i<d} factor^i (today weight 1; "
    "factor 1 is ts_mean).",
    example="ts_decay_exp_window(close, 10, factor=0.5)",
    spellings=(("brain", "ts_decay_exp_window"),),
)
time_series(
    "ts_wma_gtja",
    reference=ref.ts_wma_gtja,
    expansion="ts_decay_exp_window(x, d, 0.9)",
    doc="GTJA's WMA(A, n): the window mean with weight 0.9^i on the value i rows ago (today 1), divided by the "
    "weights' sum; ts_decay_exp_window(x, d, 0.9). (Not qlib's WMA, which is decay_linear.)",
    example="ts_wma_gtja(close, 12)",
    spellings=(("gtja", "WMA"),),
)
time_series(
    "ts_ema_window",
    reference=ref.ts_ema_window,
    expansion="ts_decay_exp_window(x, d, (d - 1) / (d + 1))",
    doc="alphagen's EMA(x, d): the span-d exponential weights over a finite window of d rows, weight "
    "(1 - 2/(d+1))^i on the value i rows ago, normalised; ts_decay_exp_window(x, d, (d-1)/(d+1)).",
    example="ts_ema_window(close, 10)",
    spellings=(("alphagen", "EMA"),),
)
