"""Independent oracles for the cleanup operators (registered into ``ref_oracles.ORACLES``), and hand-worked rows.

Each oracle works per date over the finite entries with pandas, scipy or numpy ``lstsq`` (or plain Python), as
the BRAIN documentation states the operator, never through ``backend.reference.cleanup``. Tolerances follow
``ref_oracles``: a few ulps of the date's largest magnitude per summed term, divided by the spread for
standardised results.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.stats
from ref_oracles import EPS, _ranks, clean, example, oracle

nan, inf = math.nan, math.inf


def row(*values: float) -> np.ndarray:
    """One date over assets: shape (1, N)."""
    return np.array(values, dtype=np.float64).reshape(1, -1)


def _per_date(fn, *arrays):
    """``fn(*finite pandas Series) -> (values, atol)`` per date over the entries finite in every array."""
    arrays = [clean(np.broadcast_to(np.asarray(a, dtype=np.float64), np.shape(arrays[0]))) for a in arrays]
    out = np.full(arrays[0].shape, np.nan)
    atol = np.zeros(arrays[0].shape)
    for t in range(arrays[0].shape[0]):
        ok = np.logical_and.reduce([~np.isnan(a[t]) for a in arrays])
        if ok.any():
            with np.errstate(all="ignore"):
                values, tol = fn(*(pd.Series(a[t, ok]) for a in arrays))
            out[t, ok], atol[t, ok] = np.asarray(values, dtype=np.float64), tol
    return out, atol


def _constant(s: pd.Series) -> bool:
    return len(set(s.tolist())) == 1


def _ulps(s: pd.Series, k: float = 8.0) -> float:
    """k * n ulps of the largest magnitude: the rounding of a sum over the date."""
    return k * len(s) * EPS * float(s.abs().max())


# ---- statistics of the date ------------------------------------------------------------------------------

def _stat(name: str, fn, tol):
    oracle(name, "pandas")(lambda x: _per_date(lambda s: (np.full(len(s), fn(s)), tol(s)), x))


_stat("cs_mean", lambda s: s.mean(), _ulps)
_stat("cs_std", lambda s: s.std(ddof=0), _ulps)
_stat("cs_min", lambda s: s.min(), lambda s: 0.0)
_stat("cs_max", lambda s: s.max(), lambda s: 0.0)
_stat("cs_sum", lambda s: s.sum(), lambda s: len(s) * _ulps(s))
_stat("cs_count", lambda s: s.count(), lambda s: 0.0)
_stat("cs_median", lambda s: s.median(), lambda s: 2 * EPS * float(s.abs().max()))


# ---- clean-up ----------------------------------------------------------------------------------------------

@oracle("winsorize", "pandas clip")
def _winsorize(x, std=4.0):
    def clip(s):
        m, sd = s.mean(), s.std(ddof=0)
        lo, hi = m - std * sd, m + std * sd
        return [min(max(v, lo), hi) for v in s], (1 + abs(std)) * _ulps(s)

    return _per_date(clip, x)


@oracle("normalize", "pandas")
def _normalize(x, useStd=0.0, limit=0.0):  # noqa: N803
    def norm(s):
        if useStd and (len(s) < 2 or _constant(s)):
            return np.full(len(s), np.nan), 0.0
        d = s - s.mean()
        tol = 4 * _ulps(s)
        if useStd:
            sd = s.std(ddof=1)
            d = d / sd
            tol = tol / sd * (1 + float(d.abs().max()))
        if limit > 0:
            d = d.clip(-limit, limit)
        return d, tol

    return _per_date(norm, x)


def _water_fill(a: list[float], cap: float) -> list[float]:
    """The capped weights by the closed form: the k largest at the cap, the rest scaled by
    (total - k cap) / (their sum), for the smallest k that leaves no scaled weight above the cap."""
    order = sorted(range(len(a)), key=lambda i: -a[i])
    total = math.fsum(a)
    for k in range(len(a) + 1):
        rest = math.fsum(a[i] for i in order[k:])
        if k == len(a):
            return [cap] * len(a)
        f = (total - k * cap) / rest
        if a[order[k]] * f <= cap:
            out = [0.0] * len(a)
            for j, i in enumerate(order):
                out[i] = cap if j < k else a[i] * f
            return out
    raise AssertionError("unreachable")


@oracle("truncate", "python water-filling")
def _truncate(x, maxPercent=0.01):  # noqa: N803
    def trunc(s):
        v = s.tolist()
        cap = maxPercent * math.fsum(abs(u) for u in v)
        out = [0.0 if u == 0 else u for u in v]
        for sign in (1.0, -1.0):
            side = [i for i, u in enumerate(v) if u * sign > 0]
            for i, w in zip(side, _water_fill([abs(v[i]) for i in side], cap), strict=True):
                out[i] = sign * w
        return out, 64 * len(v) * EPS * math.fsum(abs(u) for u in v)

    return _per_date(trunc, x)


@oracle("scale_down", "pandas")
def _scale_down(x, constant=0.0):
    def scaled(s):
        if _constant(s):
            return np.full(len(s), np.nan), 0.0
        return (s - s.min()) / (s.max() - s.min()) - constant, 4 * EPS * (1 + abs(constant))

    return _per_date(scaled, x)


_DRIVERS = {"gaussian": scipy.stats.norm.ppf, "cauchy": scipy.stats.cauchy.ppf,
            "uniform": lambda p: p - np.mean(p)}


@oracle("quantile", "scipy.stats ppf")
def _quantile(x, driver="gaussian", sigma=1.0):
    name = driver if isinstance(driver, str) else ("gaussian", "uniform", "cauchy")[int(driver)]

    def mapped(s):
        n = len(s)
        r = (_ranks(s.to_numpy()) - 1) / (n - 1) if n > 1 else np.full(n, 0.5)
        p = 1 / n + r * (1 - 2 / n)
        values = sigma * _DRIVERS[name](p)
        return values, 1e-13 * abs(sigma) * (1 + np.abs(values))

    return _per_date(mapped, x)


# ---- regressions and projections ---------------------------------------------------------------------------

def _lstsq(y, x, intercept: bool):
    """(fitted, atol) of numpy ``lstsq`` of y on [1, x - mean(x)] (or on x alone): centring is a no-op for the
    fit and keeps ``1e8 + noise`` data well conditioned."""
    yv, xv = y.to_numpy(), x.to_numpy()
    magnitude = float(np.abs(xv).max())  # x is known to ulps of its own magnitude, before any centring
    if intercept:
        xv = xv - math.fsum(xv) / len(xv)
        design = np.column_stack([np.ones(len(xv)), xv])
    else:
        design = xv[:, None]
    coef = np.linalg.lstsq(design, yv, rcond=None)[0]
    fitted = design @ coef
    slope = abs(coef[-1])
    return fitted, 64 * len(yv) ** 2 * EPS * (float(np.abs(yv).max()) + slope * magnitude)


@oracle("regression_neut", "numpy lstsq")
def _regression_neut(y, x):
    def resid(a, b):
        fitted, tol = _lstsq(a, b, True)
        return a.to_numpy() - fitted, tol

    return _per_date(resid, y, x)


@oracle("regression_proj", "numpy lstsq")
def _regression_proj(y, x):
    return _per_date(lambda a, b: _lstsq(a, b, True), y, x)


@oracle("vector_proj", "numpy lstsq")
def _vector_proj(x, y):
    return _per_date(lambda a, b: _lstsq(a, b, False), x, y)


@oracle("vector_neut", "numpy lstsq")
def _vector_neut(x, y):
    def neut(a, b):
        fitted, tol = _lstsq(a, b, False)
        return a.to_numpy() - fitted, tol

    return _per_date(neut, x, y)


@oracle("cs_diff_weighted_sum", "python loop")
def _diff_weighted_sum(x, w):
    def diff(a, b):
        total = math.fsum(u * v for u, v in zip(a, b, strict=True))
        return [u - total for u in a], 4 * len(a) * EPS * math.fsum(abs(u * v) for u, v in zip(a, b, strict=True))

    return _per_date(diff, x, w)


# ---- hand-worked rows (BRAIN's documented examples where it gives one) --------------------------------------
S = math.sqrt(1490.96)  # winsorize: x = 2 3 4 5 100, mean 22.8, sd sqrt(7454.8 / 5)
example("winsorize", (row(2, 3, 4, 5, 100, nan), 1.0), row(2, 3, 4, 5, 22.8 + S, nan))
example("winsorize", (row(0.1, 0.1, inf, 0.1), 4.0), row(0.1, 0.1, nan, 0.1))  # all-equal: unchanged
example("cs_mean", (row(1, 2, nan, 6), ), row(3, 3, nan, 3))
example("cs_mean", (row(0.1, 0.1, 0.1), ), row(0.1, 0.1, 0.1))  # exactly the value, not 0.10000000000000002
example("cs_std", (row(1, 3, nan, 1, 3), ), row(1, 1, nan, 1, 1))
example("cs_std", (row(0.1, 0.1, 0.1), ), row(0, 0, 0))
example("cs_min", (row(4, -2, inf, 7), ), row(-2, -2, nan, -2))
example("cs_max", (row(4, -2, nan, 7), ), row(7, 7, nan, 7))
example("cs_sum", (row(4, -2, nan, 7), ), row(9, 9, nan, 9))
example("cs_count", (row(4, -inf, nan, 7), ), row(2, nan, nan, 2))
example("cs_median", (row(4, -2, nan, 7, 1), ), row(2.5, 2.5, nan, 2.5, 2.5))
example("cs_median", (row(3, nan, 1), ), row(2, nan, 2))
# normalize: BRAIN's walkthrough x = 3 5 6 2: centred -1 1 2 -2, std (ddof 1) sqrt(10/3)
_SD = math.sqrt(10 / 3)
example("normalize", (row(3, 5, 6, 2), 0.0, 0.0), row(-1, 1, 2, -2))
example("normalize", (row(3, 5, 6, 2), 1.0, 0.0), row(-1 / _SD, 1 / _SD, 2 / _SD, -2 / _SD))
example("normalize", (row(3, 5, 6, 2), 1.0, 1.0), row(-1 / _SD, 1 / _SD, 1, -1))
example("normalize", (row(3, 5, 6, 2, nan), 0.0, 1.5), row(-1, 1, 1.5, -1.5, nan))
example("normalize", (row(7, nan), 1.0, 0.0), row(nan, nan))
# truncate: book 36, cap 18; 20 -> 18 and its excess 2 goes to 3 7 6 in proportion (x 18/16)
example("truncate", (row(3, 7, 20, 6), 0.5), row(3.375, 7.875, 18, 6.75))
# book 41, cap 10.25: the long side (total 36) needs three rounds: 20 capped (others x 25.75/16: 7 -> 11.27 over),
# then 7 (x 15.5/9: 6 -> 10.33 over), then 6 (3 x 5.25/3); the short side (5) is under the cap
example("truncate", (row(3, 7, 20, 6, -4, -1, 0, nan), 0.25), row(5.25, 10.25, 10.25, 10.25, -4, -1, 0, nan))
example("truncate", (row(1, 1, -2), 0.1), row(0.4, 0.4, -0.4))  # too few to hold the book: all at the cap
example("scale_down", (row(15, 7, 0, 20), 0.0), row(0.75, 0.35, 0, 1))  # BRAIN's example
example("scale_down", (row(15, 7, 0, 20, nan), 1.0), row(-0.25, -0.65, -1, 0, nan))
example("scale_down", (row(2, 2), 0.0), row(nan, nan))
# quantile, BRAIN's example: ranks 0.25 0.75 0 1 0.5 -> p = 0.2 + 0.6 r = 0.35 0.65 0.2 0.8 0.5
_Z35, _Z20 = 0.38532046640756773, 0.8416212335729143  # -ppf(0.35), -ppf(0.2) (tables: 0.3853, 0.8416)
example("quantile", (row(0.2, 0.5, -0.1, 0.8, 0.3), "gaussian", 1.0), row(-_Z35, _Z35, -_Z20, _Z20, 0))
example("quantile", (row(0.2, 0.5, -0.1, 0.8, 0.3, nan), 1, 2.0), row(-0.3, 0.3, -0.6, 0.6, 0, nan))  # uniform
example("quantile", (row(0.2, 0.5, -0.1, 0.8, 0.3), "cauchy", 1.0),
        row(-math.tan(0.15 * math.pi), math.tan(0.15 * math.pi), -math.tan(0.3 * math.pi), math.tan(0.3 * math.pi), 0))
example("quantile", (row(5, 5, 9), "uniform", 1.0), row(-1 / 12, -1 / 12, 1 / 6))  # ties: r .25 .25 1
example("quantile", (row(nan, 4), "gaussian", 1.0), row(nan, 0))  # one value: p = 1/2
# regression of y = 1 2 4 on x = 1 2 3 (x = 4 has no y): slope 1.5, intercept -2/3, fit 5/6 7/3 23/6
example("regression_proj", (row(1, 2, 4, nan), row(1, 2, 3, 4)), row(5 / 6, 7 / 3, 23 / 6, nan))
example("regression_neut", (row(1, 2, 4, nan), row(1, 2, 3, 4)), row(1 / 6, -1 / 3, 1 / 6, nan))
example("regression_neut", (row(1, 2, 6), row(5, 5, 5)), row(-2, -1, 3))  # constant x: y minus its mean
# BRAIN's example: A = 1 2 3, B = 3 4 5: A.B / B.B = 26/50
example("vector_neut", (row(1, 2, 3), row(3, 4, 5)), row(-0.56, -0.08, 0.4))
example("vector_proj", (row(1, 2, 3, 9), row(3, 4, 5, nan)), row(1.56, 2.08, 2.6, nan))
example("vector_proj", (row(1, 2), row(0, 0)), row(0, 0))
example("vector_neut", (row(1, 2), row(0, 0)), row(1, 2))
example("rank", (row(3, 1, nan, 1), 0.0), row(1, 0.5, nan, 0.5))  # rate has no effect
example("cs_diff_weighted_sum", (row(1, 2, 3, nan, 4), row(0.5, 0.25, 0, 1, nan)), row(0, 1, 2, nan, nan))
example("scale", (row(2, -3, 5, 0, nan), 1.0, 2.0, 3.0), row(4 / 7, -3, 10 / 7, 0, nan))  # BRAIN's long/short books
example("scale", (row(2, -3, 5), 4.0, 1.0, 1.0), row(0.8, -1.2, 2.0))  # BRAIN's example: scale=4
