"""Whole-column rolling: pandas / bottleneck run over entire (T, N) columns exactly as a user would call them,
independently of ``ref_oracles.window_matrix``: checks window alignment (rows t-d+1..t), warm-up and the
strict NaN rule end to end. Data is well conditioned (small integers, ordinary reals, positives) so that the
online algorithms of pandas/bottleneck, which carry rounding across windows, stay within tolerance."""

from __future__ import annotations

import bottleneck as bn
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ref_oracles import assert_matches, clean

from alphalang.ops import REGISTRY
from alphalang.testing import series_arrays

WELL = series_arrays(regimes=("integers", "normal", "positive"))


def _scale(x: np.ndarray, power: int = 1) -> float:
    fin = np.abs(x[np.isfinite(x)])
    return float(fin.max()) ** power if fin.size else 0.0


PANDAS = {
    "ts_sum": (lambda r: r.sum(), 1),
    "ts_mean": (lambda r: r.mean(), 1),
    "ts_min": (lambda r: r.min(), 1),
    "ts_max": (lambda r: r.max(), 1),
    "ts_var": (lambda r: r.var(ddof=1), 2),
    "ts_std": (lambda r: r.std(ddof=1), 1),
    "ts_rank": (lambda r: r.rank(pct=True), 0),
}
BOTTLENECK = {
    "ts_sum": (lambda a, d: bn.move_sum(a, d, axis=0), 1),
    "ts_mean": (lambda a, d: bn.move_mean(a, d, axis=0), 1),
    "ts_min": (lambda a, d: bn.move_min(a, d, axis=0), 1),
    "ts_max": (lambda a, d: bn.move_max(a, d, axis=0), 1),
    "ts_std": (lambda a, d: bn.move_std(a, d, axis=0, ddof=1), 1),
}
# Online variance carries an absolute error ~EPS * scale^2 across windows, so a std that should be 0 (a flat
# window after varied ones) comes out as ~sqrt(EPS) * scale: whole-column std is only checked to that. The
# tight check of std is the per-window one in test_ref_properties.
_STD_ATOL = 1e-7


@pytest.mark.parametrize("op", sorted(PANDAS))
@settings(max_examples=30, deadline=None)
@given(x=WELL, d=st.integers(2, 7))
def test_whole_column_pandas_rolling(op: str, x: np.ndarray, d: int) -> None:
    fn, power = PANDAS[op]
    expected = fn(pd.DataFrame(clean(x)).rolling(d)).to_numpy()
    atol = 1e-12 * d * _scale(x, power) if power else 1e-15
    if op == "ts_std":
        atol = _STD_ATOL * _scale(x)
    assert_matches(REGISTRY[op].reference(x, d), expected, atol, what=op)


@pytest.mark.parametrize("op", sorted(BOTTLENECK))
@settings(max_examples=30, deadline=None)
@given(x=WELL, d=st.integers(2, 7))
def test_whole_column_bottleneck(op: str, x: np.ndarray, d: int) -> None:
    fn, power = BOTTLENECK[op]
    if d > x.shape[0]:  # bottleneck refuses windows longer than the data; the reference is all NaN then
        assert np.isnan(REGISTRY[op].reference(x, d)).all()
        return
    expected = fn(clean(x), d)
    atol = _STD_ATOL * _scale(x) if op == "ts_std" else 1e-12 * d * _scale(x, power)
    assert_matches(REGISTRY[op].reference(x, d), expected, atol, what=op)


@settings(max_examples=30, deadline=None)
@given(x=WELL, y=WELL, d=st.integers(2, 7))
def test_whole_column_corr_cov(x: np.ndarray, y: np.ndarray, d: int) -> None:
    n = min(x.shape[1], y.shape[1])
    t = min(x.shape[0], y.shape[0])
    x, y = x[:t, :n], y[:t, :n]
    a, b = pd.DataFrame(clean(x)).rolling(d), pd.DataFrame(clean(y))
    cov = a.cov(b, ddof=1).to_numpy()
    assert_matches(REGISTRY["ts_cov"].reference(x, y, d), cov, 1e-10 * _scale(x) * _scale(y), what="ts_cov")
    const = (pd.DataFrame(clean(x)).rolling(d).max() == pd.DataFrame(clean(x)).rolling(d).min()).to_numpy()
    const = const | (b.rolling(d).max() == b.rolling(d).min()).to_numpy()
    corr = np.where(const, np.nan, np.clip(a.corr(b).to_numpy(), -1, 1))
    # pandas' E[xy] - E[x]E[y] loses ~|mean|^2/var digits; the integer/normal data keeps that below ~1e3
    assert_matches(REGISTRY["ts_corr"].reference(x, y, d), corr, 1e-8, what="ts_corr")


@settings(max_examples=30, deadline=None)
@given(x=WELL, d=st.integers(1, 5))
def test_whole_column_shift_and_ewm(x: np.ndarray, d: int) -> None:
    shifted = pd.DataFrame(x).shift(d).to_numpy()
    assert_matches(REGISTRY["delay"].reference(x, d), shifted)
    # with no missing value at all, ts_ema is exactly pandas ewm on the whole column
    full = np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0)
    ewm = pd.DataFrame(full).ewm(halflife=float(d), adjust=True).mean().to_numpy()
    assert_matches(REGISTRY["ts_ema"].reference(full, float(d)), ewm, 1e-12 * _scale(full) * len(full))
