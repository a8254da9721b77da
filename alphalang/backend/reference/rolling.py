"""Reference (numpy) implementations of the time-series operators.

Each windowed operator looks at rows t-d+1 .. t (today included) and is NaN during warm-up (t < d-1) and
whenever any value in the window is missing (NaN or ±inf). The computation is deliberately direct: a
sliding-window view and a whole-window formula, processed in row chunks so that memory stays bounded. The
statistics (sums, means, moments, regression) take their deviations from ``moments.normalise`` (scaled by a
power of two near 1e300, shifted by the window's oldest value, summed oldest first): two-pass and accurate
on ``1e15 + noise`` too. Slow is fine; obviously correct, and accurate, is the point.

Example:
    >>> import numpy as np
    >>> ts_mean(np.arange(5.0).reshape(5, 1), 3)[:, 0]
    array([nan, nan,  1.,  2.,  3.])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from alphalang.backend.reference.moments import constant, normalise, oldest_first_sum, sum_of_squares
from alphalang.backend.reference.ties import all_tie, oldest_extreme, snap_correlation, window_rank

_CHUNK_CELLS = 4_000_000  # window cells materialised at once (rows x assets x d)


def _rolling(fn, arrays, d: int) -> np.ndarray:
    """Apply ``fn(*windows) -> (rows, N)`` over all full windows; mask windows with a missing value."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    n_rows, n_assets = arrays[0].shape
    out = np.full((n_rows, n_assets), np.nan)
    if d > n_rows:
        return out
    views = [sliding_window_view(a, d, axis=0) for a in arrays]  # (T-d+1, N, d), oldest first
    step = max(1, _CHUNK_CELLS // max(1, n_assets * d))
    with np.errstate(all="ignore"):
        for s in range(0, n_rows - d + 1, step):
            wins = [v[s : s + step] for v in views]
            values = np.asarray(fn(*wins), dtype=np.float64)
            ok = np.ones(values.shape, dtype=bool)
            for w in wins:
                ok &= np.isfinite(w).all(axis=-1)
            out[s + d - 1 : s + d - 1 + len(values)] = np.where(ok, values, np.nan)
    return out


def _undefined(arrays, d: int) -> np.ndarray:
    """All NaN (a statistic that needs more rows than the window has)."""
    return _rolling(lambda *w: np.full(w[0].shape[:-1], np.nan), arrays, d)


def delay(x, d: int):
    """x[t - d]; values pass through unchanged (±inf included)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    if d == 0:
        return x.copy()
    if d < len(x):
        out[d:] = x[:-d]
    return out


def delta(x, d: int):
    """x - delay(x, d), IEEE subtraction."""
    with np.errstate(all="ignore"):
        return np.asarray(x, dtype=np.float64) - delay(x, d)


def ts_sum(x, d: int):
    """d times the pivot plus the values' offsets from it (``moments``)."""

    def total(w):
        win = normalise(w)
        return (d * win.p + oldest_first_sum(win.y)) * win.s

    return _rolling(total, [x], d)


def ts_mean(x, d: int):
    """The window mean: the pivot plus the mean offset from it; exactly the value itself over an exactly
    constant window, where every offset is 0 (a mean summed from the values can be an ulp off, and
    ``x - ts_mean(x, d)`` of a halted asset would then rank rounding noise)."""

    def mean(w):
        win = normalise(w)
        return (win.p + win.mean) * win.s

    return _rolling(mean, [x], d)


def ts_var(x, d: int):
    """Sample variance (ddof 1), two-pass; d = 1 gives NaN; ±inf / 0 only where the true value is beyond the
    float range."""

    def var(w):
        win = normalise(w)
        return sum_of_squares(win.c) / (d - 1) * win.s * win.s

    return _rolling(var, [x], d) if d > 1 else _undefined([x], d)


def ts_std(x, d: int):
    """Sample standard deviation (ddof 1), finite wherever the true value is (also if its square is not)."""

    def std(w):
        win = normalise(w)
        return np.sqrt(sum_of_squares(win.c) / (d - 1)) * win.s

    return _rolling(std, [x], d) if d > 1 else _undefined([x], d)


def ts_min(x, d: int):
    return _rolling(lambda w: w.min(axis=-1), [x], d)


def ts_max(x, d: int):
    return _rolling(lambda w: w.max(axis=-1), [x], d)


def ts_argmax(x, d: int):
    """1-based position of the max counted from the oldest row (d = today); ties (``ties``) go to the oldest."""
    return _rolling(lambda w: oldest_extreme(w, largest=True) + 1.0, [x], d)


def ts_argmin(x, d: int):
    return _rolling(lambda w: oldest_extreme(w, largest=False) + 1.0, [x], d)


def ts_arg_max_days(x, d: int):
    """Days since the window max (0 = today); ties go to the oldest occurrence."""
    return _rolling(lambda w: (d - 1.0) - oldest_extreme(w, largest=True), [x], d)


def ts_arg_min_days(x, d: int):
    return _rolling(lambda w: (d - 1.0) - oldest_extreme(w, largest=False), [x], d)


def ts_rank(x, d: int):
    """(count of window values below today + (count tying today, itself included, + 1) / 2) / d; ties as
    ``ties``."""
    return _rolling(lambda w: window_rank(w) / d, [x], d)


def ts_product(x, d: int):
    return _rolling(lambda w: w.prod(axis=-1), [x], d)


def ts_cov(x, y, d: int):
    """Sample covariance (ddof 1); d = 1 gives NaN."""

    def cov(a, b):
        wa, wb = normalise(a), normalise(b)
        return oldest_first_sum(wa.c * wb.c) / (d - 1) * wa.s * wb.s

    return _rolling(cov, [x, y], d) if d > 1 else _undefined([x, y], d)


def ts_corr(x, y, d: int):
    """Pearson correlation; NaN if either window is constant (exactly, or all its values tie: ``ties``);
    clipped to [-1, 1]; within 2^-40 of 0 or +-1 it is that value (``ties.snap_correlation``)."""

    def corr(a, b):
        ca, cb = normalise(a).c, normalise(b).c  # the correlation is scale-free
        r = oldest_first_sum(ca * cb) / np.sqrt(sum_of_squares(ca) * sum_of_squares(cb))
        r = snap_correlation(np.clip(r, -1.0, 1.0))
        return np.where(all_tie(a) | all_tie(b), np.nan, r)

    return _rolling(corr, [x, y], d)


def decay_linear(x, d: int):
    """Weighted mean with weight d on today down to 1 on the oldest row, normalised by d(d+1)/2: the pivot
    plus the weighted mean offset; exactly the value itself over an exactly constant window (as ``ts_mean``)."""
    weights = np.arange(1, d + 1, dtype=np.float64)

    def decay(w):
        win = normalise(w)
        return (win.p + oldest_first_sum(win.y * weights) / weights.sum()) * win.s

    return _rolling(decay, [x], d)


def ts_zscore(x, d: int):
    """(today - window mean) / window std (ddof 1); NaN for an exactly constant window."""

    def zscore(w):
        c = normalise(w).c  # scale-free
        return np.where(constant(w), np.nan, c[..., -1] / np.sqrt(sum_of_squares(c) / (d - 1)))

    return _rolling(zscore, [x], d) if d > 1 else _undefined([x], d)


def ts_skew(x, d: int):
    """Bias-corrected sample skewness (pandas' rolling skew); NaN for d < 3 or a constant window."""

    def skew(w):
        c = normalise(w).c  # scale-free
        m2 = sum_of_squares(c) / d
        m3 = oldest_first_sum(c * c * c) / d
        g1 = m3 / (m2 * np.sqrt(m2)) * np.sqrt(d * (d - 1.0)) / (d - 2.0)
        return np.where(constant(w), np.nan, g1)

    return _rolling(skew, [x], d) if d > 2 else _undefined([x], d)


def ts_kurt(x, d: int):
    """Bias-corrected excess kurtosis (pandas' rolling kurt); NaN for d < 4 or a constant window."""

    def kurt(w):
        c = normalise(w).c  # scale-free
        s2 = sum_of_squares(c)
        c2 = c * c
        s4 = oldest_first_sum(c2 * c2)
        n = float(d)
        k = (n + 1) * n * (n - 1) / ((n - 2) * (n - 3)) * s4 / (s2 * s2) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
        return np.where(constant(w), np.nan, k)

    return _rolling(kurt, [x], d) if d > 3 else _undefined([x], d)


def _time_regression(w: np.ndarray, d: int):
    """Least squares of the window on the time index 0..d-1, in the window's scale (``moments``):
    (slope, centred x, centred time, the scale s)."""
    u = np.arange(d, dtype=np.float64) - (d - 1) / 2.0
    win = normalise(w)
    slope = oldest_first_sum(win.c * u) / (u * u).sum()
    return slope, win.c, u, win.s


def ts_slope(x, d: int):
    """Slope of x against the time index over the window (per row); d = 1 gives NaN."""

    def slope(w):
        b, _, _, s = _time_regression(w, d)
        return b * s

    return _rolling(slope, [x], d) if d > 1 else _undefined([x], d)


def ts_rsquare(x, d: int):
    """R^2 of x regressed on the time index; NaN for d = 1 or an exactly constant window."""

    def rsq(w):
        slope, c, u, _ = _time_regression(w, d)
        r2 = slope * slope * (u * u).sum() / sum_of_squares(c)
        return np.where(constant(w), np.nan, np.clip(r2, 0.0, 1.0))

    return _rolling(rsq, [x], d) if d > 1 else _undefined([x], d)


def ts_resid(x, d: int):
    """Today's residual from the time-index regression over the window; d = 1 gives NaN."""

    def resid(w):
        slope, c, u, s = _time_regression(w, d)
        return (c[..., -1] - slope * u[-1]) * s

    return _rolling(resid, [x], d) if d > 1 else _undefined([x], d)


def ts_ema(x, halflife: float):
    """Exponentially weighted mean, weight 0.5^(j/halflife) on the value j rows ago, over the rows since
    the last missing value (pandas ``ewm(halflife=h, adjust=True).mean()`` on each run of valid values);
    NaN where x is missing."""
    x = np.asarray(x, dtype=np.float64)
    decay = 0.5 ** (1.0 / halflife)
    out = np.full(x.shape, np.nan)
    num = np.zeros(x.shape[1])
    den = np.zeros(x.shape[1])
    for t in range(len(x)):
        ok = np.isfinite(x[t])
        num = np.where(ok, decay * num + np.where(ok, x[t], 0.0), 0.0)
        den = np.where(ok, decay * den + 1.0, 0.0)
        out[t] = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
    return out
