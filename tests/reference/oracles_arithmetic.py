"""Independent oracles for the arithmetic operators (Python ``math`` per scalar) and the BRAIN compositions
(pandas rolling windows), and their hand-worked examples. Never ``backend.reference.arithmetic`` or
``compositions``.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
from ref_oracles import EPS, clean, example, oracle

nan, inf = math.nan, math.inf


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(-1, 1)


def row(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64).reshape(1, -1)


def _scalar(name: str, fn, ulps: float = 0.0):
    def run(*args):
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        out = np.empty(arrays[0].shape)
        for idx in np.ndindex(out.shape):
            try:
                out[idx] = fn(*(float(a[idx]) for a in arrays))
            except (ValueError, OverflowError, ZeroDivisionError):
                out[idx] = nan
        return out, ulps * EPS * np.abs(np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0))

    oracle(name, "python math")(run)


def _round_half_away(x: float) -> float:
    if not math.isfinite(x):
        return x
    whole = math.floor(abs(x))
    return math.copysign(whole + 1 if abs(x) - whole >= 0.5 else whole, x)


def _floor(x: float) -> float:
    return x if not math.isfinite(x) else float(math.floor(x))


def _ceil(x: float) -> float:
    return x if not math.isfinite(x) else float(math.ceil(x))


def _sigmoid(x: float) -> float:
    if math.isnan(x):
        return nan
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


def _fraction(x: float) -> float:
    if not math.isfinite(x):
        return nan
    return math.copysign(abs(x) - math.floor(abs(x)), x) if x != 0 else 0.0


_scalar("round", _round_half_away)
_scalar("floor", _floor)
_scalar("ceil", _ceil)
_scalar("fraction", _fraction)
_scalar("sigmoid", _sigmoid, ulps=4)
_scalar("tanh", math.tanh, ulps=4)
_scalar("arc_tan", math.atan, ulps=4)
_scalar("arc_sin", lambda x: nan if math.isnan(x) or abs(x) > 1 else math.asin(x), ulps=4)
_scalar("arc_cos", lambda x: nan if math.isnan(x) or abs(x) > 1 else math.acos(x), ulps=4)
_scalar("log1p", lambda x: -inf if x == -1 else math.log1p(x), ulps=1)
_scalar("inverse", lambda x: nan if math.isnan(x) else (math.copysign(inf, x) if x == 0 else 1.0 / x))
def _round_down(x: float, f: float = 1.0) -> float:
    if not f > 0:
        return nan
    q = x / f
    return math.floor(q) * f if math.isfinite(q) else q * f


_scalar("round_down", _round_down)
_scalar("mod", lambda x, y: nan if y == 0 else x % y)  # Python's %: the sign of y
_scalar("fill_missing", lambda x, v: x if math.isfinite(x) else v)
_scalar("clamp", lambda x, lo, hi: nan if math.isnan(x) or math.isnan(lo) or math.isnan(hi) else min(max(x, lo), hi))

example("round", (row(0.5, -0.5, 1.49, 2.5, -2.5, nan, inf),), row(1, -1, 1, 3, -3, nan, inf))
example("round", (row(0.49999999999999994, 4503599627370497.0),), row(0, 4503599627370497.0))
example("floor", (row(1.5, -1.5, 2, nan),), row(1, -2, 2, nan))
example("ceil", (row(1.5, -1.5, 2, -inf),), row(2, -1, 2, -inf))
example("fraction", (row(1.25, -1.25, 3, inf),), row(0.25, -0.25, 0, nan))
example("sigmoid", (row(0, -inf, inf),), row(0.5, 0, 1))
example("tanh", (row(0, inf, -inf),), row(0, 1, -1))
example("arc_tan", (row(0, 1, inf),), row(0, math.pi / 4, math.pi / 2))
example("arc_sin", (row(0, 1, 2),), row(0, math.pi / 2, nan))
example("arc_cos", (row(1, -1, -2),), row(0, math.pi, nan))
example("log1p", (row(0, 1e-20, -1, -2, inf, math.e - 1),), row(0, 1e-20, -inf, nan, inf, 1))
example("inverse", (row(2, -4, 0, inf),), row(0.5, -0.25, inf, 0))
example("round_down", (row(7.3, -7.3, 7.3), row(2, 2, 0)), row(6, -8, nan))
example("mod", (row(7, -7, 7, 7), row(3, 3, -3, 0)), row(1, 2, -2, nan))
example("fill_missing", (row(1, nan, inf, -inf), row(0, 0, 0, 5)), row(1, 0, 0, 5))
example("clamp", (row(-2, 0.5, 3, nan), row(0, 0, 0, 0), row(1, 1, 1, 1)), row(0, 0.5, 1, nan))


# ---- compositions: pandas rolling windows (strict: min_periods=d after ±inf -> NaN) ---------------------------

def _roll(x, d):
    return pd.DataFrame(clean(x)).rolling(d, min_periods=d)


def _tol(x, d, *values):
    """A few ulps of the window's magnitude (the values are differences of window statistics)."""
    scale = pd.DataFrame(np.abs(clean(x))).rolling(d, min_periods=1).max().to_numpy()
    return 16 * d * EPS * np.nan_to_num(scale, nan=0.0)


