"""A test-only pandas/numpy implementation of the qlib operators Alpha158 and Alpha360 use.

Written from qlib's own definitions (``qlib/data/ops.py`` and ``qlib/data/_libs/rolling.pyx``, read as
documentation), never from alphalang's code:

- qlib parses an expression by replacing ``$field`` with a feature and evaluating the text as Python, so the
  operators ``+ - * / > <`` have Python's precedence and act as numpy's ``add``/``divide``/``greater``/...
  on the instrument's series: a comparison is a boolean series, and a comparison with NaN is *False* (0 in a
  following ``Mean``), not NaN.
- Every rolling operator is ``series.rolling(N, min_periods=1).<func>()`` over the instrument's own series:
  partial windows during warm-up, NaN values skipped, NaN only where the window has no valid value. An
  instrument's series starts at its first trading day (rows before listing do not exist in qlib).
- ``Ref(x, N)`` is ``shift(N)``; ``Std`` has ddof 1 (NaN with one valid value); ``Quantile`` is pandas'
  linear interpolation; ``Rank`` is pandas' ``rolling(N, min_periods=1).rank(pct=True)``: the average rank of
  today's value among the window's valid values divided by their count (NaN when today is NaN).
- ``IdxMax``/``IdxMin`` are ``rolling(N, min_periods=1).apply(lambda x: x.argmax() + 1, raw=True)``: 1 = the
  oldest row of the (possibly partial) window, first occurrence on ties; numpy's argmax treats NaN as the
  maximum (argmin as the minimum), so a window holding a NaN answers the position of its first NaN.
- ``Slope``/``Rsquare``/``Resi`` (rolling.pyx): least squares of the window's valid values against their
  positions 1..N in the window (a NaN keeps its position empty), computed even when today is NaN (Slope,
  Rsquare); ``Resi`` is today's residual ``y_N - (slope * N + intercept)`` (NaN when today is NaN); fewer than
  two valid values give NaN (0/0). ``Rsquare`` is also NaN where the series' rolling std is within 2e-5 of 0
  (``np.isclose(std, 0, atol=2e-05)``).
- ``Corr(x, y, N)`` is pandas' rolling correlation over the pairs where both are valid, and NaN where either
  input's own rolling std is within 2e-5 of 0.
- ``Greater``/``Less`` are ``np.maximum``/``np.minimum`` (NaN propagates); ``Abs``/``Log`` are numpy's.

The window statistics are computed here in two passes from the window's values (exact up to rounding), not
by pandas' running sums, so the oracle's own error is a few ulps of the window's values.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

FIELDS = ("open", "high", "low", "close", "volume", "vwap")
STD_ATOL = 2e-05  # qlib's np.isclose(std, 0, atol=2e-05) masks of Corr and Rsquare


def _values(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _padded(x, n: int) -> np.ndarray:
    """(L, n) windows, row t holding x[t-n+1 .. t]; positions before the series' start are NaN (empty)."""
    a = _values(x)
    return sliding_window_view(np.concatenate([np.full(n - 1, np.nan), a]), n)


def _series(values: np.ndarray, like: pd.Series) -> pd.Series:
    return pd.Series(values, index=like.index)


def _count(w: np.ndarray) -> np.ndarray:
    return (~np.isnan(w)).sum(axis=1)


def _mean(w: np.ndarray) -> np.ndarray:
    cnt = _count(w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt >= 1, np.nansum(w, axis=1) / cnt, np.nan)


def _std(w: np.ndarray) -> np.ndarray:
    cnt = _count(w)
    dev = w - _mean(w)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt >= 2, np.sqrt(np.nansum(dev * dev, axis=1) / (cnt - 1)), np.nan)


def _near_zero(std: np.ndarray) -> np.ndarray:
    return np.isclose(std, 0, atol=STD_ATOL)  # NaN is not close to 0


def Ref(x, n):  # noqa: N802 (qlib's names)
    return x.shift(n)


def Mean(x, n):  # noqa: N802
    return _series(_mean(_padded(x, n)), x)


def Sum(x, n):  # noqa: N802
    w = _padded(x, n)
    return _series(np.where(_count(w) >= 1, np.nansum(w, axis=1), np.nan), x)


def Std(x, n):  # noqa: N802
    return _series(_std(_padded(x, n)), x)


