"""Long/short books in the JAX strategy layer (issue 12): the PnL equals the simulation layer's (numpy/numba,
validated against the pandas oracle of tests/simulation) for the same weights and for the signal strategy's own
book; the constraints hold; gradients match finite differences; training on the book improves its objective."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import strategy_ref  # noqa: F401  (float64)
from hypothesis import given, settings
from hypothesis import strategies as st

import alphalang
import alphalang.strategy as S
from alphalang.errors import AlphaTypeError
from alphalang.strategy.book import book_pnl, simulate_book
from alphalang.strategy.config import parse_config
from alphalang.strategy.guardrails import bout_weights
from alphalang.strategy.metrics import sharpe

CAPITAL = 1e6


@pytest.fixture(scope="module")
def panel():
    return alphalang.demo_panel(80, 9, seed=3)


def _alphas(panel) -> dict[str, np.ndarray]:
    """Two alphas in numpy (no kernel to compile), with NaN warm-up rows: no position until they start."""
    close = panel.field("close")
    rev, mom = np.full_like(close, np.nan), np.full_like(close, np.nan)
    rev[3:] = close[:-3] - close[3:]
    mom[10:] = np.log(close[10:] / close[:-10]) * panel.field("volume")[10:] / 1e6
    return {"rev": rev, "mom": mom}


@pytest.fixture(scope="module")
def signals(panel):
    return _alphas(panel)


def _neutral_gross(raw: np.ndarray, leverage: float) -> np.ndarray:
    """Written here from the definition (not the project's code): demean each row, scale to gross ``leverage``."""
    dev = raw - raw.mean(axis=1, keepdims=True)
    return leverage * dev / np.abs(dev).sum(axis=1, keepdims=True)


# ------------------------------------------------------------------------------------- PnL vs the simulation
@pytest.mark.parametrize("leverage, cost", [(1.0, 0.0), (2.0, 5e-4)])
def test_pnl_equals_simulation_layer_for_the_same_weights(panel, leverage, cost):
    t, n = panel.shape
    rng = np.random.default_rng(7)
    w = _neutral_gross(rng.normal(size=(t, n)), leverage)
    w[:4] = 0.0  # flat at first: the opening trade is paid on row 4
    w[30] = w[29]  # a row without trading
    close = panel.field("close")
    pnl, traded = book_pnl(w, close, cost=cost, capital=CAPITAL)
    # the simulation scales each alpha row to gross 1 on a book of booksize = capital x leverage: same positions
    sim = alphalang.simulate(w, panel, delay=0, booksize=CAPITAL * leverage, cost_bps=cost * 1e4)
    np.testing.assert_allclose(sim.positions, CAPITAL * w, rtol=0, atol=1e-10 * CAPITAL)
    np.testing.assert_allclose(np.asarray(traded), sim.traded, rtol=1e-12, atol=1e-10 * CAPITAL)
    np.testing.assert_allclose(np.asarray(pnl), sim.pnl, rtol=1e-10, atol=1e-10 * CAPITAL)
    value = np.asarray(simulate_book(w, close, cost, CAPITAL).value)
    np.testing.assert_allclose(value[1:] / value[:-1] - 1.0, sim.pnl[1:] / CAPITAL, rtol=0, atol=1e-13)


def _book_strategy(signal: str, leverage: float, cost: float, **config) -> S.Strategy:
    node = S.RuleNode("signal_weights", signal=signal, initial={"logit_lamb": -1e4})  # blend 0: the target itself
    cfg = S.StrategyConfig(simulation="long_short", leverage=leverage, cost=cost, maximum_change=100.0,
                           initial_value=CAPITAL, **config)
    return S.Strategy(node, cfg)


@pytest.mark.parametrize("leverage, cost", [(1.0, 0.0), (2.0, 1e-3)])
def test_signal_book_is_the_simulation_book(panel, signals, leverage, cost):
    """With no blending and no change limit the strategy holds the simulation's delay-1 market-neutral book:
    same positions, same dollars traded, same PnL (to 1e-10 of the capital)."""
    alpha = signals["rev"]
    strategy = _book_strategy("rev", leverage, cost)
    data = S.MarketData(panel.field("close"), {"rev": alpha})
    params = strategy.init_params(data)
    w = np.asarray(strategy.weights(params, data))
    sim = alphalang.simulate(alpha, panel, delay=1, neutralization="market", booksize=CAPITAL * leverage,
                             cost_bps=cost * 1e4)
    rows = w.shape[0]  # weights held over rows 0 .. T-2
    np.testing.assert_allclose(CAPITAL * w, sim.positions[:rows], rtol=0, atol=1e-10 * CAPITAL)
    result = strategy.simulate(params, data)
    pnl, traded = book_pnl(w, panel.field("close")[:rows], cost, CAPITAL)
    np.testing.assert_allclose(np.asarray(pnl), sim.pnl[:rows], rtol=0, atol=1e-10 * CAPITAL)
    np.testing.assert_allclose(np.asarray(traded), sim.traded[:rows], rtol=0, atol=1e-10 * CAPITAL)
    value = np.asarray(result.value)
    np.testing.assert_allclose(value[1:] / value[:-1] - 1.0, sim.pnl[1:rows] / CAPITAL, rtol=0, atol=1e-13)
    assert np.abs(sim.positions[:rows]).sum() > 0


# ----------------------------------------------------------------------------------------------- constraints
@functools.cache
def _book_path(kind: str, chunk: int):
    """The guarded long/short weight path, compiled once per (kind, chunk): leverage, change limit and blend are
    traced, so hypothesis examples reuse it."""
    def run(outputs, leverage, max_change, blend):
        return bout_weights(outputs, jnp.zeros(outputs.shape[1]), start_index=0, bout_length=outputs.shape[0] * chunk,
                            chunk_period=chunk, interpolation_period=chunk, minimum_weight=0.0,
                            maximum_change=max_change, kind=kind, blend_lamb=blend, leverage=leverage)

    return jax.jit(run)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), leverage=st.floats(0.1, 5.0), max_change=st.sampled_from([1e-3, 0.05, 20.0]),
       blend=st.floats(0.0, 1.0), kind=st.sampled_from(["target", "delta"]), chunk=st.sampled_from([1, 3]),
       nan_share=st.sampled_from([0.0, 0.3, 1.0]), scale=st.sampled_from([1e-6, 1.0, 1e6]))
