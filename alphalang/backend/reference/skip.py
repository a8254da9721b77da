"""Reference (numpy) time-series statistics under the NaN policy ``skip`` (``passes.nanpolicy``).

Each window holds rows t-d+1 .. t (rows before the first date count as missing, so the first windows are
partial); the statistic is computed over the window's valid (finite) values only and is NaN when fewer than
``m`` (the node's ``min_periods``) are valid; pandas' ``rolling(d, min_periods=m)`` with ±inf read as NaN. Two-
series statistics (ts_cov, ts_corr) use the rows where both are valid. The arithmetic is the strict
reference's (``moments.normalise_valid``: scaled, shifted by the oldest valid value, summed oldest first), with
the count of valid values in place of d:

* sum / mean / var / std / zscore / skew / kurt: over the valid values, ddof 1 (var and std need 2 valid
  values, skew 3, kurt 4; zscore is NaN when today's value is missing);
* decay_linear: the weights of the valid positions (d on today down to 1 on the oldest row) renormalised to
  sum to 1 (qlib's WMA instead takes ``nanmean(w * x)`` with weights that sum to 1 over the whole window);
* slope / rsquare / resid: the least-squares line through the valid (row, value) points (resid: NaN when
  today's value is missing);
* max / min and their positions: over the valid values, positions still counted in the d-row window; product:
  of the valid values; ts_rank: today's band rank among the valid values divided by their count (NaN when
  today's value is missing);
* ts_ema: pandas ``ewm(halflife=h, adjust=True, ignore_na=False, min_periods=m).mean()``: a missing value adds
  no weight but the older values' weights keep decaying; on a missing row the mean so far is repeated.

Example:
    >>> x = np.array([[1.0], [np.nan], [3.0], [np.inf], [np.nan]])
    >>> ts_mean(x, 3, 1)[:, 0]
    array([1., 1., 2., 3., 3.])
    >>> ts_mean(x, 3, 2)[:, 0]
    array([nan, nan,  2., nan, nan])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from alphalang.backend.reference.moments import normalise_valid, oldest_first_sum, sum_of_squares
from alphalang.backend.reference.ties import TOLERANCE, snap_correlation

_CHUNK_CELLS = 4_000_000  # window cells materialised at once (rows x assets x d)


def _rolling(fn, arrays, d: int, m: int, *, needs=1, today=False) -> np.ndarray:
    """``fn(*windows, valid) -> (rows, N)`` over every row's window (missing rows padded before the first
    date), the windows NaN outside ``valid`` (the positions where every array is finite); NaN where fewer than
    ``max(m, needs)`` values are valid or (``today``) today's value is missing."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    n_rows, n_assets = arrays[0].shape
    out = np.full((n_rows, n_assets), np.nan)
    pad = np.full((d - 1, n_assets), np.nan)
    views = [sliding_window_view(np.concatenate([pad, a]), d, axis=0) for a in arrays]  # (T, N, d) oldest first
    step = max(1, _CHUNK_CELLS // max(1, n_assets * d))
    with np.errstate(all="ignore"):
        for s in range(0, n_rows, step):
            wins = [v[s : s + step] for v in views]
            valid = np.ones(wins[0].shape, dtype=bool)
            for w in wins:
                valid &= np.isfinite(w)
            wins = [np.where(valid, w, np.nan) for w in wins]
            values = np.asarray(fn(*wins, valid), dtype=np.float64)
            ok = valid.sum(axis=-1) >= max(m, needs)
            if today:
                ok &= valid[..., -1]
            out[s : s + len(values)] = np.where(ok, values, np.nan)
    return out


def _width(w: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The tie width (``ties``) of each window's valid values."""
    return TOLERANCE * np.where(valid, np.abs(w), 0.0).max(axis=-1)


def _max(w: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The largest valid value of each window (-inf if none)."""
    return np.where(valid, w, -np.inf).max(axis=-1)


def _min(w: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The smallest valid value of each window (+inf if none)."""
    return np.where(valid, w, np.inf).min(axis=-1)


def _constant(w: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Windows whose valid values are all exactly equal."""
    return _max(w, valid) == _min(w, valid)


def _all_tie(w: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Windows whose valid values all tie (``ties.all_tie``)."""
    return _max(w, valid) - _min(w, valid) <= _width(w, valid)


def ts_sum(x, d: int, m: int):
    def total(w, valid):
        win, n = normalise_valid(w, valid)
        return (n * win.p + oldest_first_sum(win.y)) * win.s

    return _rolling(total, [x], d, m)


def ts_mean(x, d: int, m: int):
    def mean(w, valid):
        win, _ = normalise_valid(w, valid)
        return (win.p + win.mean) * win.s

    return _rolling(mean, [x], d, m)


def _spread(root: bool):
    def spread(w, valid):
        win, n = normalise_valid(w, valid)
        var = sum_of_squares(win.c) / (n - 1)
        return np.sqrt(var) * win.s if root else var * win.s * win.s

    return spread


def ts_var(x, d: int, m: int):
    return _rolling(_spread(False), [x], d, m, needs=2)


def ts_std(x, d: int, m: int):
    return _rolling(_spread(True), [x], d, m, needs=2)


def ts_zscore(x, d: int, m: int):
    def zscore(w, valid):
        win, n = normalise_valid(w, valid)
        return np.where(_constant(w, valid), np.nan, win.c[..., -1] / np.sqrt(sum_of_squares(win.c) / (n - 1)))

    return _rolling(zscore, [x], d, m, needs=2, today=True)


def ts_skew(x, d: int, m: int):
    def skew(w, valid):
        win, n = normalise_valid(w, valid)
        c = win.c
        m2 = sum_of_squares(c) / n
        m3 = oldest_first_sum(c * c * c) / n
        g1 = m3 / (m2 * np.sqrt(m2)) * np.sqrt(n * (n - 1.0)) / (n - 2.0)
        return np.where(_constant(w, valid), np.nan, g1)

    return _rolling(skew, [x], d, m, needs=3)


def ts_kurt(x, d: int, m: int):
    def kurt(w, valid):
        win, count = normalise_valid(w, valid)
        c = win.c
        s2 = sum_of_squares(c)
        c2 = c * c
        s4 = oldest_first_sum(c2 * c2)
        n = count.astype(np.float64)
        k = (n + 1) * n * (n - 1) / ((n - 2) * (n - 3)) * s4 / (s2 * s2) - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
        return np.where(_constant(w, valid), np.nan, k)

    return _rolling(kurt, [x], d, m, needs=4)


def ts_cov(x, y, d: int, m: int):
    def cov(a, b, valid):
        (wa, n), (wb, _) = normalise_valid(a, valid), normalise_valid(b, valid)
        return oldest_first_sum(wa.c * wb.c) / (n - 1) * wa.s * wb.s

    return _rolling(cov, [x, y], d, m, needs=2)


def ts_corr(x, y, d: int, m: int):
    def corr(a, b, valid):
        ca, cb = normalise_valid(a, valid)[0].c, normalise_valid(b, valid)[0].c
        r = oldest_first_sum(ca * cb) / np.sqrt(sum_of_squares(ca) * sum_of_squares(cb))
        r = snap_correlation(np.clip(r, -1.0, 1.0))
        return np.where(_all_tie(a, valid) | _all_tie(b, valid), np.nan, r)

    return _rolling(corr, [x, y], d, m, needs=2)


def decay_linear(x, d: int, m: int):
    weights = np.arange(1, d + 1, dtype=np.float64)

    def decay(w, valid):
        win, _ = normalise_valid(w, valid)
        used = np.where(valid, weights, 0.0)
        return (win.p + oldest_first_sum(win.y * used) / oldest_first_sum(used)) * win.s

    return _rolling(decay, [x], d, m)


def _time_regression(w, valid, d: int):
    """Least squares of the valid values on their row index: (slope, centred values, centred row index, the
    scale s), centred over the valid positions (0 elsewhere)."""
    win, n = normalise_valid(w, valid)
    rows = np.where(valid, np.arange(d, dtype=np.float64), 0.0)
    u = np.where(valid, rows - (oldest_first_sum(rows) / n)[..., None], 0.0)
    slope = oldest_first_sum(win.c * u) / oldest_first_sum(u * u)
    return slope, win.c, u, win.s


def ts_slope(x, d: int, m: int):
    def slope(w, valid):
        b, _, _, s = _time_regression(w, valid, d)
        return b * s

    return _rolling(slope, [x], d, m, needs=2)


def ts_rsquare(x, d: int, m: int):
    def rsq(w, valid):
        slope, c, u, _ = _time_regression(w, valid, d)
        r2 = slope * slope * oldest_first_sum(u * u) / sum_of_squares(c)
        return np.where(_constant(w, valid), np.nan, np.clip(r2, 0.0, 1.0))

    return _rolling(rsq, [x], d, m, needs=2)


def ts_resid(x, d: int, m: int):
    def resid(w, valid):
        slope, c, u, s = _time_regression(w, valid, d)
        return (c[..., -1] - slope * u[..., -1]) * s

    return _rolling(resid, [x], d, m, needs=2, today=True)


def ts_max(x, d: int, m: int):
    return _rolling(_max, [x], d, m)


def ts_min(x, d: int, m: int):
    return _rolling(_min, [x], d, m)


def _oldest_extreme(w, valid, largest: bool):
    """0-based position (oldest first) of the oldest valid value that ties the valid values' max (or min)."""
    best = _max(w, valid) if largest else _min(w, valid)
    tie = valid & (np.abs(w - best[..., None]) <= _width(w, valid)[..., None])
    return np.argmax(tie, axis=-1)


def ts_argmax(x, d: int, m: int):
    return _rolling(lambda w, valid: _oldest_extreme(w, valid, True) + 1.0, [x], d, m)


def ts_argmin(x, d: int, m: int):
    return _rolling(lambda w, valid: _oldest_extreme(w, valid, False) + 1.0, [x], d, m)


def ts_arg_max_days(x, d: int, m: int):
    return _rolling(lambda w, valid: (d - 1.0) - _oldest_extreme(w, valid, True), [x], d, m)


def ts_arg_min_days(x, d: int, m: int):
    return _rolling(lambda w, valid: (d - 1.0) - _oldest_extreme(w, valid, False), [x], d, m)


def ts_product(x, d: int, m: int):
    return _rolling(lambda w, valid: np.where(valid, w, 1.0).prod(axis=-1), [x], d, m)


def ts_rank(x, d: int, m: int):
    def rank(w, valid):
        today = w[..., -1:]
        tie = valid & (np.abs(w - today) <= _width(w, valid)[..., None])
        below = valid & (w < today) & ~tie
        return (below.sum(axis=-1) + (tie.sum(axis=-1) + 1) / 2.0) / valid.sum(axis=-1)

    return _rolling(rank, [x], d, m, today=True)


def ewm(x, decay: float, new: float, adjust: bool, m: int) -> np.ndarray:
    """pandas' ``ewm(ignore_na=False)`` mean recurrence, row by row: the mean so far and the weight of the
    values in it; older weights decay by ``decay`` every row (missing or not), a valid value joins with weight
    ``new`` (1 with ``adjust``, else alpha), after which the weight is their sum (``adjust``) or 1."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    mean = np.full(x.shape[1], np.nan)
    weight = np.ones(x.shape[1])
    count = np.zeros(x.shape[1], dtype=np.int64)
    with np.errstate(all="ignore"):
        for t in range(len(x)):
            ok = np.isfinite(x[t])
            seen = count > 0
            count += ok
            weight = np.where(seen, weight * decay, weight)
            mixed = (weight * mean + new * x[t]) / (weight + new)
            mean = np.where(ok & seen & (mean != x[t]), mixed, np.where(ok & ~seen, x[t], mean))
            weight = np.where(ok & seen, weight + new if adjust else 1.0, weight)
            out[t] = np.where(count >= m, mean, np.nan)
    return out


def ts_ema(x, halflife: float, m: int):
    """pandas' ``ewm(halflife=h, adjust=True, ignore_na=False)`` (``ewm``)."""
    return ewm(x, 0.5 ** (1.0 / halflife), 1.0, True, m)


def _smoothed(kind: int):
    """The skip form of an EMA operator of the exponential family (``reference.exponential.smoothing``)."""
    from alphalang.backend.reference.exponential import smoothing

    def ema(x, a: float, b: float, m: int):
        decay, alpha, adjust = smoothing(kind, a, b)
        return ewm(x, decay, 1.0 if adjust else alpha, adjust, m)

    return ema


def _exponential():
    from alphalang.backend.reference import exponential

    return exponential


ts_ema_span = _smoothed(0)
ts_ema_alpha = _smoothed(1)
ts_ema_halflife = _smoothed(2)
ts_sma_gtja = _smoothed(3)


def ts_decay_exp_window(x, d: int, factor: float, m: int):
    """Weight ``factor^i`` on the value i rows ago, the weights of the valid positions renormalised."""
    weights = _exponential().exp_weights(d, factor)

    def mean(w, valid):
        win, _ = normalise_valid(w, valid)
        used = np.where(valid, weights, 0.0)
        return (win.p + oldest_first_sum(win.y * used) / oldest_first_sum(used)) * win.s

    return _rolling(mean, [x], d, m)


def _order(w, valid):
    """Each window sorted (missing values last) and its count of valid values."""
    return np.sort(np.where(valid, w, np.inf), axis=-1), valid.sum(axis=-1)


def ts_quantile(x, d: int, q: float, m: int):
    """pandas' ``rolling(d, min_periods).quantile(q)``: linear interpolation among the valid values."""
    from alphalang.backend.reference.orderstats import interpolate

    def quantile(w, valid):
        s, n = _order(w, valid)
        k = q * (n - 1.0)
        i = np.clip(np.floor(k).astype(np.int64), 0, d - 1)
        frac = k - i
        lo = np.take_along_axis(s, i[..., None], -1)[..., 0]
        hi = np.take_along_axis(s, np.minimum(i + 1, d - 1)[..., None], -1)[..., 0]
        return np.where(frac == 0.0, lo, interpolate(lo, hi, frac))

    return _rolling(quantile, [x], d, m)


def ts_median(x, d: int, m: int):
    """pandas' ``rolling(d, min_periods).median()``: the middle valid value, or the midpoint of the two."""
    from alphalang.backend.reference.orderstats import midpoint

    def median(w, valid):
        s, n = _order(w, valid)
        mid = np.take_along_axis(s, np.minimum(n // 2, d - 1)[..., None], -1)[..., 0]
        lo = np.take_along_axis(s, np.maximum(n // 2 - 1, 0)[..., None], -1)[..., 0]
        return np.where(n % 2 == 1, mid, midpoint(lo, mid))

    return _rolling(median, [x], d, m)


def ts_mad(x, d: int, m: int):
    """qlib's ``Mad``: the mean absolute deviation of the valid values around their mean."""

    def mad(w, valid):
        win, n = normalise_valid(w, valid)
        return oldest_first_sum(np.abs(win.c)) / n * win.s

    return _rolling(mad, [x], d, m)


def ts_max_drawdown(x, d: int, m: int):
    """(peak - trough) / peak over the valid values: the largest (oldest if tied) and the smallest from it on."""

    def drawdown(w, valid):
        at = np.argmax(np.where(valid, w, -np.inf), axis=-1)[..., None]
        peak = np.take_along_axis(w, at, axis=-1)[..., 0]
        trough = np.where(valid & (np.arange(d) >= at), w, np.inf).min(axis=-1)
        return (peak - trough) / peak

    return _rolling(drawdown, [x], d, m)
