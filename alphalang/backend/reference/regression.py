"""Reference (numpy) implementation of the least-squares regression of y on x over a window: BRAIN's
``ts_regression`` return types (GTJA's REGBETA is the slope, REGRESI the residual).

Each window (rows t-d+1 .. t, strict: any missing value of x or y gives NaN) is normalised as every other
window statistic (``moments.normalise``: scaled by a power of two, shifted by its oldest value, centred; sums
oldest first), so ``1e8 + noise`` keeps its digits. With ``cx, cy`` the centred (scaled) windows,
``Cxx = sum cx^2``, ``Cyy = sum cy^2``, ``Cxy = sum cx cy`` and the slope ``b = Cxy / Cxx`` (in the scales):

====  ===================  =============================================================
 0    error term           ``y_t - (alpha + beta x_t)``: ``(cy_t - b cx_t) * s_y``
 1    intercept alpha      ``mean(y) - beta mean(x)``
 2    slope beta           ``b * s_y / s_x``
 3    estimate             ``alpha + beta x_t``: ``(mean(y) / s_y + b cx_t) * s_y``
 4    SSE                  ``sum (y - alpha - beta x)^2 = max(Cyy - b Cxy, 0) * s_y^2``
 5    SST                  ``sum (y - mean y)^2 = Cyy * s_y^2``
 6    R^2                  ``1 - SSE / SST = b Cxy / Cyy``, clipped to [0, 1]
 7    MSE                  ``SSE / (d - 2)``
 8    SE of the slope      ``sqrt(MSE / Sxx)``, ``Sxx = sum (x - mean x)^2``
 9    SE of the intercept  ``sqrt(MSE (1 / d + mean(x)^2 / Sxx))``
====  ===================  =============================================================

(the standard OLS standard errors, as statsmodels' ``bse``). An exactly constant x window has no slope:
NaN for every return type but SST; an exactly constant y window (x not) has slope, error, SSE and SST
exactly 0 and R^2 NaN. MSE and the standard errors need d >= 3.

Under the NaN policy skip (``regression_skip``): the same over the window's complete pairs, their count in
place of d.

Example:
    >>> import numpy as np
    >>> x, y = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0], [3.0], [4.0]])
    >>> [round(float(regression(y, x, 3, r)[2, 0]), 6) for r in (0, 1, 2, 3)]  # fit 7/6 + 1.5 x; 4 - 25/6
    [-0.166667, 1.166667, 1.5, 4.166667]
"""

from __future__ import annotations

import numpy as np

from alphalang.backend.reference.moments import Window, normalise, normalise_valid, oldest_first_sum, sum_of_squares
from alphalang.backend.reference.rolling import _rolling, delay

RETTYPES = ("error", "intercept", "slope", "estimate", "sse", "sst", "rsquare", "mse", "se_slope", "se_intercept")


def statistic(kind: int, wy: Window, wx: Window, n) -> np.ndarray:
    """Return type ``kind`` (the module docstring's table) of the least squares of the normalised windows ``wy`` on
    ``wx`` over ``n`` points (d, or under the NaN policy skip the count of complete pairs)."""
    cxx, cyy = sum_of_squares(wx.c), sum_of_squares(wy.c)
    cxy = oldest_first_sum(wx.c * wy.c)
    b = cxy / cxx  # the slope in the windows' scales
    mean_x = (wx.p + wx.mean) * wx.s
    mean_y = (wy.p + wy.mean) * wy.s
    slope = b * wy.s / wx.s
    sse = np.maximum(cyy - b * cxy, 0.0) * wy.s * wy.s
    mse = np.where(np.asarray(n) > 2, sse / np.maximum(np.asarray(n) - 2.0, 1.0), np.nan)
    sxx = cxx * wx.s * wx.s
    values = (
        lambda: (wy.c[..., -1] - b * wx.c[..., -1]) * wy.s,
        lambda: mean_y - slope * mean_x,
        lambda: slope,
        lambda: (wy.p + wy.mean + b * wx.c[..., -1]) * wy.s,
        lambda: sse,
        lambda: cyy * wy.s * wy.s,
        lambda: np.clip(b * cxy / cyy, 0.0, 1.0),
        lambda: mse,
        lambda: np.sqrt(mse / sxx),
        lambda: np.sqrt(mse * (1.0 / n + mean_x * mean_x / sxx)),
    )
    return values[kind]()


def regression(y, x, d: int, rettype: float = 0) -> np.ndarray:
    """The ``rettype`` statistic (see the module docstring) of the regression of y on x over each window."""
    kind = int(rettype)
    return _rolling(lambda wy, wx: statistic(kind, normalise(wy), normalise(wx), d), [y, x], d)


def regression_skip(y, x, d: int, rettype: float, m: int) -> np.ndarray:
    """``regression`` under the NaN policy skip: over the window's complete pairs (both finite), with their count
    in place of d; NaN when fewer than ``max(m, 2)`` pairs are complete, and for the error term and the estimate
    when today's pair is not.

    Example:
        >>> y = np.array([[1.0], [np.nan], [3.0], [4.0]]); x = np.array([[0.0], [5.0], [1.0], [2.0]])
        >>> float(regression_skip(y, x, 4, 2, 1)[3, 0])  # the pairs (0, 1), (1, 3), (2, 4): slope 1.5
        1.5
    """
    from alphalang.backend.reference.skip import _rolling as rolling_valid

    kind = int(rettype)

    def fit(wy, wx, valid):
        (ny, n), (nx, _) = normalise_valid(wy, valid), normalise_valid(wx, valid)
        return statistic(kind, ny, nx, n)

    return rolling_valid(fit, [y, x], d, m, needs=2, today=kind in (0, 3))


def ts_regression(y, x, d: int, lag: int = 0, rettype: float = 0) -> np.ndarray:
    """``regression`` of y on x lagged by ``lag`` rows (``y_t ~ alpha + beta x_{t-lag}``)."""
    return regression(y, delay(x, lag), d, rettype)


def regbeta(y, x, d: int) -> np.ndarray:
    return regression(y, x, d, 2)


def regresi(y, x, d: int) -> np.ndarray:
    return regression(y, x, d, 0)
