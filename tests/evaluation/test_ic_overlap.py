"""t-stats of an IC series whose forward returns overlap (issue 13 item 8), against statsmodels and scipy."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps

import alphalang
from alphalang.evaluation import analyze
from alphalang.evaluation.stats import newey_west_t, nonoverlap_t_mean


def _ar1(n: int, phi: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = rng.normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + rng.normal()
    return 0.05 + 0.1 * x


def _statsmodels_hac_t(series: np.ndarray, lags: int) -> float:
    x = series[np.isfinite(series)]
    fit = sm.OLS(x, np.ones(len(x))).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return float(fit.tvalues[0])


def _offsets_t_loop(series: np.ndarray, h: int) -> float:
    ts = []
    for offset in range(h):
        sub = series[offset::h]
        sub = sub[np.isfinite(sub)]
        ts.append(sps.ttest_1samp(sub, 0.0).statistic)
    return float(np.mean(ts))


@pytest.mark.parametrize("lags", [0, 1, 4, 19])
def test_newey_west_t_matches_statsmodels_hac(lags):
    x = _ar1(300, 0.8, seed=lags)
    x[[0, 1, 2, 150]] = np.nan  # warm-up and a hole are dropped, as statsmodels' missing rows
    assert newey_west_t(x, lags) == pytest.approx(_statsmodels_hac_t(x, lags), rel=1e-10)


@pytest.mark.parametrize("h", [1, 5, 20])
def test_nonoverlap_t_mean_is_the_mean_over_every_start_offset(h):
    x = _ar1(400, 0.9, seed=h)
    x[-h:] = np.nan  # the last h dates have no forward return
    assert nonoverlap_t_mean(x, h) == pytest.approx(_offsets_t_loop(x, h), rel=1e-10)


def test_offsets_mean_does_not_hinge_on_the_start_row():
    # the IC is +1 on every 5th date and -0.2 (plus noise) elsewhere: the every-5th-date t-stat is large and
    # positive from offset 0 but negative from any other offset; the offsets' mean weighs all five.
    rng = np.random.default_rng(0)
    x = -0.2 + 0.05 * rng.normal(size=500)
    x[::5] = 1.0 + 0.05 * rng.normal(size=100)
    single = [sps.ttest_1samp(x[o::5], 0.0).statistic for o in range(5)]
    assert single[0] > 100 and all(t < -30 for t in single[1:])
    assert nonoverlap_t_mean(x, 5) == pytest.approx(np.mean(single))
    assert nonoverlap_t_mean(np.roll(x, 2), 5) == pytest.approx(np.mean(single))


def test_analyze_reports_the_overlap_robust_t_stats():
    panel = alphalang.demo_panel(260, 25, seed=3)
    close = panel.field("close")
    mom = close / np.roll(close, 5, axis=0) - 1.0
    mom[:5] = np.nan
    a = analyze({"mom": mom}, panel, horizons=(1, 5, 20), correlation=False)
    for h in (1, 5, 20):
        ric = a.ic_series[("mom", "rank_ic", h)].to_numpy()
        row = a.ic.loc[("mom", h)]
        assert row["rank_ic_t_nw"] == pytest.approx(_statsmodels_hac_t(ric, h - 1), rel=1e-10)
        assert row["rank_ic_t_nonoverlap_mean"] == pytest.approx(_offsets_t_loop(ric, h), rel=1e-10)
    n = a.ic.loc[("mom", 1), "n_dates"]
    assert a.ic.loc[("mom", 1), "rank_ic_t_nonoverlap_mean"] == pytest.approx(a.ic.loc[("mom", 1), "rank_ic_t"])
    assert a.ic.loc[("mom", 1), "rank_ic_t_nw"] == pytest.approx(a.ic.loc[("mom", 1), "rank_ic_t"]
                                                                 * np.sqrt(n / (n - 1)))
    assert "rank_ic_t_nonoverlap" not in a.ic.columns


def test_repl_ic_shows_the_newey_west_t_and_says_when_horizons_overlap(tmp_path):
    from alphalang.repl import Session, execute

    session = Session(demo_days=80, demo_assets=10, plot_dir=tmp_path / "plots", base_dir=tmp_path)
    one = execute(session, ":ic -rank(returns) --horizon 1")
    assert "t_nw" in one and "overlap" not in one
    both = execute(session, ":ic -rank(returns) --horizon 1,5")
    assert "horizon 5: forward returns of neighbouring dates overlap" in both and "read t_nw" in both
