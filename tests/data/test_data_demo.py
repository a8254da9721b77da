"""Invariants of the synthetic demo market."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alphalang.data import Panel, demo_panel
from alphalang.errors import AlphaDataError

PRICE_FIELDS = ("open", "high", "low", "close", "vwap", "volume", "cap")


@pytest.fixture(scope="module")
def big() -> Panel:
    return demo_panel(500, 200, seed=11)


def test_default_shape_and_labels():
    p = demo_panel()
    assert p.shape == (500, 100)
    assert set(p.fields) == {"open", "high", "low", "close", "volume", "vwap", "cap", "returns"}
    assert set(p.groups) == {"sector", "industry", "subindustry"}
    assert isinstance(p.dates, pd.DatetimeIndex) and p.dates[0] == pd.Timestamp("2015-01-02")
    assert (p.dates.day_of_week < 5).all() and p.dates.is_monotonic_increasing
    assert p.assets[0] == "A0000" and p.assets[-1] == "A0099"
    assert all(g.shape == (100,) and g.dtype == np.int64 for g in p.groups.values())
    assert demo_panel(3, 10001).assets[-1] == "A10000"


def test_deterministic_per_seed():
    a, b, c = demo_panel(60, 30, seed=5), demo_panel(60, 30, seed=5), demo_panel(60, 30, seed=6)
    for k in a.fields:
        assert np.array_equal(a.field(k), b.field(k), equal_nan=True)
    for k in a.groups:
        assert np.array_equal(a.groups[k], b.groups[k])
    assert not np.array_equal(a.field("close"), c.field("close"), equal_nan=True)


def _check_invariants(p: Panel) -> None:
    o, h, lo, c = (p.field(k) for k in ("open", "high", "low", "close"))
    vw, vol = p.field("vwap"), p.field("volume")
    ok = ~np.isnan(c)
    # halts: all price/volume fields missing together
    for k in PRICE_FIELDS:
        assert np.array_equal(np.isnan(p.field(k)), ~ok), k
    assert (lo[ok] > 0).all() and np.isfinite(h[ok]).all()
    assert (lo[ok] <= o[ok]).all() and (o[ok] <= h[ok]).all()
    assert (lo[ok] <= c[ok]).all() and (c[ok] <= h[ok]).all()
    assert (lo[ok] <= vw[ok]).all() and (vw[ok] <= h[ok]).all()
    assert (vol[ok] > 0).all() and (vol[ok] == np.round(vol[ok])).all()
    shares = p.field("cap") / c
    assert np.allclose(np.nanmax(shares, axis=0), np.nanmin(shares, axis=0), rtol=1e-12)
    # returns = close / prev close - 1 exactly, NaN on the first row and around halts
    r = p.field("returns")
    assert np.isnan(r[0]).all()
    expected = c[1:] / c[:-1] - 1
    assert np.array_equal(r[1:], expected, equal_nan=True)
    # nesting: every subindustry in one industry, every industry in one sector
    sec, ind, sub = p.groups["sector"], p.groups["industry"], p.groups["subindustry"]
    for child, parent in ((sub, ind), (ind, sec)):
        pairs = np.unique(np.stack([child, parent]), axis=1)
        assert len(np.unique(pairs[0])) == pairs.shape[1]
    for g in (sec, ind, sub):
        assert g.min() == 0 and set(np.unique(g)) == set(range(g.max() + 1))  # contiguous labels


def test_invariants_big(big):
    _check_invariants(big)
    assert len(np.unique(big.groups["sector"])) == 11
    assert len(np.unique(big.groups["industry"])) > 11
    assert len(np.unique(big.groups["subindustry"])) > len(np.unique(big.groups["industry"]))


def test_halts_are_short_nan_runs(big):
    nan = np.isnan(big.field("close"))
    assert nan.any() and nan.mean() < 0.01
    for j in np.flatnonzero(nan.any(axis=0)):
        col = np.concatenate([[False], nan[:, j], [False]]).astype(int)
        starts, ends = np.flatnonzero(np.diff(col) == 1), np.flatnonzero(np.diff(col) == -1)
        assert (ends - starts <= 10).all()  # runs of at most a few days (overlapping halts may merge)
    # returns are NaN during a halt and on the day trading resumes
    r = big.field("returns")
    assert np.isnan(r[1:][nan[:-1] | nan[1:]]).all()


def test_realistic_structure(big):
    r = big.field("returns")
    ok = np.isfinite(r)
    assert 0.005 < np.std(r[ok]) < 0.05
    z = (r[ok] - r[ok].mean()) / r[ok].std()
    assert np.mean(z**4) > 3.5  # fat tails
    # a common market factor: assets are positively correlated on average
    x = np.where(ok, r, 0.0)[1:]
    corr = np.corrcoef(x.T)
    assert corr[np.triu_indices_from(corr, 1)].mean() > 0.1
    # same-sector pairs are more correlated than cross-sector pairs
    sec = big.groups["sector"]
    same = sec[:, None] == sec[None, :]
    off = ~np.eye(len(sec), dtype=bool)
    assert corr[same & off].mean() > corr[~same].mean() + 0.02
    # volume rises with |return|
    v = np.log(big.field("volume"))
    v_dm = v - np.nanmean(v, axis=0)
    both = ok & np.isfinite(v_dm)
    assert np.corrcoef(np.abs(r[both]), v_dm[both])[0, 1] > 0.1


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(1, 15), st.integers(0, 2**32 - 1))
def test_small_panels(n_days, n_assets, seed):
    p = demo_panel(n_days, n_assets, seed)
    assert p.shape == (n_days, n_assets)
    _check_invariants(p)


def test_tiny_and_invalid_sizes():
    p = demo_panel(2, 1)
    assert p.shape == (2, 1) and np.isfinite(p.field("returns")[1, 0])
    with pytest.raises(AlphaDataError, match="n_days >= 1"):
        demo_panel(0, 5)
