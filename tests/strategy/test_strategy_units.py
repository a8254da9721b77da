"""Small unit checks: parameter maps, estimators, metrics and simulations against direct numpy loops."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import strategy_ref  # noqa: F401  (float64)

import alphalang.strategy as S
from alphalang.strategy import metrics as M


def _prices(seed=0, t=50, n=3):
    rng = np.random.default_rng(seed)
    return 10 * np.exp(np.cumsum(rng.normal(0, 0.02, (t, n)), axis=0))


def test_squareplus_and_logit_round_trips():
    x = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(np.asarray(S.inverse_squareplus(S.squareplus(x))), x, atol=1e-9)
    p = np.linspace(0.01, 0.99, 9)
    np.testing.assert_allclose(np.asarray(S.sigmoid(S.logit(p))), p, rtol=1e-14)
    assert float(S.squareplus(0.0)) == 1.0


def test_memory_steps_round_trip_and_k_per_step():
    steps = np.array([0.5, 3.0, 10.0, 1e3, 1e5, 5e5])
    lam = np.asarray(S.lamb_from_memory_steps(steps))
    np.testing.assert_allclose(np.asarray(S.memory_steps_from_lamb(lam)), steps, rtol=1e-9)
    assert float(S.lamb_from_memory_steps(0.0)) == 0.0
    lam10 = float(S.lamb_from_memory_steps(10.0))
    assert float(S.k_per_step(np.log2(3.0), lam10)) == pytest.approx(30.0, rel=1e-12)
    g = jax.grad(lambda m: S.lamb_from_memory_steps(m))(10.0)
    assert np.isfinite(float(g)) and float(g) > 0


def test_alt_lambda_estimator_matches_loop():
    p = _prices(1)
    lam, alt = 0.8, 0.6
    g = np.asarray(S.ewma_gradient(p, lam, alt))
    ewma, alt_ewma, a = p[0].copy(), p[0].copy(), np.zeros(3)
    b = lam / (1 - lam) ** 3
    for t in range(1, len(p)):
        ewma = lam * ewma + (1 - lam) * p[t]
        alt_ewma = alt * alt_ewma + (1 - alt) * p[t]
        a = lam * a + (p[t] - ewma) / (1 - lam)
        np.testing.assert_allclose(g[t - 1], a / (b * alt_ewma), rtol=1e-9, atol=1e-15)


def test_ewma_variance_matches_loop():
    p = _prices(2)
    lam = 0.9
    v = np.asarray(S.ewma_variance(p, lam))
    r = p[1:] / p[:-1] - 1
    mean, acc = r[0].copy(), np.zeros(3)
    for t in range(len(r)):
        new = mean + (r[t] - mean) * (1 - lam)
        acc = lam * acc + (r[t] - mean) * (r[t] - new)
        mean = new
        if t:
            np.testing.assert_allclose(v[t], (1 - lam) * acc, rtol=1e-12)
    np.testing.assert_array_equal(v[0], 1.0)


def test_metrics_direct():
    v = np.array([100.0, 110.0, 99.0, 120.0, 90.0, 95.0])
    assert float(M.max_drawdown(v)) == pytest.approx(1 - 90 / 120)
    w = np.array([[0.5, 0.5], [0.6, 0.4], [0.6, 0.4]])
    assert float(M.turnover(w)) == pytest.approx(0.1)
    p = np.array([[1.0, 2.0], [2.0, 2.0]])
    v2 = np.array([10.0, 12.0])
    assert float(M.returns_over_uniform_hodl(v2, p)) == pytest.approx(12 / 15 - 1)
    r = v[1:] / v[:-1] - 1
    daily = M.Frequency.daily(252)
    assert float(M.sharpe(v, daily)) == pytest.approx(np.sqrt(252) * r.mean() / r.std())
    hourly = M.Frequency(24, 365)
    assert hourly.periods_per_year == 8760
    assert float(M.sharpe(v, hourly)) == pytest.approx(np.sqrt(8760) * r.mean() / r.std())
    assert float(M.annualised_return(v, daily)) == pytest.approx(0.95 ** (252 / 5) - 1)
    summary = M.summary(v, np.ones((6, 2)), np.array([0.5, 0.5]), np.full((6, 2), 0.5), daily)
    assert set(summary) == {"returns", "sharpe", "daily_log_sharpe", "returns_over_hodl",
                            "returns_over_uniform_hodl", "turnover", "max_drawdown"}


def test_g3m_constant_weights_matches_invariant():
    p = _prices(3)
    w = np.tile([0.2, 0.3, 0.5], (len(p), 1))
    v = np.asarray(S.g3m_value(w, p, 1e6))
    r0 = 1e6 * w[0] / p[0]
    k = np.prod(r0 ** w[0])
    np.testing.assert_allclose(v, k * np.prod((p / w) ** w, axis=1), rtol=1e-12)


def test_portfolio_matches_loop_and_costs_hurt():
    p = _prices(4, 40, 4)
    rng = np.random.default_rng(0)
    w = rng.dirichlet(np.ones(4), size=40)
    cost = 2e-3
    v = np.asarray(S.simulate_portfolio(w, p, cost, 1.0).value)
    ref = [1.0]
    for t in range(1, 40):
        grown = w[t - 1] * p[t] / p[t - 1]
        turnover = np.abs(w[t] - grown / grown.sum()).sum()
        ref.append(ref[-1] * grown.sum() * (1 - cost * turnover))
    np.testing.assert_allclose(v, ref, rtol=1e-12)
    assert v[-1] < float(S.simulate_portfolio(w, p, 0.0, 1.0).value[-1])


def test_fee_pool_value_close_to_zero_fee_pool():
    p = _prices(5, 80, 3)
    w = np.tile([1 / 3, 1 / 3, 1 / 3], (80, 1))
    v_fee = np.asarray(S.simulate_g3m_fees(w, p, 0.003, 1e6).value)
    v0 = np.asarray(S.simulate_g3m(w, p, 1e6).value)
    assert np.all(np.abs(v_fee / v0 - 1) < 0.01)
    r = np.asarray(S.simulate_g3m_fees(w, p, 0.003, 1e6).reserves)
    # the fee-adjusted trades never lower the pool invariant
    inv = np.sum(w * np.log(r), axis=1)
    assert np.all(np.diff(inv) >= -1e-9)


def test_strategy_config_and_market_data_validation():
    with pytest.raises(ValueError, match="shape"):
        S.MarketData(np.ones((5, 2)), {"s": np.ones((5, 3))})
    with pytest.raises(ValueError, match="needs a signal"):
        S.RuleNode("signal_target")
    with pytest.raises(ValueError, match="same kind"):
        S.MetaNode((S.RuleNode("momentum"), S.RuleNode("min_variance")), mode="outputs")
    strat = S.Strategy(S.RuleNode("momentum"), S.StrategyConfig(chunk_period=5))
    with pytest.raises(ValueError, match="multiple of chunk_period"):
        strat.weights(strat.init_params(S.MarketData(_prices())), S.MarketData(_prices()), start_index=3)
