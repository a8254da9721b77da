"""alphalang.simulate against the independent pandas implementation (sim_oracle.py): PnL series and every
metric, whole run, per calendar year and in/out of sample, to 1e-9, on demo data and on real S&P 500 prices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sim_oracle import METRICS, pandas_metrics, pandas_simulate

import alphalang
from alphalang.data import Panel

SP500 = Path(__file__).resolve().parents[3] / "shared" / "data" / "sp500"

CASES = [
    dict(),
    dict(delay=0, neutralization="market"),
    dict(decay=5, neutralization="sector", truncation=0.05),
    dict(delay=0, decay=5, neutralization="subindustry", universe=40, universe_rebalance=20),
    dict(neutralization="industry", truncation=0.05, universe=30, universe_rebalance=7, cost_bps=5.0),
    dict(decay=5, pasteurize=False, universe=40, neutralization="market", split="2016-01-01"),
]


def reversal(close: pd.DataFrame) -> pd.DataFrame:
    """A short-term reversal alpha with missing values (written in pandas, not alphalang)."""
    alpha = -(close / close.shift(5) - 1.0)
    alpha = alpha.mask(np.arange(alpha.size).reshape(alpha.shape) % 17 == 0)  # holes: decay renormalises
    return alpha


def close_enough(actual, expected, scale):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-9 * scale)


def check(panel: Panel, alpha: pd.DataFrame, settings: dict) -> None:
    close, volume = panel.to_wide("close"), panel.to_wide("volume")
    level = settings.get("neutralization", "none")
    groups = panel.to_wide(panel.group(level).astype(float)) if level not in ("none", "market") else None
    oracle_settings = {k: v for k, v in settings.items() if k != "split"}
    expected = pandas_simulate(alpha, close, volume, groups, **oracle_settings)
    sim = alphalang.simulate(alpha, panel, **settings)
    book = settings.get("booksize", 20e6)
    close_enough(sim.pnl, expected["pnl"].to_numpy(), book)
    close_enough(sim.traded, expected["traded"].to_numpy(), book)
    close_enough(sim.positions, expected["positions"].to_numpy(), book)
    assert sim.metrics.keys() == set(METRICS)
    want = pandas_metrics(expected, book)
    for name in METRICS:
        close_enough(sim.metrics[name], want[name], 1.0)
    dates = pd.Series(panel.dates, index=panel.dates)
    assert list(sim.yearly.index) == sorted(set(panel.dates.year))
    for year, row in sim.yearly.iterrows():
        want = pandas_metrics(expected, book, rows=dates.dt.year == year)
        for name in METRICS:
            close_enough(row[name], want[name], 1.0)
    if "split" in settings:
        after = dates >= pd.Timestamp(settings["split"])
        for label, rows in (("in-sample", ~after), ("out-of-sample", after)):
            want = pandas_metrics(expected, book, rows=rows)
            for name in METRICS:
                close_enough(sim.split.loc[label, name], want[name], 1.0)
    assert (sim.book.longs + sim.book.shorts).max() > 0  # the case exercises a real book


@pytest.fixture(scope="module")
def demo():
    return alphalang.demo_panel(300, 60, seed=3)


@pytest.mark.parametrize("settings", CASES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "default")
def test_demo_matches_pandas(demo, settings):
    check(demo, reversal(demo.to_wide("close")), settings)


@pytest.fixture(scope="module")
def sp500():
    if not (SP500 / "prices.parquet").exists():
        pytest.skip(f"S&P 500 data not found in {SP500}")
    prices = pd.read_parquet(SP500 / "prices.parquet", columns=["date", "asset", "close", "volume"])
    prices["date"] = pd.to_datetime(prices["date"])
    dates = np.sort(prices["date"].unique())[-300:]
    assets = np.sort(prices["asset"].unique())[:100]
    prices = prices[prices["date"].isin(dates) & prices["asset"].isin(assets)]
    sectors = pd.read_csv(SP500 / "sectors.csv").set_index("asset")
    fields = {f: prices.pivot(index="date", columns="asset", values=f) for f in ("close", "volume")}
    groups = {level: pd.Series(pd.factorize(sectors[level])[0], index=sectors.index)
              for level in ("sector", "subindustry")}
    return Panel(fields, groups=groups)


SP500_CASES = [
    dict(neutralization="sector", decay=5, truncation=0.05),
    dict(delay=0, neutralization="subindustry", universe=60),
    dict(neutralization="market", universe=50, decay=5, split="2017-06-01"),
    dict(delay=0, truncation=0.05, cost_bps=2.0),
]


@pytest.mark.parametrize("settings", SP500_CASES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_sp500_matches_pandas(sp500, settings):
    check(sp500, reversal(sp500.to_wide("close")), settings)