def test_long_short_constraints(seed, leverage, max_change, blend, kind, chunk, nan_share, scale):
    rng = np.random.default_rng(seed)
    outputs = rng.normal(size=(12, 5)) * scale
    if kind == "delta":  # delta rules emit zero-sum changes
        outputs -= outputs.mean(axis=1, keepdims=True)
    else:  # target rows: signed, NaN where an asset has no signal (a whole row with nan_share 1)
        outputs[rng.random(outputs.shape) < nan_share] = np.nan
    w = np.asarray(_book_path(kind, chunk)(outputs, leverage, max_change, blend))
    gross = np.abs(w).sum(axis=1)
    assert np.isfinite(w).all()
    assert np.all(np.abs(w.sum(axis=1)) <= 1e-12 * leverage)  # dollar-neutral
    assert np.all(gross <= leverage * (1 + 1e-12))  # gross leverage constrained
    assert np.all(np.abs(np.diff(w, axis=0)) <= max_change * (1 + 1e-9))  # per-bar change limit
    if max_change >= 2 * leverage and chunk == 1:  # nothing limited: fully invested once a signal arrives
        live = gross > 0
        np.testing.assert_allclose(gross[live], leverage, rtol=1e-12)
        assert live[1:].any() == (nan_share < 1.0 or kind == "delta")


def test_meta_node_of_books_stays_neutral_and_constrained(panel, signals):
    cfg = S.StrategyConfig(simulation="long_short", leverage=2.0, maximum_change=0.05, cost=1e-3)
    node = S.MetaNode((S.RuleNode("signal_weights", signal="rev", options={"transform": "zscore"}),
                       S.RuleNode("signal_weights", signal="mom", options={"transform": "signed_power"}),
                       S.RuleNode("momentum")), initial_logits=(0.3, -0.2, 0.0))
    strategy = S.Strategy(node, cfg)
    data = S.MarketData(panel.field("close"), signals)
    w = np.asarray(strategy.weights(strategy.init_params(data), data))
    assert np.abs(w.sum(axis=1)).max() <= 1e-12 and np.abs(w).sum(axis=1).max() <= 2.0 * (1 + 1e-12)
    assert np.abs(w).sum(axis=1)[-1] > 0.1  # invested (the children partly offset each other)


