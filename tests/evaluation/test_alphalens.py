"""The alphalens adapter, and our numbers against alphalens-reloaded's own (skipped when it is not installed)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.evaluation import alphalens_inputs, analyze, quantile_buckets, to_alphalens

PERIODS = (1, 5, 10)


@pytest.fixture(scope="module")
def case():
    panel = alphalang.demo_panel(200, 30, seed=5)
    close = panel.to_wide("close").ffill().bfill()  # alphalens and we agree on complete prices
    panel = alphalang.Panel({"close": close.to_numpy()}, dates=panel.dates, assets=panel.assets)
    factor = alphalang.evaluate("-rank(ts_mean(returns, 4))", panel)
    return panel, factor


def test_inputs_drop_warm_up_and_missing(case):
    panel, factor = case
    series, prices = alphalens_inputs(factor, panel)
    assert series.index.names == ["date", "asset"]
    assert np.isfinite(series.to_numpy()).all()
    assert series.index.get_level_values("date").min() == panel.dates[4]  # warm-up rows gone
    assert prices.shape == panel.shape
    wide = panel.to_wide(factor)
    again, _ = alphalens_inputs(wide, prices)
    pd.testing.assert_series_equal(series, again)


def test_inputs_reject_misaligned_array(case):
    panel, _ = case
    with pytest.raises(alphalang.AlphaDataError):
        alphalens_inputs(np.zeros((3, 3)), panel)


def test_matches_alphalens(case):
    pytest.importorskip("alphalens")
    from alphalens import performance

    panel, factor = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = to_alphalens(factor, panel, periods=PERIODS, quantiles=5, filter_zscore=None, max_loss=0.5)
        al_ic = performance.factor_information_coefficient(data)
        al_q, _ = performance.mean_return_by_quantile(data)
        al_turn = performance.quantile_turnover(data["factor_quantile"], 5, period=1)
        al_ac = performance.factor_rank_autocorrelation(data, period=1)
    # alphalens drops the dates without a forward return for the longest period: mask them the same way
    kept = data.index.get_level_values("date").unique()
    masked = np.where(panel.dates.isin(kept)[:, None], factor, np.nan)
    ours = analyze({"f": masked}, panel, horizons=PERIODS, correlation=False)
    for h in PERIODS:
        assert ours.ic.loc[("f", h), "rank_ic_mean"] == pytest.approx(al_ic[f"{h}D"].mean(), abs=1e-12)
        np.testing.assert_allclose(ours.quantile_returns.loc["f"][h].to_numpy(), al_q[f"{h}D"].to_numpy(),
                                   rtol=1e-9, atol=1e-15)
    buckets = quantile_buckets(masked, 5)
    al_buckets = data["factor_quantile"].unstack().reindex(index=panel.dates, columns=panel.assets).fillna(0)
    np.testing.assert_array_equal(buckets, al_buckets.to_numpy().astype(int))
    assert ours.alphas.loc["f", "turnover_top"] == pytest.approx(al_turn.mean(), abs=1e-12)
    assert ours.alphas.loc["f", "autocorr"] == pytest.approx(al_ac.mean(), abs=1e-12)
