"""period_specs, aggregation, train / walk_forward, configs and the `alphalang train` CLI."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import strategy_ref  # noqa: F401  (float64)
from hypothesis import given, settings
from hypothesis import strategies as st

import alphalang.strategy as S
from alphalang.errors import AlphaDataError, AlphaError, AlphaTypeError
from alphalang.strategy.config import load_config, parse_config


def _market(seed=0, t=160, n=4):
    rng = np.random.default_rng(seed)
    prices = 20 * np.exp(np.cumsum(rng.normal(0.0003, 0.015, (t, n)), axis=0))
    mom = np.log(prices) - np.log(np.roll(prices, 5, axis=0))
    mom[:5] = np.nan
    return S.MarketData(prices, {"mom": mom})


# ------------------------------------------------------------------------------------------------ periods
def test_period_specs_examples():
    assert [(s.rel_start, s.rel_end) for s in S.period_specs(4, 1000)] == [(0, 250), (250, 500), (500, 750),
                                                                          (750, 1000)]
    assert [(s.rel_start, s.rel_end) for s in S.period_specs(3, 900, overlap_fraction=0.5)] == [
        (0, 300), (150, 450), (300, 600)]


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 10), extra=st.integers(0, 500), overlap=st.sampled_from([0.0, 0.25, 0.5, 0.9]))
def test_period_specs_semantics(n, extra, overlap):
    total = n + extra
    specs = S.period_specs(n, total, overlap)
    base = total // n
    assert [s.period_id for s in specs] == list(range(n))
    assert all(s.length == s.rel_end - s.rel_start for s in specs)
    if overlap == 0.0:
        assert specs[0].rel_start == 0 and specs[-1].rel_end == total
        assert all(a.rel_end == b.rel_start for a, b in zip(specs, specs[1:], strict=False))
        assert all(s.length == base for s in specs[:-1])
    else:
        step = base - int(base * overlap)
        assert all(s.rel_start == i * step for i, s in enumerate(specs))
        assert all(s.rel_end == min(s.rel_start + base, total) for s in specs)


# -------------------------------------------------------------------------------------------- aggregation
def test_aggregations():
    m = jnp.array([0.5, -1.0, 2.0])
    assert float(S.aggregate(m, "mean")) == pytest.approx(0.5)
    assert float(S.aggregate(m, "sum")) == pytest.approx(1.5)
    assert float(S.aggregate(m, "min")) == -1.0
    soft = [float(S.aggregate(m, "softmin", t)) for t in (10.0, 1.0, 0.1, 0.01)]
    assert all(a > b for a, b in zip(soft, soft[1:], strict=False))  # decreasing towards the min
    assert soft[-1] == pytest.approx(-1.0, abs=1e-12)
    assert float(S.aggregate(m, "softmin", 1e6)) == pytest.approx(0.5, abs=1e-5)  # -> mean when hot
    with pytest.raises(ValueError):
        S.aggregate(m, "median")


@settings(max_examples=20, deadline=None)
@given(vals=st.lists(st.floats(-5, 5), min_size=1, max_size=6))
def test_softmin_tends_to_min(vals):
    m = jnp.asarray(vals)
    assert float(S.aggregate(m, "softmin", 1e-4)) == pytest.approx(min(vals), abs=1e-3)
    assert min(vals) - 1e-12 <= float(S.aggregate(m, "softmin", 0.7)) <= np.mean(vals) + 1e-12


# --------------------------------------------------------------------------------------------------- train
def test_train_improves_objective_and_reports_periods():
    data = _market()
    strat = S.Strategy(S.RuleNode("signal_gradient", signal="mom", options={"transform": "zscore"}),
                       S.StrategyConfig(simulation="portfolio", cost=1e-4, maximum_change=0.05))
    res = S.train(strat, data, periods=3, epochs=15, lr=0.1, metric="returns", verbose=False, burn_in=6)
    assert res.epochs_trained == 15 and len(res.objective_history) == 15
    # a real improvement exists here (the objective climbs from about 0.020 to about 0.041): require most of it
    assert res.best_objective > res.objective_history[0] + 0.015
    assert res.best_objective == max(res.objective_history + [res.best_objective])
    assert len(res.period_sharpes) == len(res.period_returns) == len(res.period_returns_over_hodl) == 3
    assert [p.length for p in res.periods] == [51, 51, 51]
    assert res.worst_sharpe == min(res.period_sharpes)
    assert res.mean_sharpe == pytest.approx(np.mean(res.period_sharpes))
    assert "worst" in res.table()


def test_train_single_forward_pass_windows_match_direct_metrics():
    data = _market(1)
    strat = S.Strategy(S.RuleNode("momentum"), S.StrategyConfig(maximum_change=0.02))
    res = S.train(strat, data, periods=2, epochs=0, verbose=False)
    sim = jax.jit(lambda p: strat.simulate(p, data.arrays()))(res.params)
    for spec, m in zip(res.periods, res.period_metrics, strict=True):
        a, b = spec.rel_start, spec.rel_end
        value = np.asarray(sim.value[a:b])
        assert m["returns"] == pytest.approx(value[-1] / value[0] - 1, rel=1e-12)
        hodl = float(np.sum(np.asarray(sim.reserves[a]) * data.prices[b - 1]))
        assert m["returns_over_hodl"] == pytest.approx(value[-1] / hodl - 1, rel=1e-12)


def test_train_reinitialises_nan_gradients(monkeypatch):
    data = _market(2, t=60, n=3)
    strat = S.Strategy(S.RuleNode("momentum"), S.StrategyConfig(maximum_change=0.02))
    params = strat.init_params(data)
    params["log_k"] = jnp.array([np.nan, 1.0, 1.0])
    res = S.train(strat, data, periods=2, epochs=3, params=params, verbose=False)
    assert res.nan_reinits >= 1
    assert all(np.all(np.isfinite(np.asarray(v))) for v in res.params.values())


@pytest.mark.parametrize("optimiser, schedule", [("adamw", "cosine"), ("sgd", "warmup_cosine")])
def test_train_optimisers_and_meta(optimiser, schedule):
    data = _market(3, t=90)
    node = S.MetaNode((S.RuleNode("signal_target", signal="mom"), S.RuleNode("antimomentum")))
    strat = S.Strategy(node, S.StrategyConfig(simulation="portfolio", maximum_change=0.05))
    res = S.train(strat, data, periods=2, epochs=3, optimiser=optimiser, schedule=schedule,
                  aggregation="softmin", temperature=0.5, verbose=False, warmup_steps=1)
    assert np.isfinite(res.best_objective)
    # each optimiser took real steps uphill on the aggregated objective and moved the meta weights
    assert res.objective_history[-1] > res.objective_history[0]
    assert res.best_objective > res.objective_history[0]
    assert not np.allclose(np.asarray(res.params["meta_logits"]), 0.0)


@pytest.mark.parametrize("optimiser", ["adam", "adamw", "sgd"])
@pytest.mark.parametrize("schedule", ["constant", "cosine", "exponential", "warmup_cosine"])
def test_make_optimiser_steps_uphill(optimiser, schedule):
    import optax

    from alphalang.strategy.optimisers import make_optimiser

    opt = make_optimiser(optimiser, lr=0.1, epochs=10, schedule=schedule, warmup_steps=2)
    params = {"x": jnp.array([1.0, -2.0])}
    state = opt.init(params)
    grads = {"x": jnp.array([1.0, -1.0])}  # ascent direction of the objective
    updates, state = opt.update(jax.tree_util.tree_map(lambda g: -g, grads), state, params)
    new = optax.apply_updates(params, updates)
    assert float(new["x"][0]) > 1.0 and float(new["x"][1]) < -2.0


def test_train_bad_arguments():
    data = _market(4, t=40)
    strat = S.Strategy(S.RuleNode("momentum"))
    with pytest.raises(ValueError, match="aggregation"):
        S.train(strat, data, aggregation="median", verbose=False)
    with pytest.raises(ValueError, match="metric"):
        S.train(strat, data, metric="alpha", verbose=False)


def test_walk_forward_is_out_of_sample():
    data = _market(5, t=130)
    strat = S.Strategy(S.RuleNode("signal_gradient", signal="mom"),
                       S.StrategyConfig(simulation="portfolio", maximum_change=0.05))
    wf = S.walk_forward(strat, data, train_length=60, test_length=30, burn_in=6, epochs=2, periods=2,
                        verbose=False)
    assert [f.test_range for f in wf.folds] == [(66, 96), (96, 126)]
    assert all(f.train_range[1] == f.test_range[0] for f in wf.folds)
    # the fold's training data ends where its test window starts
    assert wf.folds[0].train_result.periods[-1].rel_end == 66 - 6 - 1
    assert "hold sharpe" in wf.table()
    with pytest.raises(ValueError, match="too short"):
        S.walk_forward(strat, data, train_length=120, test_length=30, verbose=False)


def test_train_result_save(tmp_path):
    data = _market(6, t=60)
    strat = S.Strategy(S.MetaNode((S.RuleNode("momentum"), S.RuleNode("power_channel"))))
    res = S.train(strat, data, periods=2, epochs=1, verbose=False)
    res.save(tmp_path)
    payload = json.loads((tmp_path / "params.json").read_text())
    assert "children.1.sp_exponents" in payload["params"]
    assert (tmp_path / "periods.csv").read_text().startswith("period,rel_start,rel_end,returns")
    assert set(np.load(tmp_path / "params.npz").files) == set(payload["params"])


# -------------------------------------------------------------------------------------------------- config
def test_parse_config_prices_file(tmp_path):
    np.save(tmp_path / "p.npy", _market(7, t=50).prices)
    cfg = parse_config({"data": {"prices": "p.npy"}, "strategy": {"maximum_change": 0.05},
                        "node": [{"rule": "momentum", "memory_days": 5}, {"rule": "antimomentum"}],
                        "meta": {"mode": "outputs"}, "training": {"epochs": 1, "periods": 2}}, tmp_path)
    assert isinstance(cfg.strategy.node, S.MetaNode) and cfg.strategy.node.mode == "outputs"
    assert cfg.data.prices.shape == (50, 4)
    res = S.train(cfg.strategy, cfg.data, verbose=False, **cfg.training)
    assert res.epochs_trained == 1


@pytest.mark.parametrize("raw, error, text", [
    ({"node": [{"rule": "momentum"}]}, AlphaTypeError, "missing \\[data\\]"),
    ({"data": {"prices": "p.npy"}}, AlphaTypeError, "no \\[\\[node\\]\\]"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "momentun"}]}, AlphaTypeError, "unknown rule"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "momentum", "colour": 1}]}, AlphaTypeError, "unknown key"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "signal_gradient"}]}, AlphaTypeError, "needs signal"),
    ({"data": {"prices": "nope.npy"}, "node": [{"rule": "momentum"}]}, AlphaDataError, "not found"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "momentum"}], "training": {"aggregation": "x"}},
     AlphaTypeError, "aggregation"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "momentum"}], "strategy": {"simulation": "amm"}},
     AlphaTypeError, "simulation"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "signal_gradient", "signal": "a"}]}, AlphaDataError,
     "signals"),
    ({"data": {"prices": "p.npy"}, "node": [{"rule": "momentum", "initial": {"beta": 1}}]}, AlphaTypeError,
     "initial"),
])
def test_config_errors(tmp_path, raw, error, text):
    np.save(tmp_path / "p.npy", _market(8, t=30).prices)
    with pytest.raises(error, match=text):
        parse_config(raw, tmp_path)


def test_load_config_invalid_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\nx=1")
    with pytest.raises(AlphaTypeError, match="invalid TOML"):
        load_config(bad)
    with pytest.raises(AlphaDataError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_cli_train_with_prices(tmp_path, capsys):
    from alphalang.cli import main

    np.save(tmp_path / "p.npy", _market(9, t=60).prices)
    (tmp_path / "c.toml").write_text('[data]\nprices = "p.npy"\n[strategy]\nmaximum_change = 0.05\n'
                                     '[[node]]\nrule = "momentum"\n[training]\nperiods = 2\nepochs = 3\n')
    out = tmp_path / "out"
    assert main(["train", str(tmp_path / "c.toml"), "--epochs", "2", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "epoch" in text and "worst" in text
    assert (out / "params.json").exists() and (out / "periods.csv").exists()
    assert main(["train", str(tmp_path / "c.toml"), "--quiet", "--out", str(out)]) == 0
    assert "epoch" not in capsys.readouterr().out


def test_cli_train_user_error(tmp_path, capsys):
    from alphalang.cli import main

    (tmp_path / "c.toml").write_text('[data]\nprices = "p.npy"\n[[node]]\nrule = "nope"\n')
    assert main(["train", str(tmp_path / "c.toml")]) == 1
    assert "unknown rule" in capsys.readouterr().err


def test_alpha_file_to_trained_strategy(tmp_path):
    import alphalang

    (tmp_path / "a.alpha").write_text("mom = rank(delta(close, 5))\nrev = -1 * rank(delta(close, 2))\n")
    panel = alphalang.demo_panel(120, 6, seed=0)
    signals = alphalang.compile(tmp_path / "a.alpha").run(panel)
    data = S.MarketData(panel.fields["close"], signals)
    node = S.MetaNode(tuple(S.RuleNode("signal_gradient", signal=k, options={"transform": "zscore"})
                            for k in signals))
    strat = S.Strategy(node, S.StrategyConfig(simulation="portfolio", cost=5e-4, maximum_change=0.02))
    res = S.train(strat, data, periods=2, epochs=2, burn_in=10, verbose=False)
    assert np.isfinite(res.best_objective) and len(res.period_sharpes) == 2


def test_errors_are_alpha_errors():
    assert issubclass(AlphaTypeError, AlphaError) and issubclass(AlphaDataError, AlphaError)
