"""Contracts of the strategy layer that other parts rely on: the z-score transform means the language's
``cs_zscore``, importing alphalang leaves JAX's precision alone, compiled forward passes are reused, and
the optimiser/schedule tables and result tables behave as declared."""

from __future__ import annotations

import importlib
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import pytest
import strategy_ref  # noqa: F401  (float64)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import alphalang
import alphalang.strategy as S
from alphalang.strategy.optimisers import OPTIMISERS, SCHEDULES, make_optimiser
from alphalang.strategy.periods import PeriodSpec
from alphalang.strategy.rules import transform_signal

train_module = importlib.import_module("alphalang.strategy.train")  # the package re-exports the function
_ROWS = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 7)),
               elements=st.one_of(st.sampled_from([np.nan, 0.1, 0.1, 2.0]),
                                  st.floats(-1e3, 1e3).filter(lambda v: v == 0 or abs(v) > 1e-100)))


def _scipy_zscore_rows(x: np.ndarray) -> np.ndarray:
    """Independent oracle: scipy's ddof-0 z-score over each row's non-NaN values; NaN for all-equal rows."""
    out = np.full_like(x, np.nan)
    for t, row in enumerate(x):
        ok = ~np.isnan(row)
        vals = row[ok]
        if vals.size and vals.max() > vals.min():
            out[t, ok] = stats.zscore(vals, ddof=0)
    return out


@settings(max_examples=60, deadline=None)
@given(x=_ROWS)
def test_zscore_transform_is_cs_zscore(x):
    got = np.asarray(transform_signal(jnp.asarray(x), "zscore"))
    expected = _scipy_zscore_rows(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    language = alphalang.evaluate("cs_zscore(close)", {"close": x}, backend="reference")
    language = np.asarray(language if isinstance(language, np.ndarray) else language.to_numpy())
    np.testing.assert_array_equal(np.isnan(got), np.isnan(language))
    np.testing.assert_allclose(got, language, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("scale", [1e-182, 1e-300, 1e300])
def test_zscore_transform_survives_extreme_magnitudes(scale):
    got = np.asarray(transform_signal(jnp.array([0.0, 1.0, 3.0]) * scale, "zscore"))
    np.testing.assert_allclose(got, stats.zscore([0.0, 1.0, 3.0]), rtol=1e-12)


def test_constant_signal_row_asks_for_no_change():
    update = S.rules.signal_gradient_update(jnp.array([[0.3, 0.3, 0.3], [1.0, 2.0, 3.0]]), 1.0, "zscore")
    np.testing.assert_array_equal(np.asarray(update[0]), 0.0)
    assert abs(float(update[1].sum())) < 1e-12 and float(update[1, 2]) > 0


def test_importing_alphalang_leaves_jax_precision_alone():
    code = "import alphalang, jax; print(jax.config.jax_enable_x64)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_evaluate_periods_reuses_the_compiled_forward_pass():
    rng = np.random.default_rng(0)
    data = S.MarketData(np.exp(np.cumsum(rng.normal(0, 0.01, (60, 3)), axis=0)))
    strat = S.Strategy(S.RuleNode("momentum"), S.StrategyConfig(maximum_change=0.02))
    params = strat.init_params(data)
    spec = [PeriodSpec(0, 0, 59)]
    train_module._cached_jit_simulate.cache_clear()
    first = train_module.evaluate_periods(strat, params, data, spec)
    second = train_module.evaluate_periods(strat, params, data, spec)
    info = train_module._cached_jit_simulate.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert first == second


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_every_declared_optimiser_and_schedule_builds(name, schedule):
    opt = make_optimiser(name, lr=0.1, epochs=5, schedule=schedule)
    state = opt.init({"x": jnp.zeros(2)})
    updates, _ = opt.update({"x": jnp.array([-1.0, 1.0])}, state, {"x": jnp.zeros(2)})
    assert float(updates["x"][0]) > 0 > float(updates["x"][1])


def test_unknown_optimiser_and_schedule_name_the_choices():
    with pytest.raises(ValueError, match=r"unknown optimiser 'rmsprop'.*adam"):
        make_optimiser("rmsprop")
    with pytest.raises(ValueError, match=r"unknown schedule 'linear'.*cosine"):
        make_optimiser("adam", schedule="linear")


def test_result_tables_summarise_by_hand():
    metrics = [{"sharpe": 1.0, "returns": 0.1, "returns_over_hodl": 0.0},
               {"sharpe": -2.0, "returns": 0.3, "returns_over_hodl": 0.5}]
    res = S.TrainResult({}, {}, 0.0, 0, [], [PeriodSpec(0, 0, 5), PeriodSpec(1, 5, 10)], metrics)
    lines = res.table().splitlines()
    assert lines[0].split() == ["period", "start", "end", "sharpe", "returns", "returns_over_hodl"]
    assert lines[2].split() == ["1", "5", "10", "-2.000000", "0.300000", "0.500000"]
    assert lines[3].split() == ["mean", "-0.500000", "0.200000", "0.250000"]
    assert lines[4].split() == ["std", "1.500000", "0.100000", "0.250000"]  # ddof 0
    assert lines[5].split() == ["worst", "-2.000000", "0.100000", "0.000000"]
