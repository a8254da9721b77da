"""Hand-worked books: two assets, three days, every setting, the numbers written out.

Prices: A = 100, 110, 99 and B = 50, 50, 55, so R[1] = (+10%, 0) and R[2] = (-10%, +10%). Booksize 100.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.data import Panel

CLOSE = [[100.0, 50.0], [110.0, 50.0], [99.0, 55.0]]
ALPHA = np.array([[1.0, 3.0], [2.0, 1.0], [4.0, 0.0]])
DATES = pd.to_datetime(["2020-12-30", "2020-12-31", "2021-01-04"])


def panel(volume=((1.0, 3.0),) * 3, groups=(0, 0), **fields) -> Panel:
    return Panel({"close": CLOSE, "volume": list(volume), **fields}, groups={"sector": list(groups)},
                 dates=DATES, assets=["A", "B"])


def sim(alpha=ALPHA, data=None, **settings):
    return alphalang.simulate(alpha, data or panel(), **{"booksize": 100.0, **settings})


def approx(x):
    return pytest.approx(np.asarray(x, dtype=float) if isinstance(x, list) else x, rel=1e-12, abs=1e-12)


def test_delay_one_no_neutralization():
    s = sim()
    # row 0 holds nothing (no alpha row -1); row 1 from alpha row 0 = (1, 3) -> (25, 75); row 2 from (2, 1)
    assert s.positions.tolist() == approx([[0, 0], [25, 75], [200 / 3, 100 / 3]])
    assert s.traded.tolist() == approx([0, 100, (200 / 3 - 25) + (75 - 100 / 3)])
    assert s.pnl.tolist() == approx([0, 0, 25 * -0.1 + 75 * 0.1])  # = 5
    # live from t0 = 1: PnL rows [2] = [5], traded rows [1, 2], two longs on each
    traded = 100 + 250 / 3
    assert s.metrics["returns"] == approx(252 * 5 / 50)
    assert math.isnan(s.metrics["sharpe"]) and math.isnan(s.metrics["fitness"])  # one PnL row: no std
    assert s.metrics["turnover"] == approx(traded / 2 / 100)
    assert s.metrics["drawdown"] == 0
    assert s.metrics["margin"] == approx(5 / traded * 1e4)
    assert (s.metrics["long_count"], s.metrics["short_count"]) == (2, 0)
    assert "sharpe undefined" in s.warnings and "only 1 live dates" in s.warnings


def test_delay_zero_market_with_costs_and_years():
    s = sim(delay=0, neutralization="market", cost_bps=10.0, days_per_year=252)
    # demeaned rows: (-1, 1), (0.5, -0.5), (2, -2) -> weights (-.5, .5), (.5, -.5), (.5, -.5)
    assert s.positions.tolist() == [[-50, 50], [50, -50], [50, -50]]
    assert s.traded.tolist() == [100, 200, 0]
    # PnL[1] = -50 * 0.1 - 10bp * 100; PnL[2] = 50 * -0.1 - 50 * 0.1 - 10bp * 200
    assert s.pnl.tolist() == approx([0, -5.1, -10.2])
    mean, sd = -7.65, 5.1 / math.sqrt(2)
    m = s.metrics
    assert m["returns"] == approx(252 * mean / 50)
    assert m["sharpe"] == approx(math.sqrt(252) * mean / sd)
    assert m["turnover"] == approx(1.0)
    assert m["fitness"] == approx(m["sharpe"] * math.sqrt(abs(252 * mean / 50) / 1.0))
    assert m["drawdown"] == approx(15.3 / 50)  # running peak starts at 0
    assert m["margin"] == approx(-15.3 / 300 * 1e4)
    assert (m["long_count"], m["short_count"]) == (1, 1)
    # 2020: PnL row 1 (-5.1), position rows 0, 1; 2021: PnL row 2 (-10.2), position row 2
    assert s.yearly.loc[2020, "returns"] == approx(252 * -5.1 / 50)
    assert s.yearly.loc[2020, "turnover"] == approx(1.5)
    assert s.yearly.loc[2021, "drawdown"] == approx(10.2 / 50)
    assert math.isnan(s.yearly.loc[2021, "margin"])  # nothing traded on row 2: no margin
    assert s.yearly["days"].tolist() == [1, 1]


def test_split():
    s = sim(delay=0, neutralization="market", split="2021-01-01")
    assert s.split.loc["in-sample", "returns"] == approx(252 * -5 / 50)
    assert s.split.loc["out-of-sample", "returns"] == approx(252 * -10 / 50)
    assert s.split.loc["out-of-sample", "long_count"] == 1


def test_group_neutralization():
    same = sim(delay=0, neutralization="sector", data=panel(groups=(0, 0)))
    assert same.positions.tolist() == [[-50, 50], [50, -50], [50, -50]]  # one group = market
    alone = sim(delay=0, neutralization="sector", data=panel(groups=(0, 1)))
    assert not alone.positions.any() and alone.warnings == ["no position on any date"]
    assert all(math.isnan(v) for v in alone.metrics.values())
    nogroup = sim(delay=0, neutralization="sector", data=panel(groups=(0, -1)))
    assert not nogroup.positions.any()  # B has no group, A alone demeans to 0


def test_decay_renormalises_missing_terms():
    alpha = ALPHA.copy()
    alpha[1, 0] = np.nan
    s = sim(alpha, delay=0, decay=2)
    # D0 = (1, 3); D1 = (1 x 1 / 1, (2 x 1 + 1 x 3) / 3) = (1, 5/3); D2 = (2 x 4 / 2, (2 x 0 + 1 x 1) / 3)
    d = np.array([[1, 3], [1, 5 / 3], [4, 1 / 3]])
    assert s.positions.tolist() == approx((100 * d / d.sum(axis=1, keepdims=True)).tolist())


def test_universe_top_n_ties_and_rebalance():
    ones = np.ones((3, 2))
    # dollar volume A = 100, 110, 99 (volume 1); B = 150 each row (volume 3): B is the top-1 from row 1 on
    s = sim(ones, delay=0, universe=1, universe_rebalance=1)
    assert s.positions.tolist() == [[0, 0], [0, 100], [0, 100]]  # row 0: nothing is eligible
    # volume B = 2: dollar volume 100 on row 0 ties with A -> the earlier asset (A) on row 1; row 2 means
    # A (100 + 110) / 2 = 105 > B 100
    tie = sim(ones, delay=0, universe=1, universe_rebalance=1, data=panel(volume=((1.0, 2.0),) * 3))
    assert tie.positions.tolist() == [[0, 0], [100, 0], [100, 0]]
    # rebalance every 2 rows: rows 0-1 use the row-0 choice (nothing), row 2 picks on rows 0, 1
    assert sim(ones, delay=0, universe=1, universe_rebalance=2).positions.tolist() == [[0, 0], [0, 0], [0, 100]]


def test_universe_field_pasteurize_and_missing_close():
    member = [[1, 0], [1, 1], [1, 1]]
    data = panel(member=member)
    on = sim(delay=0, decay=2, universe="member", data=data)
    off = sim(delay=0, decay=2, universe="member", pasteurize=False, data=data)
    # row 1, B: pasteurized, its row-0 alpha (out of the universe) is dropped -> 1; else (2 x 1 + 3) / 3
    assert on.positions[1].tolist() == approx([100 * (5 / 3) / (5 / 3 + 1), 100 * 1 / (5 / 3 + 1)])
    assert off.positions[1].tolist() == approx([50, 50])
    assert on.positions[0].tolist() == [100, 0] and off.positions[0].tolist() == [100, 0]
    with pytest.raises(alphalang.AlphaDataError, match="0, 1 or NaN"):
        sim(universe="member", data=panel(member=[[1, 2]] * 3))


def test_truncation():
    s = sim(np.array([[3.0, 1.0]] * 3), delay=0, truncation=0.5)
    # (0.75, 0.25) -> clip (0.5, 0.25) -> (2/3, 1/3) -> ... converges to (0.5, 0.5)
    assert s.positions.tolist() == pytest.approx(np.full((3, 2), 50.0), rel=1e-8)
    assert np.abs(s.weights).max() <= 0.5 * (1 + 1e-9)
    assert sim(np.array([[3.0, 1.0]] * 3), delay=0, truncation=0.8).positions.tolist() == approx([[75, 25]] * 3)


def test_nan_returns_contribute_zero_and_dataframe_alpha():
    data = Panel({"close": [[100.0, 50.0], [np.nan, 50.0], [99.0, 55.0]]}, dates=DATES, assets=["A", "B"])
    s = sim(delay=0, data=data)
    # R[1] and R[2] of A are missing; universe None keeps A (positions use the alpha, not the price)
    assert s.pnl.tolist() == approx([0, 0, 200 / 3 * 0 + 100 / 3 * 0.1])
    frame = pd.DataFrame(ALPHA[:, ::-1], index=DATES, columns=["B", "A"])  # columns by label
    assert sim(frame, delay=0, data=data).pnl.tolist() == s.pnl.tolist()


@pytest.mark.parametrize(("settings", "message"), [
    (dict(decya=2), "did you mean 'decay'"),
    (dict(delay=-1), "delay=-1 is invalid"),
    (dict(truncation=1.5), r"truncation=1.5 is invalid: expected a number in \[0, 1\]"),
    (dict(booksize=0), "booksize=0 is invalid"),
    (dict(neutralization="sectr"), "did you mean .sector."),
    (dict(universe=0), "universe=0 is invalid"),
    (dict(split="not a date"), "split='not a date' is invalid"),
    (dict(pasteurize="maybe"), "True or False"),
])
def test_bad_settings(settings, message):
    with pytest.raises(alphalang.AlphaError, match=message):
        sim(**settings)


def test_bad_alpha_shape():
    with pytest.raises(alphalang.AlphaDataError, match="shape"):
        sim(np.ones((2, 2)))
    with pytest.raises(alphalang.AlphaDataError, match="lacks"):
        sim(pd.DataFrame(ALPHA, index=DATES, columns=["A", "C"]))
