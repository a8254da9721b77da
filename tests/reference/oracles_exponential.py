"""Independent oracles for the exponential operators (registered into ``ref_oracles.ORACLES``).

EMAs: pandas ``ewm(span=|alpha=|halflife=, adjust=...)`` on each run of valid values (the semantics' restart
rule), and for parameters pandas refuses (alpha above 1, which the checker refuses too) a plain-Python loop
of pandas' documented formulas. GTJA's SMA: a plain loop of ``Y = (m A + (n - m) Y') / n`` started at the first
valid value, and pandas ``ewm(alpha=m/n, adjust=False)``. The exponential window: a plain loop with
``math.fsum`` over the weights ``factor ** i``. Tolerances: a few ulps per step of the largest magnitude seen
(recursions), or of the window's largest weighted magnitude (windows).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from ref_oracles import EPS, clean, example, oracle, per_window

nan, inf = math.nan, math.inf


def _runs(x: np.ndarray, run_fn, growth: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``run_fn(values) -> outputs`` to every run of valid values of every column (NaN elsewhere); atol
    ``16 * len * EPS`` times the largest magnitude (inputs and outputs) seen so far in the run, times
    ``growth^len`` (the recursion's condition: ``|1 - alpha|`` beyond 1 when alpha > 1, outside the domain)."""
    x = clean(x)
    out = np.full(x.shape, nan)
    atol = np.zeros(x.shape)
    for i in range(x.shape[1]):
        col = x[:, i]
        t = 0
        while t < len(col):
            if np.isnan(col[t]):
                t += 1
                continue
            end = t
            while end < len(col) and not np.isnan(col[end]):
                end += 1
            values = np.asarray(run_fn(col[t:end]), dtype=np.float64)
            out[t:end, i] = values
            size = np.maximum.accumulate(np.maximum(np.abs(col[t:end]), np.abs(values)))
            steps = np.arange(1, end - t + 1)
            atol[t:end, i] = 16 * steps * EPS * size * max(growth, 1.0) ** steps
            t = end
    return out, atol


def _loop(values, alpha: float, adjust: bool) -> list[float]:
    """pandas' ewm formulas, written out: adjust: sum (1-alpha)^j x[t-j] / sum (1-alpha)^j; else the recursion
    from y = x[0]."""
    out = []
    for t in range(len(values)):
        if adjust:
            weights = [(1.0 - alpha) ** j for j in range(t + 1)]
            out.append(math.fsum(w * values[t - j] for j, w in enumerate(weights)) / math.fsum(weights))
        else:
            out.append(float(values[0]) if t == 0 else (1.0 - alpha) * out[-1] + alpha * values[t])
    return out


def _pandas(smooth: float, adjust, **how):
    """A run function: pandas ewm where pandas accepts the smoothing, else ``_loop``."""
    if smooth > 1.0:
        return lambda run: _loop(run, smooth, bool(adjust))
    return lambda run: pd.Series(run).ewm(adjust=bool(adjust), **how).mean().to_numpy()


@oracle("ts_ema_span", "pandas ewm(span) per valid run")
def _ema_span(x, span, adjust=1.0):
    return _runs(x, _pandas(2.0 / (span + 1.0), adjust, span=span))  # span >= 1: alpha <= 1


@oracle("ts_ema_alpha", "pandas ewm(alpha) per valid run")
def _ema_alpha(x, alpha, adjust=1.0):
    return _runs(x, _pandas(alpha, adjust, alpha=alpha), growth=abs(1.0 - alpha))


@oracle("ts_ema_halflife", "pandas ewm(halflife) per valid run")
def _ema_halflife(x, halflife, adjust=1.0):
    return _runs(x, _pandas(0.0, adjust, halflife=halflife))


@oracle("ts_sma_gtja", "GTJA recursion, plain loop")
def _sma_loop(x, n, m=1.0):
    def run(values):
        out = [float(values[0])]
        for v in values[1:]:
            out.append((m * v + (n - m) * out[-1]) / n)
        return out

    return _runs(x, run, growth=abs(n - m) / n)


@oracle("ts_sma_gtja", "pandas ewm(alpha=m/n, adjust=False)")
def _sma_pandas(x, n, m=1.0):
    return _runs(x, _pandas(m / n, False, alpha=m / n), growth=abs(n - m) / n)


