"""Evaluation numbers against straightforward pandas computations (one date at a time) on demo data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.evaluation import (
    alpha_correlation,
    analyze,
    forward_returns,
    ic_stats,
    information_coefficient,
    long_short_returns,
    quantile_buckets,
    quantile_mean_returns,
    quantile_turnover,
    rank_autocorrelation,
    row_quantiles,
    row_rank,
)

HORIZONS = (1, 5, 20)


@pytest.fixture(scope="module")
def data():
    panel = alphalang.demo_panel(260, 40, seed=3)
    program = alphalang.compile("mom = rank(delta(close, 5))\nrev = -ts_mean(returns, 3)\n"
                                "vol = ts_std(returns, 20)\nbin = (close > delay(close, 1)) ? 1 : -1",
                                fields=panel.fields)
    results = program.run(panel)
    close = panel.to_wide("close")
    return panel, program, results, close


def _wide(panel, values):
    return panel.to_wide(values)


def test_row_rank_matches_pandas_average_ties():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 6, size=(30, 12)).astype(float)  # many ties
    x[rng.random(x.shape) < 0.2] = np.nan
    x[3] = np.nan
    x[4, 2] = np.inf  # not finite: missing
    expected = pd.DataFrame(np.where(np.isfinite(x), x, np.nan)).rank(axis=1, method="average").to_numpy()
    np.testing.assert_array_equal(row_rank(x), expected)


def test_row_quantiles_match_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 15))
    x[rng.random(x.shape) < 0.3] = np.nan
    qs = [0.0, 0.1, 0.5, 0.9, 1.0]
    expected = np.stack([np.nanquantile(row, qs) for row in x])
    np.testing.assert_allclose(row_quantiles(x, qs), expected)


def test_forward_returns_match_pandas(data):
    panel, _, _, close = data
    for h in HORIZONS:
        expected = (close.shift(-h) / close - 1).to_numpy()
        np.testing.assert_allclose(forward_returns(panel.field("close"), h), expected, equal_nan=True)


@pytest.mark.parametrize("name", ["mom", "rev", "bin"])
@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_ic_matches_pandas_corrwith(data, name, method):
    panel, _, results, close = data
    factor = _wide(panel, results[name])
    for h in HORIZONS:
        fwd = close.shift(-h) / close - 1
        expected = factor.corrwith(fwd, axis=1, method=method).to_numpy()
        # pandas gives NaN/inf-free values only where at least 2 pairs exist; we require 3 and a varying side
        got = information_coefficient(results[name], fwd.to_numpy(), "rank" if method == "spearman" else "pearson")
        both = np.isfinite(got)
        assert both.sum() > 200
        np.testing.assert_allclose(got[both], expected[both], atol=1e-12)
        assert not np.isfinite(got[~both & np.isfinite(expected)]).any()


def test_ic_stats_match_scipy_ttest():
    scipy_stats = pytest.importorskip("scipy.stats")
    ic = np.random.default_rng(2).normal(0.02, 0.1, 300)
    ic[::17] = np.nan
    s = ic_stats(ic)
    finite = ic[np.isfinite(ic)]
    assert s["t_stat"] == pytest.approx(scipy_stats.ttest_1samp(finite, 0.0).statistic)
    assert s["std"] == pytest.approx(finite.std(ddof=1))
    assert s["ir"] == pytest.approx(finite.mean() / finite.std(ddof=1))


def _pandas_buckets(factor: pd.DataFrame, q: int) -> pd.DataFrame:
    def per_date(row):
        row = row.dropna()
        if len(row) < q:
            return pd.Series(dtype=float)
        return pd.qcut(row, q, labels=False) + 1

    return factor.apply(per_date, axis=1).reindex(columns=factor.columns)


@pytest.mark.parametrize("name", ["mom", "rev", "vol"])
def test_quantile_buckets_match_qcut(data, name):
    panel, _, results, _ = data
    expected = _pandas_buckets(_wide(panel, results[name]), 5).fillna(0).to_numpy().astype(int)
    np.testing.assert_array_equal(quantile_buckets(results[name], 5), expected)


@pytest.mark.parametrize("demeaned", [True, False])
def test_quantile_mean_returns_match_groupby(data, demeaned):
    panel, _, results, close = data
    factor = results["vol"]
    buckets = quantile_buckets(factor, 5)
    for h in HORIZONS:
        fwd = (close.shift(-h) / close - 1)
        long = pd.DataFrame({"q": pd.DataFrame(buckets, index=close.index, columns=close.columns).stack(),
                             "r": fwd.stack()})
        long = long[(long.q > 0) & long.r.notna()]
        if demeaned:
            long["r"] = long.r - long.groupby(level=0).r.transform("mean")
        expected = long.groupby([long.q, long.index.get_level_values(0)]).r.mean().groupby(level=0).mean()
        got, per_date = quantile_mean_returns(buckets, fwd.to_numpy(), 5, demeaned=demeaned)
        np.testing.assert_allclose(got, expected.sort_index().to_numpy(), rtol=1e-10, atol=1e-15)
        assert per_date.shape == (len(close), 5)


def test_long_short_turnover_autocorrelation_match_pandas(data):
    panel, _, results, close = data
    factor = results["mom"]
    buckets = quantile_buckets(factor, 5)
    b = pd.DataFrame(buckets, index=close.index, columns=close.columns)
    r1 = close.shift(-1) / close - 1
    expected_ls = r1.where(b == 5).mean(axis=1) - r1.where(b == 1).mean(axis=1)
    np.testing.assert_allclose(long_short_returns(buckets, r1.to_numpy(), 5), expected_ls.to_numpy(), equal_nan=True)

    sets = [set(b.columns[b.loc[d] == 5]) for d in b.index]
    expected_turn = [np.nan] + [len(cur - prev) / len(cur) if cur and prev else np.nan
                                for prev, cur in zip(sets, sets[1:], strict=False)]
    np.testing.assert_allclose(quantile_turnover(buckets, 5), expected_turn, equal_nan=True)

    ranks = _wide(panel, factor).rank(axis=1)
    expected_ac = ranks.corrwith(ranks.shift(1), axis=1).to_numpy()
    got = rank_autocorrelation(factor)
    ok = np.isfinite(got)
    np.testing.assert_allclose(got[ok], expected_ac[ok], atol=1e-12)
    assert ok.sum() > 200


def test_alpha_correlation_matches_per_date_loop(data):
    panel, _, results, _ = data
    names = ["mom", "rev", "vol"]
    got = alpha_correlation({n: results[n] for n in names})
    ranks = {n: _wide(panel, results[n]).rank(axis=1) for n in names}
    for a in names:
        for b in names:
            expected = ranks[a].corrwith(ranks[b], axis=1).mean()
            assert got.loc[a, b] == pytest.approx(expected, abs=1e-10)


def test_analyze_tables_and_vectorised_speed(data):
    panel, program, results, _ = data
    a = analyze(results, panel, horizons="1,5,20", lookback=program.lookback)
    assert list(a.ic.index.get_level_values(0).unique()) == list(results)
    assert a.ic.loc[("mom", 5), "n_dates"] > 200
    assert a.quantile_returns.loc["mom"].shape == (5, 3)
    assert a.decay.shape == (len(results), 21)
    assert a.long_short.shape == (panel.n_dates, len(results))
    assert 0.9 < a.alphas.loc["mom", "coverage"] <= 1.0
    assert a.alphas.loc["vol", "lookback"] == 20
    np.testing.assert_allclose(np.diag(a.correlation.to_numpy()), 1.0)
    assert a.ic.loc[("mom", 1), "rank_ic_t_nonoverlap_mean"] == pytest.approx(a.ic.loc[("mom", 1), "rank_ic_t"])
    every5 = a.ic_series[("mom", "rank_ic", 5)].to_numpy()
    offsets = [ic_stats(every5[o::5])["t_stat"] for o in range(5)]
    assert a.ic.loc[("mom", 5), "rank_ic_t_nonoverlap_mean"] == pytest.approx(np.mean(offsets))
    payload = a.to_dict()
    assert set(payload["alphas"]["mom"]["ic"]) == {"1", "5", "20"}


def test_an_alpha_that_knows_tomorrow_has_ic_one():
    panel = alphalang.demo_panel(120, 30, seed=1)
    future = forward_returns(panel.field("close"), 1)
    a = analyze({"cheat": future, "noise": np.random.default_rng(0).normal(size=panel.shape)}, panel, horizons=(1,))
    assert a.ic.loc[("cheat", 1), "rank_ic_mean"] == pytest.approx(1.0)
    assert abs(a.ic.loc[("noise", 1), "rank_ic_mean"]) < 0.05
    qr = a.quantile_returns.loc["cheat"][1].to_numpy()
    assert np.all(np.diff(qr) > 0)
    assert a.alphas.loc["cheat", "ls_sharpe"] > 10


def test_analyze_rejects_bad_inputs(data):
    panel, _, results, _ = data
    with pytest.raises(alphalang.AlphaDataError):
        analyze({"x": np.zeros((3, 3))}, panel)
    with pytest.raises(alphalang.AlphaDataError):
        analyze(results, panel, horizons="0,5")
    with pytest.raises(alphalang.AlphaDataError):
        analyze(results, panel, price_field="nope")


def test_alpha_correlation_wide_cross_section_and_small_blocks():
    rng = np.random.default_rng(4)
    base = rng.normal(size=(12, 300))  # >= 256 assets: the BLAS path
    results = {"a": base, "b": base + rng.normal(size=base.shape), "c": rng.normal(size=base.shape)}
    results["b"][rng.random(base.shape) < 0.1] = np.nan
    got = alpha_correlation(results, block=5)
    frames = {k: pd.DataFrame(v).rank(axis=1) for k, v in results.items()}
    for a in results:
        for b in results:
            assert got.loc[a, b] == pytest.approx(frames[a].corrwith(frames[b], axis=1).mean(), abs=1e-10)