def _composed(name: str, fn):
    def run(x, d, *rest):
        frame = pd.DataFrame(np.asarray(x, dtype=np.float64))
        with np.errstate(all="ignore"):
            out = np.asarray(fn(frame, _roll(x, d), d, *rest), dtype=np.float64)
        return out, _tol(x, d)

    oracle(name, "pandas rolling")(run)


_composed("ts_av_diff", lambda x, r, d: x - r.mean())
_composed("ts_max_diff", lambda x, r, d: x - r.max())
_composed("ts_min_diff", lambda x, r, d: x - r.min())
_composed("ts_min_max_cps", lambda x, r, d, f=2.0: r.min() + r.max() - f * x)
_composed("ts_min_max_diff", lambda x, r, d, f=0.5: x - f * (r.min() + r.max()))
_composed("ts_returns", lambda x, r, d, mode=1.0: (x - x.shift(d)) / ((x + x.shift(d)) / 2) if mode == 2
          else x.pct_change(d, fill_method=None))


@oracle("ts_ir", "python statistics")
def _ts_ir(x, d):
    """Each full finite window's mean and sample standard deviation by ``statistics`` (exact-rounded)."""
    x = clean(x)
    out = np.full(x.shape, nan)
    atol = np.zeros(x.shape)
    for t in range(d - 1, x.shape[0]):
        for i in range(x.shape[1]):
            w = [float(v) for v in x[t - d + 1:t + 1, i]]
            if d < 2 or any(math.isnan(v) for v in w):
                continue
            sd = statistics.stdev(w)
            out[t, i] = statistics.fmean(w) / sd if sd > 0 else math.copysign(inf, statistics.fmean(w)) \
                if statistics.fmean(w) != 0 else nan
            atol[t, i] = 8 * d * EPS * max(abs(v) for v in w) / sd * (1 + abs(out[t, i])) if sd > 0 else 0.0
    return out, atol


@oracle("ts_scale", "pandas rolling")
def _ts_scale(x, d, constant=0.0):
    r = _roll(x, d)
    low, high = r.min().to_numpy(), r.max().to_numpy()
    with np.errstate(all="ignore"):
        out = (np.asarray(x, dtype=np.float64) - low) / (high - low) + constant
        return out, 8 * EPS * (1 + np.abs(np.nan_to_num(out)))


X = col(1, 3, 2, nan, 5, 4, 4, 6)
example("ts_av_diff", (X, 3), col(nan, nan, 0, nan, nan, nan, 4 - 13 / 3, 6 - 14 / 3))
example("ts_max_diff", (X, 3), col(nan, nan, -1, nan, nan, nan, -1, 0))
example("ts_min_diff", (X, 3), col(nan, nan, 1, nan, nan, nan, 0, 2))
example("ts_min_max_cps", (X, 3), col(nan, nan, 0, nan, nan, nan, 1, -2))
example("ts_min_max_diff", (X, 3), col(nan, nan, 0, nan, nan, nan, -0.5, 1))
example("ts_scale", (X, 3), col(nan, nan, 0.5, nan, nan, nan, 0, 1))
example("ts_scale", (col(2, 2, 2), 2, 1.0), col(nan, nan, nan))
example("ts_ir", (col(1, 2, 3), 3), col(nan, nan, 2))
example("ts_returns", (col(2, 3, 4), 1), col(nan, 0.5, 1 / 3))
example("ts_returns", (col(2, 6), 1, 2.0), col(nan, 1))


@oracle("ts_count", "pandas rolling count")
def _ts_count(x, d):
    return pd.DataFrame(clean(x)).notna().astype(float).rolling(d).sum().to_numpy(), 0.0


