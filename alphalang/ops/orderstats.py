"""Rolling order statistics (ts_quantile, ts_median, ts_mad, ts_max_drawdown): numba families ``orderstat`` (two
heaps, O(log d) per update), ``mad`` and ``drawdown``; a whole-window formula in the reference
(``reference/orderstats.py``)."""

from __future__ import annotations

from alphalang.backend.reference import orderstats as ref
from alphalang.backend.reference import skip
from alphalang.ops.spec import ArgKind, Param
from alphalang.ops.timeseries import time_series

_Q = Param("q", ArgKind.CONST, default=0.5, bounds=(0.0, 1.0))

time_series(
    "ts_quantile",
    reference=ref.ts_quantile,
    skip=skip.ts_quantile,
    params=(Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW), _Q),
    doc="The q-quantile of the window (q in [0, 1]), linearly interpolated as pandas rolling quantile: "
    "at k = q (d - 1), lo + (hi - lo) (k - floor k).",
    example="ts_quantile(close, 20, 0.25)",
    spellings=(("qlib", "Quantile"), ("kunquant", "WindowedQuantile")),
)
time_series(
    "ts_median",
    reference=ref.ts_median,
    skip=skip.ts_median,
    doc="Median of the window: the middle value, or the mean of the two middle values (d even).",
    example="ts_median(close, 10)",
    spellings=(("brain", "ts_median"), ("qlib", "Med"), ("alphagen", "Med")),
)
time_series(
    "ts_mad",
    reference=ref.ts_mad,
    skip=skip.ts_mad,
    doc="Mean absolute deviation around the window mean: mean(|x - ts_mean(x, d)|) over the window.",
    example="ts_mad(returns, 20)",
    spellings=(("qlib", "Mad"), ("alphagen", "Mad")),
)
time_series(
    "ts_max_drawdown",
    reference=ref.ts_max_drawdown,
    skip=skip.ts_max_drawdown,
    doc="(peak - trough) / peak: peak the window max (oldest if tied), trough the min from it to today "
    "(KunQuant WindowedMaxDrawdown); 0 when today is the high.",
    example="ts_max_drawdown(close, 20)",
    spellings=(("kunquant", "WindowedMaxDrawdown"),),
)