# ------------------------------------------------------------------------------------------------- gradients
def test_gradients_match_finite_differences(panel, signals):
    cfg = S.StrategyConfig(simulation="long_short", leverage=1.5, cost=2e-3, maximum_change=100.0)
    node = S.MetaNode((S.RuleNode("signal_weights", signal="rev", options={"transform": "signed_power"}),
                       S.RuleNode("signal_weights", signal="mom", options={"transform": "zscore"})))
    strategy = S.Strategy(node, cfg)
    data = S.MarketData(panel.field("close")[:40], {k: v[:40] for k, v in signals.items()})
    arrays = data.arrays()
    params = strategy.init_params(data)
    params["meta_logits"] = jnp.array([0.4, -0.1])

    @jax.jit
    def objective(p):
        return sharpe(strategy.simulate(p, arrays).value, cfg.freq)

    grads = jax.grad(objective)(params)
    leaves, treedef = jax.tree_util.tree_flatten(params)
    g_leaves = jax.tree_util.tree_leaves(grads)
    assert all(np.isfinite(np.asarray(g)).all() for g in g_leaves)
    h = 1e-6
    checked = 0
    for i, (leaf, g) in enumerate(zip(leaves, g_leaves, strict=True)):
        flat = np.asarray(leaf, dtype=np.float64).ravel()
        for j in range(flat.size):
            def shifted(delta, i=i, j=j, flat=flat, leaf=leaf):
                moved = flat.copy()
                moved[j] += delta
                new = list(leaves)
                new[i] = jnp.asarray(moved.reshape(np.shape(leaf)))
                return float(objective(jax.tree_util.tree_unflatten(treedef, new)))

            numeric = (shifted(h) - shifted(-h)) / (2 * h)
            assert float(np.asarray(g).ravel()[j]) == pytest.approx(numeric, rel=1e-5, abs=1e-7)
            checked += abs(numeric) > 1e-6
    assert checked >= 4  # the meta logits, both blend factors and the signed-power exponent all matter


# -------------------------------------------------------------------------------------------------- training
def test_training_on_the_book_improves_the_objective():
    panel = alphalang.demo_panel(400, 12, seed=0)
    signals = _alphas(panel)
    node = S.MetaNode(tuple(S.RuleNode("signal_weights", signal=k, options={"transform": "zscore"})
                            for k in signals))
    cfg = S.StrategyConfig(simulation="long_short", leverage=2.0, cost=1e-3, maximum_change=0.1,
                           bars_per_day=1, days_per_year=252)
    result = S.train(S.Strategy(node, cfg), S.MarketData(panel.field("close"), signals), periods=2, epochs=25,
                     lr=0.2, burn_in=30, verbose=False)
    first = result.objective_history[0]
    assert np.isfinite(first) and result.best_objective > first + 0.1
    assert np.isfinite(result.period_sharpes).all()


# ------------------------------------------------------------------------------------------- config, errors
def test_config_builds_a_long_short_book():
    formulas = "mom = rank(delta(close, 5))\nrev = -1 * rank(delta(close, 2))"  # as test_strategy_training: cached
    cfg = parse_config({"data": {"demo": {"days": 60, "assets": 5}, "formulas": formulas},
                        "strategy": {"simulation": "long_short", "leverage": 2},
                        "node": [{"rule": "signal_weights", "signal": "rev", "transform": "zscore"}]})
    w = np.asarray(cfg.strategy.weights(cfg.strategy.init_params(cfg.data), cfg.data))
    assert np.abs(w.sum(axis=1)).max() <= 1e-12 and np.abs(w).sum(axis=1).max() == pytest.approx(2.0)


@pytest.mark.parametrize("config, message", [
    (dict(simulation="portfolio"), "only a long/short book"),
    (dict(simulation="long_short", leverage=0.0), "must be > 0"),
])
def test_mistakes_are_alpha_errors(config, message):
    with pytest.raises(AlphaTypeError, match=message):
        S.Strategy(S.RuleNode("signal_weights", signal="a"), S.StrategyConfig(**config))
