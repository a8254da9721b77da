"""Independent oracles for the regression operators (registered into ``ref_oracles.ORACLES``).

Every window's regression of y on x (x lagged by ``lag`` rows with plain indexing) is solved twice: by
numpy ``lstsq`` on the window centred with ``math.fsum`` means (design ``[1, x - mean x]``), and by
statsmodels ``OLS`` (``params``, ``resid``, ``ssr``, ``centered_tss``, ``rsquared``, ``mse_resid``,
``cov_params``) on the window shifted by its means, the intercept shifted back. The semantics' rules are
applied on top: the strict window rule, NaN but SST for an exactly constant x window, R^2 NaN for an exactly
constant y window, MSE and standard errors only for d >= 3, R^2 clipped to [0, 1].

Tolerances follow the conditioning of each statistic: the data are known to ``EPS`` of their magnitudes, so a
residual is uncertain by ``delta = 64 d EPS (max|y| + |beta| max|x|)``; the slope by that over the spread of x;
sums of squares by ``2 d`` times the residual spread times ``delta``; and so on (``_atol``).
"""

from __future__ import annotations

import math

import numpy as np
import statsmodels.api as sm
from ref_oracles import EPS, clean, example, oracle, per_window

from alphalang.backend.reference.regression import RETTYPES

nan = math.nan


