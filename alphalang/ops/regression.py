"""Regression over time: ts_regression with BRAIN's return types (GTJA REGBETA/REGRESI).

One kernel entry, the internal ``ts_regression_core(y, x, d, rettype)`` (numba family ``regression``, O(1) per
update on ``comoments``' state); ``ts_regression`` lags x by ``lag`` rows (a ``delay`` node, so the lookback
counts it) and ``regbeta`` / ``regresi`` pick the slope / the error term: compositions of it.
"""

from __future__ import annotations

from alphalang.backend.reference import regression as ref
from alphalang.ops.spec import ArgKind, Param
from alphalang.ops.timeseries import time_series

_RETTYPE = Param("rettype", ArgKind.CONST, default=0.0, bounds=(0.0, 9.0))
_YXD = (Param("y", ArgKind.SERIES), Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW))
_RULE = ("NaN in warm-up and whenever y or x is missing in the window (nan=\"skip\": over the complete pairs, at "
         "least max(min_periods, 2); error and estimate need today's pair); a constant x window has no slope (NaN "
         "but SST); MSE and standard errors need d >= 3 (points)")

time_series(
    "ts_regression_core",
    reference=ref.regression,
    skip=ref.regression_skip,
    params=(*_YXD, _RETTYPE),
    doc="Least squares of y on x over the window (ts_regression without the lag).",
    example="ts_regression(close, volume, 10, rettype=2)",
    nan_rule=_RULE,
    internal=True,
)
time_series(
    "ts_regression",
    reference=ref.ts_regression,
    params=(*_YXD, Param("lag", ArgKind.LAG, default=0.0), _RETTYPE),
    expansion="ts_regression_core(y, delay(x, lag), d, rettype)",
    doc="Least squares y = alpha + beta x[t-lag] over the window; rettype (BRAIN's; a fraction is floored): 0 "
    "error y - estimate (today), 1 alpha, 2 beta, 3 estimate alpha + beta x, 4 SSE, 5 SST, 6 R^2 = 1 - SSE/SST, "
    "7 MSE = SSE/(d-2), 8 SE of beta sqrt(MSE/Sxx), 9 SE of alpha sqrt(MSE (1/d + mean(x)^2/Sxx)).",
    example="ts_regression(returns, ts_mean(returns, 5), 60, lag=1, rettype=2)",
    nan_rule=_RULE,
    spellings=(("brain", "ts_regression"),),
)
time_series(
    "regbeta",
    reference=ref.regbeta,
    params=_YXD,
    expansion="ts_regression_core(y, x, d, 2)",
    doc="GTJA's REGBETA(A, B, n): the slope of the least-squares regression of A on B over n rows "
    "(ts_regression rettype 2).",
    example="regbeta(close, ts_mean(close, 5), 20)",
    nan_rule=_RULE,
    spellings=(("gtja", "REGBETA"),),
)
time_series(
    "regresi",
    reference=ref.regresi,
    params=_YXD,
    expansion="ts_regression_core(y, x, d, 0)",
    doc="GTJA's REGRESI(A, B, n): today's residual of the least-squares regression of A on B over n rows "
    "(ts_regression rettype 0).",
    example="regresi(returns, ts_mean(returns, 5), 60)",
    nan_rule=_RULE,
    spellings=(("gtja", "REGRESI"),),
)
