"""Strategy traps (issue 13 item 9): one source for the bar size, interpolation_period <= chunk_period, and the
walk-forward table's baselines, dates and files. Oracles: hand-worked arithmetic and numpy on the raw prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import strategy_ref  # noqa: F401  (float64)

import alphalang.strategy as S
from alphalang.errors import AlphaTypeError
from alphalang.strategy.config import load_config
from alphalang.strategy.train import evaluate_periods

# Two assets with the same price path: any long-only weights earn exactly that path (no costs).
# Bar returns of 100, 102, 101, 104, 103, 106: +2.0000%, -0.9804%, +2.9703%, -0.9615%, +2.9126%;
# mean 1.188198%, std (ddof 0) 1.796256%, mean/std 0.661484; x sqrt(252) = 10.50076; x sqrt(365) = 12.63766.
PATH = [100.0, 102.0, 101.0, 104.0, 103.0, 106.0, 107.0]  # the last bar only closes the forward pass
SHARPE_252, SHARPE_365 = 10.50076, 12.63766


def _twin_market(freq=None) -> S.MarketData:
    return S.MarketData(np.column_stack([PATH, PATH]), freq=freq)


def _period_sharpe(config: S.StrategyConfig, data: S.MarketData) -> float:
    strategy = S.Strategy(S.RuleNode("momentum"), config)
    window = [S.PeriodSpec(0, 0, len(PATH) - 1)]
    return evaluate_periods(strategy, strategy.init_params(data), data, window)[0]["sharpe"]


def test_sharpe_is_annualised_with_the_strategy_bar_size_by_hand():
    daily = S.StrategyConfig(simulation="portfolio", days_per_year=252)
    assert _period_sharpe(daily, _twin_market()) == pytest.approx(SHARPE_252, abs=1e-5)
    # the data may restate the bar size when it agrees
    assert _period_sharpe(daily, _twin_market(S.Frequency.daily())) == pytest.approx(SHARPE_252, abs=1e-5)
    calendar = S.StrategyConfig(simulation="portfolio")  # 365 days a year
    assert _period_sharpe(calendar, _twin_market()) == pytest.approx(SHARPE_365, abs=1e-5)


def test_a_data_bar_size_that_differs_from_the_strategy_is_rejected():
    # the docs' old headline example: daily data under the default 365 days a year inflated Sharpe 1.2035x
    with pytest.raises(AlphaTypeError) as info:
        _period_sharpe(S.StrategyConfig(simulation="portfolio"), _twin_market(S.Frequency.daily()))
    text = info.value.render()
    assert "1 bars a day, 252 days a year" in text and "days_per_year = 365" in text
    assert "StrategyConfig(bars_per_day=1, days_per_year=252)" in text


def test_interpolation_longer_than_the_chunk_is_rejected(tmp_path):
    with pytest.raises(AlphaTypeError, match=r"interpolation_period = 10 is longer than chunk_period = 5"):
        S.StrategyConfig(chunk_period=5, interpolation_period=10)
    assert S.StrategyConfig(chunk_period=5, interpolation_period=5).f == 5
    assert S.StrategyConfig(chunk_period=5, interpolation_period=2).f == 2
    config = tmp_path / "c.toml"
    config.write_text('[data]\ndemo = { days = 30, assets = 3 }\n\n[strategy]\nchunk_period = 2\n'
                      'interpolation_period = 4\n\n[[node]]\nrule = "momentum"\n')
    with pytest.raises(AlphaTypeError) as info:
        load_config(config)
    assert (info.value.line, info.value.column) == (6, 1)  # the interpolation_period key
    assert "chunk_period = 2" in info.value.message and "maximum_change" in info.value.message


def test_why_interpolation_longer_than_the_chunk_breaks_maximum_change():
    from alphalang.strategy.guardrails import bout_weights

    asks = np.tile([[1.0, -1.0]], (20, 1))  # a delta rule asking for a large change at every step

    def largest_step(f: int) -> float:
        w = bout_weights(asks, np.array([0.5, 0.5]), start_index=0, bout_length=60, chunk_period=5,
                         interpolation_period=f, minimum_weight=0.01, maximum_change=0.01)
        return float(np.abs(np.diff(np.asarray(w), axis=0)).max())

    assert largest_step(5) <= 0.01 + 1e-9
    assert largest_step(12) == pytest.approx(0.08, abs=1e-6)  # (12 - 5 + 1) increments of 0.01 at once


@pytest.fixture(scope="module")
def folds():
    rng = np.random.default_rng(4)
    prices = 50 * np.exp(np.cumsum(rng.normal(0.0002, 0.02, (100, 3)), axis=0))
    dates = pd.bdate_range("2021-03-01", periods=100)
    strategy = S.Strategy(S.RuleNode("momentum"), S.StrategyConfig(simulation="portfolio", days_per_year=252,
                                                                   maximum_change=0.05))
    data = S.MarketData(prices)
    epochs_seen = []
    wf = S.walk_forward(strategy, data, train_length=40, test_length=25, burn_in=5, epochs=2, periods=2,
                        verbose=False, dates=dates, on_epoch=lambda fold, epoch, *_: epochs_seen.append((fold, epoch)))
    return strategy, data, prices, dates, wf, epochs_seen


def test_walk_forward_hold_baseline_equals_numpy_on_the_same_window(folds):
    _, _, prices, _, wf, _ = folds
    assert len(wf.folds) == 2
    for k, fold in enumerate(wf.folds):
        first = 5 + k * 25 + 40  # train start + train length
        last = first + 25 - 2  # the value path's last row: the test window's last bar only closes the pass
        assert fold.test_rows == (first, last + 1)
        value = (prices[first:last + 1] / prices[first]).mean(axis=1)
        r = value[1:] / value[:-1] - 1
        assert fold.hold_metrics["returns"] == pytest.approx(value[-1] - 1, rel=1e-12)
        assert fold.hold_metrics["sharpe"] == pytest.approx(np.sqrt(252) * r.mean() / r.std(), rel=1e-10)


def test_walk_forward_untrained_baseline_is_the_initial_parameters(folds):
    strategy, data, _, _, wf, _ = folds
    for fold in wf.folds:
        (start, _), (test_start, end) = fold.train_range, fold.test_range
        initial = strategy.init_params(data.slice(0, test_start))
        sim = strategy.simulate(initial, data.slice(0, end), start, end - start)
        value = np.asarray(sim.value)[test_start - start:]
        assert fold.untrained_metrics["returns"] == pytest.approx(value[-1] / value[0] - 1, rel=1e-10)
        assert fold.test_metrics["returns"] != pytest.approx(fold.untrained_metrics["returns"], rel=1e-9)


def test_walk_forward_table_has_dates_baselines_and_epoch_progress(folds, tmp_path):
    _, _, _, dates, wf, epochs_seen = folds
    assert epochs_seen == [(0, 1), (0, 2), (1, 1), (1, 2)]
    lines = wf.table().splitlines()
    assert lines[0].split() == ["fold", "train", "test", "sharpe", "return", "init", "sharpe", "init", "return",
                                "hold", "sharpe", "hold", "return"]
    second = wf.folds[1]
    test_span = f"{dates[second.test_rows[0]]:%Y-%m-%d}..{dates[second.test_rows[1] - 1]:%Y-%m-%d}"
    assert test_span == "2021-06-07..2021-07-08" and test_span in lines[2]
    assert float(lines[2].split()[-1]) == pytest.approx(second.hold_metrics["returns"], abs=5e-5)
    assert "hold: equal value in every asset" in lines[-1]
    written = wf.save(tmp_path)
    assert [p.name for p in written] == ["walk_forward.txt", "walk_forward.csv"]
    csv = pd.read_csv(written[1])
    assert csv.loc[1, "test_first"] == "2021-06-07" and csv.loc[1, "hold_returns"] == pytest.approx(
        second.hold_metrics["returns"])


def test_cli_train_help_is_plain_text(capsys):
    from alphalang.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    assert "``" not in text and ":class:" not in text and ":func:" not in text
    assert "walk_forward.csv" in text and "uniform hold" in text and "days_per_year" in text


def test_cli_train_announces_dates_baselines_and_files(tmp_path, capsys):
    from alphalang.cli import main

    (tmp_path / "c.toml").write_text(
        '[data]\ndemo = { days = 70, assets = 3, seed = 1 }\n[strategy]\nsimulation = "portfolio"\n'
        'days_per_year = 252\nmaximum_change = 0.05\n[[node]]\nrule = "momentum"\n'
        '[training]\nperiods = 1\nepochs = 1\n[walk_forward]\ntrain_length = 40\ntest_length = 25\n')
    out = tmp_path / "out"
    assert main(["train", str(tmp_path / "c.toml"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "annualised with bars_per_day = 1, days_per_year = 252" in text
    assert "hold sharpe" in text and "2015-" in text
    names = ("params.json", "params.npz", "periods.csv", "walk_forward.txt", "walk_forward.csv")
    assert "wrote " + ", ".join(str(out / n) for n in names) in text
    assert all((out / n).exists() for n in names)
