"""A long/short book starts flat: 'return over holding the starting holdings' has nothing to hold. The table shows
NaN (not inf from 0/0 or x/0) and training on it is refused; the other metrics stay finite."""

from __future__ import annotations

import numpy as np
import pytest
import strategy_ref  # noqa: F401  (float64)

import alphalang
import alphalang.strategy as S
from alphalang.errors import AlphaTypeError
from alphalang.strategy.train import evaluate_periods


@pytest.fixture(scope="module")
def book():
    panel = alphalang.demo_panel(120, 6, seed=1)
    close = panel.field("close")
    signal = -(close / np.roll(close, 5, axis=0) - 1)
    signal[:5] = np.nan
    node = S.RuleNode("signal_weights", signal="rev", options={"transform": "zscore"})
    cfg = S.StrategyConfig(simulation="long_short", leverage=1.0, bars_per_day=1, days_per_year=252)
    return S.Strategy(node, cfg), S.MarketData(close, {"rev": signal})


def test_flat_start_gives_nan_return_over_hold_and_finite_others(book):
    strategy, data = book
    metrics = evaluate_periods(strategy, strategy.init_params(data), data, S.period_specs(2, data.length))
    for m in metrics:
        assert np.isnan(m["returns_over_hodl"])
        assert np.isfinite(m["sharpe"]) and np.isfinite(m["returns_over_uniform_hodl"])


def test_training_on_return_over_hold_is_refused(book):
    strategy, data = book
    with pytest.raises(AlphaTypeError, match="no meaning for a long/short book"):
        S.train(strategy, data, metric="returns_over_hodl", epochs=1, verbose=False)
