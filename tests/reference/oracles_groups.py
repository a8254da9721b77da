"""Independent oracles for the groups operators (registered into ``ref_oracles.ORACLES``), and hand-worked
examples (``ref_oracles.example``).

Group statistics: pandas ``groupby([date, label]).transform`` on a long frame of the members (label >= 0, every
input finite); the vector projections' coefficient in exact rationals (``fractions``); ``bucket`` by
``pandas.cut`` over bounds built with ``decimal``; ``densify`` by pandas' dense rank; ``group_cartesian_product``
by pandas' ``groupby([g1, g2]).ngroup()``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
from ref_oracles import EPS, clean, example, oracle

nan = math.nan


def _members(g, *xs) -> pd.DataFrame:
    """Long frame (t, i, label, v0, v1, ..) of the cells whose label is >= 0 and whose every input is finite."""
    xs = np.broadcast_arrays(*(clean(x) for x in xs))
    g = np.broadcast_to(np.asarray(g), xs[0].shape)
    ok = (g >= 0) & np.logical_and.reduce([~np.isnan(x) for x in xs])
    t, i = np.nonzero(ok)
    return pd.DataFrame({"t": t, "i": i, "label": g[t, i], **{f"v{k}": x[t, i] for k, x in enumerate(xs)}})


def _transform(name: str, fn: Callable[[pd.DataFrame], tuple], inputs: int = 1) -> None:
    """Register ``fn(one group's rows) -> (values, atol)`` as the pandas oracle of ``name(*xs, g, *statics)``."""

    def run(*args):
        xs, g, statics = args[:inputs], args[inputs], args[inputs + 1 :]
        df = _members(g, *xs)
        out = np.full(np.broadcast_shapes(*(np.shape(x) for x in xs)), np.nan)
        atol = np.zeros(out.shape)
        for _, part in df.groupby(["t", "label"]):
            values, tol = fn(part, *statics)
            out[part["t"], part["i"]] = values
            atol[part["t"], part["i"]] = tol
        return out, atol

    oracle(name, "pandas groupby transform")(run)


def _scale_tol(v: pd.Series) -> float:
    return 8 * len(v) * EPS * float(v.abs().max())


def _flat(v: pd.Series) -> bool:
    return v.nunique() == 1


def _std(part):
    v = part["v0"]
    return (0.0 if _flat(v) else v.std(ddof=0)), _scale_tol(v)


def _scaled(part):
    v = part["v0"]
    if _flat(v):
        return nan, 0.0
    span = v.max() - v.min()
    return (v - v.min()) / span, 4 * EPS * (1 + v.abs().max() / span)


def _normalized(part, scale=1.0):
    v = part["v0"]
    total = v.abs().sum()
    if total == 0:
        return nan, 0.0
    return v * scale / total, _scale_tol(v) * abs(scale) / total + 4 * EPS * abs(v * scale / total)


def _wmean(part):
    x, w = part["v0"], part["v1"]
    if _flat(x):
        return x.iloc[0], 0.0
    total = w.sum()
    if total == 0:
        return nan, 0.0
    value = (x * w).sum() / total
    return value, 8 * len(x) * EPS * ((x * w).abs().sum() + abs(value) * w.abs().sum()) / abs(total)


def _projection(neutral: bool):
    def fit(part):
        x, y = part["v0"].to_numpy(), part["v1"].to_numpy()
        if not (y != 0).any():
            return nan, 0.0
        # exact rational arithmetic (numpy's lstsq goes through an SVD that loses ~1e-9 on 1e8 offsets)
        b = float(sum(Fraction(u) * Fraction(v) for u, v in zip(x, y, strict=True))
                  / sum(Fraction(v) ** 2 for v in y))
        err_b = 16 * len(x) * EPS * (np.abs(x * y).sum() + abs(b) * (y * y).sum()) / (y * y).sum()
        atol = err_b * np.abs(y) + 4 * EPS * (np.abs(x) + np.abs(b * y))
        return (x - b * y if neutral else b * y), atol

    return fit


_transform("group_sum", lambda p: (p["v0"].sum(), _scale_tol(p["v0"])))
_transform("group_max", lambda p: (p["v0"].max(), 0.0))
_transform("group_min", lambda p: (p["v0"].min(), 0.0))
_transform("group_median", lambda p: (p["v0"].median(), 2 * EPS * p["v0"].abs().max()))
_transform("group_std_dev", _std)
_transform("group_count", lambda p: (float(p["v0"].count()), 0.0))
_transform("group_scale", _scaled)
_transform("group_normalize", _normalized)
_transform("group_wmean", _wmean, inputs=2)
_transform("group_vector_neut", _projection(True), inputs=2)
_transform("group_vector_proj", _projection(False), inputs=2)


@oracle("group_backfill", "python statistics loop")
def _group_backfill(x, g, d, std=4.0):
    """Each missing cell with a label: its group's finite values over the window by plain loops, winsorized with
    ``statistics`` (exact mean and sample stdev)."""
    x = clean(x)
    g = np.broadcast_to(np.asarray(g), x.shape)
    out, atol = x.copy(), np.zeros(x.shape)
    n_rows, n_cols = x.shape
    for t in range(n_rows):
        for i in range(n_cols):
            if not math.isnan(x[t, i]) or g[t, i] < 0:
                continue
            values = [x[s, j] for s in range(max(0, t - d + 1), t + 1) for j in range(n_cols)
                      if g[t, j] == g[t, i] and not math.isnan(x[s, j])]
            if not values:
                continue
            if len(values) > 1:
                mean, sd = statistics.fmean(values), statistics.stdev(values)
                values = [min(max(v, mean - std * sd), mean + std * sd) for v in values]
            out[t, i] = statistics.fmean(values)
            atol[t, i] = 16 * len(values) * EPS * max(abs(v) for v in values) * (1 + std)
    return out, atol


def _decimal_bounds(range_text: str, buckets_text: str) -> list[float]:
    """Bucket bounds in exact decimal arithmetic: the listed ones, else start + k * step up to end."""
    if buckets_text.strip():
        return [float(Decimal(b.strip())) for b in buckets_text.split(",")]
    start, end, step = (Decimal(part.strip()) for part in range_text.split(","))
    count = int(((end - start) / step).to_integral_value())
    return [float(start + k * step) for k in range(count + 1)]


@oracle("bucket", "pandas cut")
def _bucket(x, range_text="0,1,0.1", buckets_text="", skipboth=0.0, nangroup=0.0, skipbegin=0.0, skipend=0.0):
    bounds = _decimal_bounds(range_text, buckets_text)
    x = clean(x)
    codes = pd.cut(pd.Series(x.ravel()), [-math.inf, *bounds, math.inf], right=True, labels=False)
    labels = np.array(codes, dtype=np.float64).reshape(x.shape)  # 0 .. len(bounds); NaN for missing x
    labels[(labels == 0) & bool(skipboth or skipbegin)] = -1
    labels[(labels == len(bounds)) & bool(skipboth or skipend)] = -1
    labels[np.isnan(labels)] = len(bounds) + 1 if nangroup else -1
    return labels, 0.0


@oracle("densify", "pandas dense rank")
def _densify(g):
    frame = pd.DataFrame(np.atleast_2d(np.asarray(g, dtype=np.float64)))
    ranks = frame.where(frame >= 0).rank(axis=1, method="dense") - 1
    return ranks.fillna(-1).to_numpy(), 0.0


@oracle("group_cartesian_product", "pandas groupby ngroup")
def _cartesian(g1, g2):
    g1, g2 = np.broadcast_arrays(np.atleast_2d(np.asarray(g1)), np.atleast_2d(np.asarray(g2)))
    out = np.full(g1.shape, -1.0)
    for t in range(g1.shape[0]):
        ok = (g1[t] >= 0) & (g2[t] >= 0)
        if ok.any():
            frame = pd.DataFrame({"a": g1[t, ok], "b": g2[t, ok]})
            out[t, ok] = frame.groupby(["a", "b"], sort=True).ngroup().to_numpy()
    return out, 0.0


# ---- hand-worked examples: x over 6 assets, groups {0: assets 0-2, 1: assets 3-4}, asset 5 in no group ---------

def _row(*values: float) -> np.ndarray:
    return np.array([values], dtype=np.float64)


X = _row(3, 1, nan, 5, 2, 7)  # group 0's members are 3 and 1 (the NaN is not a member), group 1's 5 and 2
G = np.array([0, 0, 0, 1, 1, -1])
example("group_sum", (X, G), _row(4, 4, nan, 7, 7, nan))
example("group_max", (X, G), _row(3, 3, nan, 5, 5, nan))
example("group_min", (X, G), _row(1, 1, nan, 2, 2, nan))
example("group_median", (X, G), _row(2, 2, nan, 3.5, 3.5, nan))
example("group_median", (_row(4, 1, 9), np.array([0, 0, 0])), _row(4, 4, 4))
example("group_std_dev", (X, G), _row(1, 1, nan, 1.5, 1.5, nan))
example("group_std_dev", (_row(0.1, 0.1, 7), np.array([0, 0, 1])), _row(0, 0, 0))  # equal members: exactly 0
example("group_count", (X, G), _row(2, 2, nan, 2, 2, nan))
example("group_scale", (X, G), _row(1, 0, nan, 1, 0, nan))
example("group_scale", (_row(10, 20, 30, 4), np.array([0, 0, 0, 1])), _row(0, 0.5, 1, nan))  # BRAIN's example
example("group_normalize", (X, G, 1.0), _row(0.75, 0.25, nan, 5 / 7, 2 / 7, nan))
example("group_normalize", (_row(1, -3, 0, 0), np.array([0, 0, 1, 1]), 2.0), _row(0.5, -1.5, nan, nan))
W = _row(1, 3, 1, 1, 0, 1)
example("group_wmean", (X, W, G), _row(1.5, 1.5, nan, 5, 5, nan))  # (3*1 + 1*3) / 4; (5*1 + 2*0) / 1
example("group_wmean", (_row(2, 4), _row(1, -1), np.array([0, 0])), _row(nan, nan))  # the weights sum to 0
Y = _row(1, 1, 1, 1, 0, 1)
example("group_vector_neut", (X, Y, G), _row(1, -1, nan, 0, 2, nan))  # b = 4/2 in group 0, 5/1 in group 1
example("group_vector_proj", (X, Y, G), _row(2, 2, nan, 5, 0, nan))
example("group_vector_proj", (_row(1, 2), _row(0, 0), np.array([0, 0])), _row(nan, nan))  # y = 0: no projection
# bounds 0, 0.1, .., 1: label k holds (b(k-1), bk]; 0 is x <= 0, 11 is x > 1
example("bucket", (_row(-0.5, 0, 0.05, 0.45, 0.9, 1, 1.5, nan), "0,1,0.1", "", 0.0, 0.0),
        _row(0, 0, 1, 5, 9, 10, 11, -1))
example("bucket", (_row(0.3, 0.6, 0.7, 0.1), "0,1,0.1", "", 0.0, 0.0), _row(3, 6, 7, 1))  # decimal bounds
# BRAIN's explicit-bounds example: 0.1 <= 0.2 -> 0, (0.2, 0.5] -> 1, (0.5, 0.7] -> 2, > 0.7 -> 3
example("bucket", (_row(0.1, 0.3, 0.6, 0.8), "0,1,0.1", "0.2,0.5,0.7", 0.0, 0.0), _row(0, 1, 2, 3))
example("bucket", (_row(0.1, 0.3, 0.8, nan), "0,1,0.1", "0.2,0.5,0.7", 1.0, 1.0), _row(-1, 1, -1, 4))
example("bucket", (_row(0.1, 0.3, 0.8, nan), "0,1,0.1", "0.2,0.5,0.7", 0.0, 0.0, 1.0), _row(-1, 1, 3, -1))
example("bucket", (_row(0.1, 0.3, 0.8, nan), "0,1,0.1", "0.2,0.5,0.7", 0.0, 0.0, 0.0, 1.0), _row(0, 1, -1, -1))
# BRAIN's example (its rows are most recent first): i3's missing value is the mean 3.56 of the 9 values
example("group_backfill", (np.array([[5, 9, nan], [5, 2, 2], [2, nan, -4], [4, 7, nan]]), np.array([0, 0, 0]), 4, 4.0),
        np.array([[5, 9, 7], [5, 2, 2], [2, 3, -4], [4, 7, 32 / 9]]))
example("group_backfill", (_row(nan, 1, nan), np.array([-1, 0, 1]), 2, 4.0), _row(nan, 1, nan))  # no group / values
example("densify", (np.array([[7, -1, 2, 7, 99], [3, 3, -2, 0, 0]]),), np.array([[1, -1, 0, 1, 2], [1, 1, -1, 0, 0]]))
# sector x size: pairs (0,1) (0,0) (1,1) (0,1) and two assets with no group in one of the labellings
example("group_cartesian_product", (np.array([[0, 0, 1, 0, -1, 1], [2, 2, 2, 2, 2, 2]]), np.array([1, 0, 1, 1, 0, -1])),
        np.array([[1, 0, 2, 1, -1, -1], [1, 0, 1, 1, 0, -1]]))