def _exp_window_loop(x, d, factor):
    weights = [factor**i for i in range(d)]  # i rows ago

    def stat(mat):
        values, atol = [], []
        for col in mat.T:
            if not np.isfinite(col).all():
                values.append(nan)
                atol.append(0.0)
                continue
            recent = [float(v) for v in col[::-1]]  # today first
            values.append(math.fsum(w * v for w, v in zip(weights, recent, strict=True)) / math.fsum(weights))
            atol.append(8 * d * EPS * max(abs(v) for v in recent))
        return np.array(values), np.array(atol)

    return per_window(stat, x, d=d)


@oracle("ts_decay_exp_window", "plain loop, math.fsum")
def _decay_exp_window(x, d, factor=1.0):
    return _exp_window_loop(x, d, factor)


@oracle("ts_wma_gtja", "plain loop, weights 0.9^i")
def _wma_gtja(x, d):
    return _exp_window_loop(x, d, 0.9)


@oracle("ts_ema_window", "alphagen's formula: alpha ** (n-1 .. 0), normalised")
def _ema_window(x, d):
    """alphagen weighs with ``alpha ** (n .. 1)``; one common factor alpha cancels in the normalisation (and
    alphagen's 0 / 0 at n = 1, alpha = 0, becomes the value itself)."""

    def stat(mat):
        values, atol = [], []
        decay = 1 - 2 / (1 + d)
        weights = np.array([decay**p for p in range(d - 1, -1, -1)])  # oldest first
        weights = weights / math.fsum(weights)
        for col_ in mat.T:
            ok = np.isfinite(col_).all()
            values.append(math.fsum(weights * col_) if ok else nan)
            atol.append(8 * d * EPS * float(np.max(np.abs(col_))) if ok else 0.0)
        return np.array(values), np.array(atol)

    return per_window(stat, x, d=d)


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


# alpha = 2 / (3 + 1) = 1/2; adjust=0: 1, 1 + (3 - 1)/2, restart, 2, 2 + (4 - 2)/2
example("ts_ema_span", (col(1, 3, nan, 2, 4), 3, 0.0), col(1, 2, nan, 2, 3))
# adjust=1, weights 1, 1/2, 1/4: 1, (3 + 1/2) / 1.5, (5 + 3/2 + 1/4) / 1.75
example("ts_ema_span", (col(1, 3, 5), 3, 1.0), col(1, 7 / 3, 27 / 7))
example("ts_ema_span", (col(1, 3, 5), 1, 1.0), col(1, 3, 5))  # span 1: alpha 1, the value itself
# alpha 1/4, adjust=0: 2, 2 + (4 - 2)/4; inf is missing and restarts
example("ts_ema_alpha", (col(2, 4, inf, 4), 0.25, 0.0), col(2, 2.5, nan, 4))
example("ts_ema_alpha", (col(2, 4), 0.25, 1.0), col(2, (4 + 0.75 * 2) / 1.75))
# half-life 1: decay 1/2; adjust: (3 + 1/2) / 1.5; recursion: alpha 1/2
example("ts_ema_halflife", (col(1, 3), 1.0, 1.0), col(1, 7 / 3))
example("ts_ema_halflife", (col(1, 3), 1.0, 0.0), col(1, 2))
# SMA(A, 4, 1): Y = (A + 3 Y') / 4 from Y = 10: 12.5, (30 + 37.5) / 4
example("ts_sma_gtja", (col(10, 20, 30, nan, 8), 4, 1.0), col(10, 12.5, 16.875, nan, 8))
# weights 1/2, 1 (oldest first): (2 + 1/2) / 1.5, (4 + 1) / 1.5; a missing value spoils its windows
example("ts_decay_exp_window", (col(1, 2, 4, nan, 8), 2, 0.5), col(nan, 5 / 3, 10 / 3, nan, nan))
example("ts_decay_exp_window", (col(0.1, 0.1, 0.1), 3, 0.5), col(nan, nan, 0.1))  # constant: exactly the value
example("ts_decay_exp_window", (col(1, 2, 6), 3, 1.0), col(nan, nan, 3))  # factor 1: the mean
# weights 0.81, 0.9, 1: (0.81 * 1 + 0.9 * 2 + 3) / 2.71
example("ts_wma_gtja", (col(1, 2, 3), 3), col(nan, nan, 5.61 / 2.71))
# d = 3: factor 1/2, weights 1/4, 1/2, 1 (oldest first): (1/4 + 1 + 4) / 1.75 = 3; d = 1: the value
example("ts_ema_window", (col(1, 2, 4), 3), col(nan, nan, 3))
example("ts_ema_window", (col(1, 2, 4), 1), col(1, 2, 4))
example("ts_decay_exp_window", (col(1, 2, 4), 2, 0.0), col(nan, 2, 4))  # factor 0: today's value