def _projection(x, y, d):
    """Per full window: (x . y / y . y) from numpy dot products of the window's own values."""
    x, y = clean(x), clean(y)
    coef = np.full(x.shape, nan)
    scale = np.zeros(x.shape)
    for t in range(d - 1, x.shape[0]):
        for i in range(x.shape[1]):
            wx, wy = x[t - d + 1:t + 1, i], y[t - d + 1:t + 1, i]
            with np.errstate(all="ignore"):
                coef[t, i] = np.dot(wx, wy) / np.dot(wy, wy)
            scale[t, i] = np.nanmax(np.abs(wx)) if np.isfinite(wx).any() else 0.0
    return x, y, coef, scale


@oracle("ts_vector_proj", "numpy dot per window")
def _ts_vector_proj(x, y, d):
    x, y, coef, scale = _projection(x, y, d)
    with np.errstate(all="ignore"):
        out = y * coef
    return out, 8 * d * EPS * scale * np.nan_to_num(np.abs(y) / np.sqrt(np.abs(coef * 0 + 1)), nan=0.0) + \
        8 * d * EPS * np.abs(np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0))


@oracle("ts_vector_neut", "numpy dot per window")
def _ts_vector_neut(x, y, d):
    x, y, coef, scale = _projection(x, y, d)
    with np.errstate(all="ignore"):
        out = x - y * coef
    return out, 8 * d * EPS * (np.nan_to_num(np.abs(y * coef), nan=0.0, posinf=0.0) + scale)


example("ts_count", (col(1, nan, 3, inf, 5), 3), col(nan, nan, 2, 1, 2))
example("ts_vector_proj", (col(1, 2, 3), col(1, 1, 2), 2), col(nan, 1.5, 1.6 * 2))
example("ts_vector_neut", (col(1, 2, 3), col(1, 1, 2), 2), col(nan, 0.5, 3 - 3.2))


# ---- inverse CDFs: scipy.stats ----------------------------------------------------------------------------

def _ppf(p, driver):
    import scipy.stats

    p = np.asarray(p, dtype=np.float64)
    with np.errstate(all="ignore"):
        inside = (p > 0) & (p < 1)
        if driver == "gaussian":
            out = scipy.stats.norm.ppf(p)
        elif driver == "cauchy":
            out = scipy.stats.cauchy.ppf(p)
        else:
            out = scipy.stats.uniform.ppf(p) - 0.5
    return np.where(inside, out, np.nan)


def _ppf_tolerance(p, out, driver):
    """A few ulps (of 1: p - 1/2 is where the drivers start) times the inverse CDF's slope at p (its condition:
    the tails are steep)."""
    y = np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
    with np.errstate(all="ignore"):
        slope = {"gaussian": np.sqrt(2 * np.pi) * np.exp(np.minimum(y * y / 2, 700)),
                 "cauchy": np.pi * (1 + y * y)}.get(driver, np.ones_like(y))
    return 1e-13 * (1 + np.abs(y)) + 8 * EPS * slope


@oracle("inverse_cdf", "scipy.stats ppf")
def _inverse_cdf(p, driver="gaussian"):
    out = _ppf(p, driver)
    return out, _ppf_tolerance(p, out, driver)


@oracle("ts_rank_quantile", "ts_rank's pandas oracle + scipy ppf")
def _ts_rank_quantile(x, d, driver="gaussian"):
    from ref_oracles import ORACLES  # ts_rank's own oracle: pandas ranks with the semantics' near-tie rule

    ranks, _ = next(fn for label, fn in ORACLES["ts_rank"].items() if label.startswith("pandas"))(x, d)
    p = np.full(ranks.shape, 0.5) if d == 1 else 1 / d + (ranks * d - 1) / (d - 1) * (1 - 2 / d)
    p = np.where(np.isnan(ranks), np.nan, p)
    out = _ppf(p, driver)
    return out, 1e-12 * (1 + np.abs(np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)))


example("inverse_cdf", (row(0.5, 0.975, 0, 1, nan), "gaussian"), row(0, 1.959963984540054, nan, nan, nan))
example("inverse_cdf", (row(0.25, 0.5), "cauchy"), row(-1, 0))
example("inverse_cdf", (row(0.25, 0.9), "uniform"), row(-0.25, 0.4))
# window [1 3 2]: today's 2 is the middle rank -> p = 1/2 -> 0; [3 2 5]: highest -> p = 1 - 1/3
example("ts_rank_quantile", (col(1, 3, 2, 5), 3, "uniform"), col(nan, nan, 0, 1 / 6))
example("ts_rank_quantile", (col(1, 3, 2), 3, "gaussian"), col(nan, nan, 0))
