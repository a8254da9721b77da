"""The ``pandas-ref`` profile's differences from ``paper`` (semantics.md, last section), against pandas:
windows rounded half up (paper floors), ts_rank in 1..d (paper: divided by d), adv{d} in shares (paper:
dollars); everything else identical."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ref_oracles import assert_matches, clean

import alphalang
from alphalang.testing import panels

PANELS = panels(n_days=st.integers(1, 30), fields=("close", "volume", "vwap"), groups=("sector",))


def _rolling(x: np.ndarray, d: int, fn) -> np.ndarray:
    return fn(pd.DataFrame(clean(x)).rolling(d)).to_numpy()


@pytest.mark.parametrize(("window", "floor", "half_up"), [(2.5, 2, 3), (3.49, 3, 3), (3.5, 3, 4), (1.99, 1, 2)])
@settings(max_examples=10, deadline=None)
@given(panel=PANELS)
def test_windows_floor_in_paper_and_round_half_up_in_pandas_ref(panel, window: float, floor: int,
                                                                half_up: int) -> None:
    x = panel.field("close")
    text = f"ts_sum(close, {window})"
    tol = 1e-12 * np.nan_to_num(np.nanmax(np.abs(clean(x)), initial=0.0)) * 8
    assert_matches(alphalang.evaluate(text, panel), _rolling(x, floor, lambda r: r.sum()), tol, what="paper")
    assert_matches(alphalang.evaluate(text, panel, profile="pandas-ref"), _rolling(x, half_up, lambda r: r.sum()),
                   tol, what="pandas-ref")
    lagged = pd.DataFrame(x).shift(half_up).to_numpy()
    assert_matches(alphalang.evaluate(f"delay(close, {window})", panel, profile="pandas-ref"), lagged)


def test_a_window_rounding_to_zero_is_an_error_only_in_paper() -> None:
    panel = alphalang.Panel({"close": np.arange(6.0).reshape(3, 2)})
    with pytest.raises(alphalang.AlphaTypeError):
        alphalang.evaluate("ts_sum(close, 0.5)", panel)
    assert_matches(alphalang.evaluate("ts_sum(close, 0.5)", panel, profile="pandas-ref"), panel.field("close"))


@settings(max_examples=25, deadline=None)
@given(panel=PANELS, d=st.integers(1, 6))
def test_ts_rank_is_one_to_d_in_pandas_ref(panel, d: int) -> None:
    x = panel.field("close")
    got = alphalang.evaluate(f"ts_rank(close, {d})", panel, profile="pandas-ref")
    assert_matches(got, _rolling(x, d, lambda r: r.rank(method="average")), 4 * d * 1e-16, what="pandas-ref")
    got = alphalang.evaluate(f"ts_rank(close, {d})", panel)
    assert_matches(got, _rolling(x, d, lambda r: r.rank(method="average", pct=True)), 1e-15, what="paper")


@settings(max_examples=25, deadline=None)
@given(panel=PANELS, d=st.integers(1, 6))
def test_adv_is_in_shares_in_pandas_ref_and_in_dollars_in_paper(panel, d: int) -> None:
    volume, vwap = panel.field("volume"), panel.field("vwap")
    with np.errstate(all="ignore"):
        dollars = volume * vwap

    def scale(a):
        return 8 * d * 2.2e-16 * np.nan_to_num(np.nanmax(np.abs(clean(a)), initial=0.0))

    got = alphalang.evaluate(f"adv{d}", panel, profile="pandas-ref")
    assert_matches(got, _rolling(volume, d, lambda r: r.mean()), scale(volume), what="pandas-ref adv")
    got = alphalang.evaluate(f"adv{d}", panel)
    assert_matches(got, _rolling(dollars, d, lambda r: r.mean()), scale(dollars), what="paper adv")


@pytest.mark.parametrize("text", ["ts_corr(close, volume, 4)", "rank(close)", "decay_linear(close, 3)",
                                  "indneutralize(close, IndClass.sector)", "ts_std(close, 5)"])
@settings(max_examples=10, deadline=None)
@given(panel=PANELS)
def test_everything_else_is_identical(panel, text: str) -> None:
    paper = alphalang.evaluate(text, panel)
    ref = alphalang.evaluate(text, panel, profile="pandas-ref")
    assert np.array_equal(paper, ref, equal_nan=True)


def test_hand_worked_profile_example() -> None:
    close = np.array([[1.0], [3.0], [2.0], [4.0]])
    panel = alphalang.Panel({"close": close, "volume": [[10.0]] * 4, "vwap": [[2.0]] * 4})
    assert_matches(alphalang.evaluate("ts_rank(close, 3)", panel, profile="pandas-ref"),
                   np.array([[math.nan], [math.nan], [2.0], [3.0]]))
    assert_matches(alphalang.evaluate("ts_rank(close, 3.5)", panel), np.array([[math.nan], [math.nan], [2 / 3], [1.0]]))
    assert_matches(alphalang.evaluate("adv2", panel, profile="pandas-ref"), np.array([[math.nan], [10], [10], [10]]))
    assert_matches(alphalang.evaluate("adv2", panel), np.array([[math.nan], [20], [20], [20]]))