def _lagged(x: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(np.shape(x), nan)
    rows = len(out)
    for t in range(int(lag), rows):
        out[t] = x[t - int(lag)]
    return out


def _stats_lstsq(ys: np.ndarray, xs: np.ndarray) -> dict[str, float]:
    d = len(ys)
    mx, my = math.fsum(xs) / d, math.fsum(ys) / d
    design = np.column_stack([np.ones(d), xs - mx])
    (a0, beta), *_ = np.linalg.lstsq(design, ys - my, rcond=None)
    fitted = a0 + beta * (xs - mx)  # of y - mean y
    resid = (ys - my) - fitted
    sse = math.fsum(resid * resid)
    sst = math.fsum((ys - my) ** 2)
    sxx = math.fsum((xs - mx) ** 2)
    mse = sse / (d - 2) if d > 2 else nan
    return {"error": resid[-1], "intercept": my + a0 - beta * mx, "slope": beta, "estimate": my + fitted[-1],
            "sse": sse, "sst": sst, "rsquare": 1 - sse / sst if sst > 0 else nan, "mse": mse,
            "se_slope": math.sqrt(mse / sxx), "se_intercept": math.sqrt(mse * (1 / d + mx * mx / sxx))}


def _stats_statsmodels(ys: np.ndarray, xs: np.ndarray) -> dict[str, float]:
    """statsmodels on the window shifted by its means (on raw ``1e8 + noise`` its pseudo-inverse calls the design
    rank-deficient); the intercept and its variance are shifted back: ``alpha = alpha' + my - beta mx``,
    ``Var(alpha) = Var(alpha') + mx^2 Var(beta) - 2 mx Cov(alpha', beta)``."""
    d = len(ys)
    mx, my = math.fsum(xs) / d, math.fsum(ys) / d
    fit = sm.OLS(ys - my, sm.add_constant(xs - mx, has_constant="add")).fit()
    alpha, beta = fit.params
    mse = fit.mse_resid if d > 2 else nan
    cov = fit.cov_params() if d > 2 else np.full((2, 2), nan)
    var_alpha = cov[0, 0] + mx * mx * cov[1, 1] - 2 * mx * cov[0, 1]
    return {"error": fit.resid[-1], "intercept": alpha + my - beta * mx, "slope": beta,
            "estimate": fit.fittedvalues[-1] + my, "sse": fit.ssr, "sst": fit.centered_tss, "rsquare": fit.rsquared,
            "mse": mse, "se_slope": math.sqrt(cov[1, 1]), "se_intercept": math.sqrt(max(var_alpha, 0.0))}


def _atol(name: str, ys: np.ndarray, xs: np.ndarray, value: float, beta: float) -> float:
    """How far a correct float evaluation may be from the exact value (module docstring)."""
    d = len(ys)
    mx = math.fsum(xs) / d
    spread_x = math.sqrt(math.fsum((xs - mx) ** 2) / d)
    spread_y = float(np.std(ys))
    delta = 64 * d * EPS * (np.max(np.abs(ys)) + abs(beta) * np.max(np.abs(xs)))
    lever = 1 + np.max(np.abs(xs - mx)) / spread_x
    squares = 2 * d * (spread_y + delta) * delta * lever
    if name == "slope":
        return delta / spread_x
    if name in ("error", "estimate"):
        return delta * lever
    if name == "intercept":
        return delta * (1 + abs(mx) / spread_x) * lever
    if name in ("sse", "sst"):
        return squares
    if name == "rsquare":
        return squares / max(d * spread_y * spread_y, 1e-300)
    if name == "mse":
        return squares / max(d - 2, 1)
    sxx = d * spread_x * spread_x
    mse_error = squares / max(d - 2, 1)
    if name == "se_slope":
        return math.sqrt(mse_error / sxx) + abs(value) * 1e-6
    return math.sqrt(mse_error * (1 / d + (abs(mx) + delta) ** 2 / sxx)) + abs(value) * 1e-6


def _regression(solve, y, x, d, lag=0, rettype=0):
    name = RETTYPES[int(rettype)]

    def stat(my_, mx_):
        values, atol = [], []
        for ys, xs in zip(my_.T, mx_.T, strict=True):
            if not (np.isfinite(ys).all() and np.isfinite(xs).all()):
                values.append(nan)
                atol.append(0.0)
                continue
            if len(set(xs.tolist())) == 1:  # exactly constant x: no slope
                values.append(math.fsum((ys - math.fsum(ys) / d) ** 2) if name == "sst" else nan)
                atol.append(64 * d * d * EPS * float(np.max(np.abs(ys))) ** 2)
                continue
            with np.errstate(all="ignore"):
                stats = solve(ys, xs)
            value = float(stats[name])
            if name == "rsquare":  # 1 - SSE / SST: 0 / 0 for an exactly constant y; clipped to [0, 1]
                value = nan if len(set(ys.tolist())) == 1 else min(1.0, max(0.0, value))
            values.append(value)
            atol.append(_atol(name, ys, xs, value, float(stats["slope"])))
        return np.array(values), np.array(atol)

    return per_window(stat, clean(y), _lagged(clean(x), lag), d=d)


@oracle("ts_regression", "numpy lstsq, centred windows")
def _ts_regression_lstsq(y, x, d, lag=0, rettype=0):
    return _regression(_stats_lstsq, y, x, d, lag, rettype)


@oracle("ts_regression", "statsmodels OLS")
def _ts_regression_sm(y, x, d, lag=0, rettype=0):
    return _regression(_stats_statsmodels, y, x, d, lag, rettype)


@oracle("regbeta", "numpy lstsq, centred windows")
def _regbeta(y, x, d):
    return _regression(_stats_lstsq, y, x, d, 0, 2)


@oracle("regresi", "statsmodels OLS")
def _regresi(y, x, d):
    return _regression(_stats_statsmodels, y, x, d, 0, 0)


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


# y = 1 3 4 on x = 0 1 2: mean x 1, mean y 8/3, Sxx 2, Sxy = (-1)(-5/3) + 0 + (1)(4/3) = 3: beta 3/2,
# alpha 8/3 - 3/2 = 7/6; fitted 7/6, 8/3, 25/6; residuals -1/6, 1/3, -1/6: SSE 1/6; SST 14/3; R^2 1 - 1/28;
# MSE 1/6; SE beta sqrt(1/12); SE alpha sqrt(1/6 (1/3 + 1/2))
_Y, _X = col(1, 3, 4), col(0, 1, 2)
for _r, _v in enumerate([-1 / 6, 7 / 6, 1.5, 25 / 6, 1 / 6, 14 / 3, 27 / 28, 1 / 6, math.sqrt(1 / 12),
                         math.sqrt(5 / 36)]):
    example("ts_regression", (_Y, _X, 3, 0, _r), col(nan, nan, _v))
# lag 1: y_t on x_{t-1}: the windows (y 3 4 | x 0 1) and (y 4 9 | x 1 2) of d = 2: slopes 1 and 5
example("ts_regression", (col(1, 3, 4, 9), col(0, 1, 2, 5), 2, 1, 2), col(nan, nan, 1, 5))
example("ts_regression", (col(1, 2, 3), col(5, 5, 5), 3, 0, 2), col(nan, nan, nan))  # constant x: no slope
example("ts_regression", (col(1, 2, 3), col(5, 5, 5), 3, 0, 5), col(nan, nan, 2))  # ... but SST
example("ts_regression", (col(7, 7, 7), col(1, 2, 4), 3, 0, 6), col(nan, nan, nan))  # constant y: R^2 0/0
example("ts_regression", (col(7, 7, 7), col(1, 2, 4), 3, 0, 1), col(nan, nan, 7))  # ... intercept the value
example("ts_regression", (col(1, 3), col(0, 1), 2, 0, 7), col(nan, nan))  # MSE needs d >= 3
example("regbeta", (_Y, _X, 3), col(nan, nan, 1.5))
example("regresi", (col(1, 3, 4, nan), col(0, 1, 2, 3), 3), col(nan, nan, -1 / 6, nan))
