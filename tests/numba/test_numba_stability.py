"""Numerical stability of the O(1) running-sum kernels: long series of 1e8 + noise against exact two-pass
statistics (rational arithmetic on the same float inputs)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import alphalang

T = 100_000
D = 60  # > DIRECT_MAX: the O(1) anchored running-sum path
CHECK_ROWS = (D - 1, 5_000, 30_010, 30_000 + D + 3, 50_000, T - 2, T - 1)  # 30_000: a 1e12 spike


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(42)
    level = 1e8 + np.cumsum(rng.normal(0, 0.05, (T, 3)), axis=0)  # a slowly drifting 1e8 level
    x = level + rng.normal(0, 1.0, (T, 3))
    x[:, 2] = 1e8 + rng.normal(0, 1e-3, T)  # tiny noise on a huge offset: the hardest case
    x[30_000, 1] = 1e12  # a spike passing through the window
    x = np.column_stack([x, rng.normal(0, 1.0, T)])
    x[30_000, 3] = 240.0  # just below the early-recompute threshold (240^2 < 1e3 * ~60): its residue must stay tiny
    y = rng.normal(0, 1.0, (T, 4)) + 0.5 * (x - 1e8)
    return x, y


@pytest.fixture(scope="module")
def results(series):
    x, y = series
    program = alphalang.compile(
        f"mean = ts_mean(close, {D})\nvar = ts_var(close, {D})\nstd = ts_std(close, {D})\n"
        f"z = ts_zscore(close, {D})\ncorr = ts_corr(close, volume, {D})\ncov = ts_cov(close, volume, {D})\n"
        f"decay = decay_linear(close, {D})\nslope = ts_slope(close, {D})\nskew = ts_skew(close, {D})",
        backend="numba")
    return program.run({"close": x, "volume": y})


def _exact(x, y, t):
    """Exact window statistics at row t (rationals), as floats."""
    w = [Fraction(v) for v in x[t - D + 1 : t + 1]]
    v = [Fraction(u) for u in y[t - D + 1 : t + 1]]
    mean = sum(w) / D
    my = sum(v) / D
    c = [a - mean for a in w]
    cy = [b - my for b in v]
    ss = sum(a * a for a in c)
    syy = sum(b * b for b in cy)
    sxy = sum(a * b for a, b in zip(c, cy, strict=True))
    var = ss / (D - 1)
    u = [Fraction(2 * j - (D - 1), 2) for j in range(D)]
    m2, m3 = ss / D, sum(a**3 for a in c) / D
    return {
        "mean": float(mean), "var": float(var), "std": float(var) ** 0.5, "z": float(c[-1]) / float(var) ** 0.5,
        "corr": float(sxy) / (float(ss) * float(syy)) ** 0.5, "cov": float(sxy / (D - 1)),
        "decay": float(sum(a * (j + 1) for j, a in enumerate(w)) / (D * (D + 1) // 2)),
        "slope": float(sum(a * b for a, b in zip(c, u, strict=True)) / sum(b * b for b in u)),
        "skew": float(m3) / float(m2) ** 1.5 * np.sqrt(D * (D - 1.0)) / (D - 2.0),
    }


@pytest.mark.parametrize("row", CHECK_ROWS)
@pytest.mark.parametrize("asset", [0, 1, 2, 3])
def test_long_offset_series_match_exact_two_pass(series, results, row, asset):
    x, y = series
    want = _exact(x[:, asset], y[:, asset], row)
    for name, value in want.items():
        got = results[name][row, asset]
        scale = abs(value) if name not in ("z", "skew", "corr") else max(abs(value), 1.0)
        assert abs(got - value) <= 1e-9 * scale, (name, row, asset, got, value)