def Max(x, n):  # noqa: N802
    w = _padded(x, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _series(np.nanmax(w, axis=1), x)


def Min(x, n):  # noqa: N802
    w = _padded(x, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _series(np.nanmin(w, axis=1), x)


def Quantile(x, n, q):  # noqa: N802
    out = np.full(len(x), np.nan)
    for t, w in enumerate(_padded(x, n)):
        v = np.sort(w[~np.isnan(w)])
        if v.size:
            pos = q * (v.size - 1)
            lo = int(np.floor(pos))
            hi = min(lo + 1, v.size - 1)
            out[t] = v[lo] + (v[hi] - v[lo]) * (pos - lo)
    return _series(out, x)


def Rank(x, n):  # noqa: N802
    out = np.full(len(x), np.nan)
    for t, w in enumerate(_padded(x, n)):
        today = w[-1]
        if np.isnan(today):
            continue
        v = w[~np.isnan(w)]
        out[t] = ((v < today).sum() + ((v == today).sum() + 1) / 2) / v.size
    return _series(out, x)


def _idx(x, n, arg):
    a = _values(x)
    out = np.full(a.size, np.nan)
    for t in range(a.size):
        w = a[max(0, t - n + 1): t + 1]  # pandas passes the partial window itself during warm-up
        if (~np.isnan(w)).any():
            out[t] = arg(w) + 1
    return _series(out, x)


def IdxMax(x, n):  # noqa: N802
    return _idx(x, n, np.argmax)


def IdxMin(x, n):  # noqa: N802
    return _idx(x, n, np.argmin)


def _regression(x, n):
    """Per window: (count, slope, intercept) of the valid values against positions 1..n."""
    w = _padded(x, n)
    ok = ~np.isnan(w)
    pos = np.broadcast_to(np.arange(1, n + 1, dtype=np.float64), w.shape)
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(ok, pos, 0).sum(axis=1) / cnt
        ym = np.where(ok, w, 0).sum(axis=1) / cnt
        dx = np.where(ok, pos - xm[:, None], 0)
        dy = np.where(ok, w - ym[:, None], 0)
        sxx = (dx * dx).sum(axis=1)
        sxy = (dx * dy).sum(axis=1)
        syy = (dy * dy).sum(axis=1)
        slope = np.where(cnt >= 2, sxy / sxx, np.nan)
    return w, cnt, xm, ym, sxx, sxy, syy, slope


def Slope(x, n):  # noqa: N802
    return _series(_regression(x, n)[-1], x)


def Rsquare(x, n):  # noqa: N802
    w, cnt, xm, ym, sxx, sxy, syy, slope = _regression(x, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where((cnt >= 2) & (syy > 0), sxy * sxy / (sxx * syy), np.nan)
    r2[_near_zero(_std(w))] = np.nan
    return _series(r2, x)


def Resi(x, n):  # noqa: N802
    w, cnt, xm, ym, sxx, sxy, syy, slope = _regression(x, n)
    return _series(w[:, -1] - (ym + slope * (n - xm)), x)


def Corr(x, y, n):  # noqa: N802
    wx, wy = _padded(x, n), _padded(y, n)
    pair = ~np.isnan(wx) & ~np.isnan(wy)
    px, py = np.where(pair, wx, np.nan), np.where(pair, wy, np.nan)
    cnt = pair.sum(axis=1)
    dx = np.where(pair, px - _mean(px)[:, None], 0)
    dy = np.where(pair, py - _mean(py)[:, None], 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx, syy, sxy = (dx * dx).sum(axis=1), (dy * dy).sum(axis=1), (dx * dy).sum(axis=1)
        r = np.where((cnt >= 2) & (sxx > 0) & (syy > 0), sxy / np.sqrt(sxx * syy), np.nan)
    r[_near_zero(_std(wx)) | _near_zero(_std(wy))] = np.nan
    return _series(r, x)


def Greater(a, b):  # noqa: N802
    return np.maximum(a, b)


def Less(a, b):  # noqa: N802
    return np.minimum(a, b)


def Abs(x):  # noqa: N802
    return np.abs(x)


def Log(x):  # noqa: N802
    return np.log(x)


OPERATORS = {f.__name__: f for f in (Ref, Mean, Sum, Std, Max, Min, Quantile, Rank, IdxMax, IdxMin, Slope,
                                     Rsquare, Resi, Corr, Greater, Less, Abs, Log)}
_FIELD = re.compile(r"\$(\w+)")


def evaluate(expression: str, frame: pd.DataFrame) -> pd.Series:
    """One qlib expression over one instrument's fields (columns of ``frame``), as qlib evaluates it."""
    code = _FIELD.sub(r'F["\1"]', expression)
    with np.errstate(all="ignore"):
        out = eval(code, {"__builtins__": {}}, {**OPERATORS, "F": frame})  # noqa: S307 (test-only, our own text)
    return pd.Series(out, index=frame.index).astype(np.float64)


def span(valid: np.ndarray) -> tuple[int, int] | None:
    """First and last (exclusive) row where the instrument has any field: its life in qlib's data."""
    rows = np.flatnonzero(valid)
    return (int(rows[0]), int(rows[-1]) + 1) if rows.size else None


def evaluate_panel(expressions: dict[str, str], fields: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every expression on every instrument of a (T x N) panel; NaN outside each instrument's life."""
    shape = fields["close"].shape
    out = {name: np.full(shape, np.nan) for name in expressions}
    valid = np.zeros(shape, dtype=bool)
    for f in FIELDS:
        valid |= ~np.isnan(fields[f])
    for j in range(shape[1]):
        life = span(valid[:, j])
        if life is None:
            continue
        lo, hi = life
        frame = pd.DataFrame({f: fields[f][lo:hi, j] for f in FIELDS})
        for name, expression in expressions.items():
            out[name][lo:hi, j] = evaluate(expression, frame).to_numpy()
    return out
