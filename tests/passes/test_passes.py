"""Checking passes: resolution, aliases, folding, CSE across outputs, lookback, windows, derived fields."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.plan import build_plan
from alphalang.syntax import parse_module


def plan_of(text: str, **kw):
    return build_plan(parse_module(text), **kw)


def ops(plan) -> list[str]:
    return [n.op for n in plan.graph.nodes]


def test_aliases_and_case_resolve_to_one_node():
    plan = plan_of("a = Ts_Rank(close, 5)\nb = TS_RANK(Close, 5.9)\nc = correlation(close, open, 3)\n"
                   "d = ts_corr(close, open, 3)")
    assert plan.outputs["a"] == plan.outputs["b"]
    assert plan.outputs["c"] == plan.outputs["d"]


def test_cse_shares_subexpressions_across_outputs():
    plan = plan_of("a = rank(delta(close, 5)) + 1\nb = -rank(delta(close, 5))")
    assert ops(plan).count("rank") == 1 and ops(plan).count("delta") == 1


def test_constant_folding():
    plan = plan_of("a = close * (-1 * 1) + (2 ^ 3 - 8)\nb = ts_mean(close, 2 + 3.7)")
    consts = sorted(n.params[0] for n in plan.graph.nodes if n.op == "const")
    assert consts == [-1.0, 0.0]
    mean = next(n for n in plan.graph.nodes if n.op == "ts_mean")
    assert mean.params == (5,)


def test_windows_floor_in_paper_and_round_in_pandas_ref():
    text = "a = ts_mean(close, 6.5)\nb = delay(close, 3.9)\nc = ts_sum(close, 16.1219)"
    paper = plan_of(text).output_lookback
    pandas = plan_of(text, profile=alphalang.program.get_profile("pandas-ref")).output_lookback
    assert paper == {"a": 5, "b": 3, "c": 15}
    assert pandas == {"a": 6, "b": 4, "c": 15}


def test_min_max_overload():
    plan = plan_of("a = min(close, 5)\nb = max(close, (5))\nc = min(close, -5)\nd = max(close, open)")
    by_name = {name: plan.graph[i].op for name, i in plan.outputs.items()}
    assert by_name == {"a": "ts_min", "b": "ts_max", "c": "min", "d": "max"}


def test_lookback_rules():
    lb = plan_of("""
a = delay(close, 3)
b = ts_mean(delay(close, 3), 10)
c = rank(ts_std(close, 20)) + delta(open, 1)
d = correlation(ts_mean(close, 5), delay(volume, 8), 6)
e = returns
f = adv20
g = close + 1
h = 5
i = ts_ema(close, 3)
""").output_lookback
    assert lb == {"a": 3, "b": 12, "c": 19, "d": 13, "e": 1, "f": 19, "g": 0, "h": 0, "i": 0}


def test_derived_fields_expand_unless_supplied():
    derived = plan_of("a = returns + adv5")
    assert set(derived.fields) == {"close", "volume", "vwap"}
    assert derived.derived == {"returns", "adv5"}
    supplied = plan_of("a = returns + adv5", supplied=frozenset({"returns"}))
    assert set(supplied.fields) == {"returns", "volume", "vwap"}


def test_adv_is_dollar_volume_in_paper_and_shares_in_pandas_ref():
    panel = alphalang.demo_panel(30, 5, seed=3)
    vol, vwap = panel.field("volume"), panel.field("vwap")
    paper = alphalang.evaluate("adv10", panel)
    shares = alphalang.evaluate("adv10", panel, profile="pandas-ref")
    np.testing.assert_allclose(paper[9:], np.mean([(vol * vwap)[i:i + 21] for i in range(10)], axis=0)[:21],
                               rtol=1e-12)
    np.testing.assert_allclose(shares[9:], np.mean([vol[i:i + 21] for i in range(10)], axis=0)[:21], rtol=1e-12)


def test_returns_from_data_wins_over_derivation():
    panel = alphalang.demo_panel(20, 3, seed=1)
    fake = panel.with_fields(returns=np.full(panel.shape, 7.0))
    assert np.all(alphalang.evaluate("returns", fake) == 7.0)
    no_returns = alphalang.Panel(fields={k: v for k, v in panel.fields.items() if k != "returns"})
    got = alphalang.evaluate("returns", no_returns)
    close = panel.field("close")
    np.testing.assert_allclose(got[1:], close[1:] / close[:-1] - 1, rtol=1e-15)


def test_user_functions_are_inlined_with_keyword_arguments():
    program = alphalang.compile("def mom(x, d) = x / delay(x, d) - 1\na = mom(close, d=5)\n"
                                "b = close / delay(close, 5) - 1")
    assert program.plan.outputs["a"] == program.plan.outputs["b"]


def test_functions_capture_only_earlier_names():
    program = alphalang.compile("k = close\ndef f(x) = x + k\nk2 = f(open)")
    assert program.outputs == ("k", "k2")


def test_private_names_are_not_outputs_and_dead_code_is_pruned():
    program = alphalang.compile("_unused = ts_mean(volume, 50)\n_x = rank(close)\na = _x * 2")
    assert program.outputs == ("a",)
    assert "ts_mean" not in ops(program.plan)


def test_imports_bring_definitions_not_outputs(tmp_path):
    (tmp_path / "lib.alpha").write_text("def mom(x, d) = delta(x, d)\nbase = rank(close)\n_hidden = open")
    (tmp_path / "main.alpha").write_text("import lib\nsignal = base * mom(close, 3)")
    program = alphalang.compile(tmp_path / "main.alpha")
    assert program.outputs == ("signal",)
    with pytest.raises(alphalang.AlphaNameError, match="unknown name '_hidden'"):
        (tmp_path / "bad.alpha").write_text("import lib\nx = _hidden")
        alphalang.compile(tmp_path / "bad.alpha")


def test_stdlib_import():
    program = alphalang.compile("import wq101\ncombo = rank(alpha001) + rank(alpha101)")
    assert program.outputs == ("combo",)
    assert program.lookback["combo"] == 24


def test_constant_outputs_and_constant_arguments_are_broadcast():
    panel = alphalang.demo_panel(10, 4)
    result = alphalang.compile("a = 2 * 3\nb = rank(5)\nc = ts_sum(1, 3)").run(panel)
    assert np.all(result["a"] == 6.0)
    assert np.all(result["b"] == (4 + 1) / (2 * 4))
    assert np.all(np.isnan(result["c"][:2])) and np.all(result["c"][2:] == 3.0)


def test_pandas_ref_ts_rank_counts_days():
    panel = alphalang.demo_panel(30, 4, seed=2)
    paper = alphalang.evaluate("ts_rank(close, 5)", panel)
    pandas = alphalang.evaluate("ts_rank(close, 5)", panel, profile="pandas-ref")
    np.testing.assert_allclose(pandas, paper * 5, rtol=1e-15)


def test_unknown_data_fields_are_allowed_when_declared():
    program = alphalang.compile("a = rank(sentiment)", fields=["Sentiment"])
    panel = alphalang.demo_panel(5, 3).with_fields(sentiment=np.arange(15.0).reshape(5, 3))
    assert program.run(panel)["a"][0].tolist() == [1 / 3, 2 / 3, 1.0]


def test_redefinition_mode_refers_to_the_previous_definition():
    from alphalang.plan import build_plan

    plan = build_plan(parse_module("x = close\nx = x / open\ny = x"), allow_redefinition=True)
    assert plan.graph.describe(plan.outputs["y"]) == "(close / open)"
    assert list(plan.outputs) == ["x", "y"]
