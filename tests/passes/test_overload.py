"""The min/max overload decides by the folded value of the second argument, not by its spelling."""

from __future__ import annotations

import time

import numpy as np
import pytest

import alphalang
from alphalang.errors import AlphaNameError, AlphaTypeError
from alphalang.plan import build_plan
from alphalang.syntax import parse_module


def canonical(text: str) -> str:
    """The pruned plan printed canonically: one line per node, then each output's formula and lookback."""
    plan = build_plan(parse_module(text))
    nodes = [f"{i}: {n.op} {n.args} {n.params} {n.kind}" for i, n in enumerate(plan.graph.nodes)]
    outs = [f"{name} = {plan.graph.describe(i)} [{plan.lookbacks[i]}]" for name, i in plan.outputs.items()]
    return "\n".join(nodes + outs)


TS_MIN_5 = """0: field () ('close',) panel
1: ts_min (0,) (5,) panel
out = ts_min(close, 5) [4]"""


@pytest.mark.parametrize("text", [
    "out = min(close, 5)",
    "_d = 5\nout = min(close, _d)",
    "out = min(close, 2 + 3)",
    "_d = 10\nout = min(close, _d / 2)",
    "def f(x, d) = min(x, d)\nout = f(close, 5)",
])
def test_a_constant_window_means_ts_min_however_it_is_written(text):
    assert canonical(text) == TS_MIN_5


@pytest.mark.parametrize(("text", "expected"), [
    ("_d = 3\nout = max(close, _d)", "out = ts_max(close, 3)"),
    ("_d = 5\nout = min(close, -_d)", "out = min(close, -5)"),  # negative: never a window, elementwise
    ("out = min(close, -1)", "out = min(close, -1)"),
    ("out = max(close, open)", "out = max(close, open)"),
    ("out = min(close, rank(open))", "out = min(close, rank(open))"),
])
def test_overload_fixtures(text, expected):
    assert canonical(text).splitlines()[-1].rsplit(" [", 1)[0] == expected


def test_named_and_literal_windows_give_the_same_results():
    panel = alphalang.demo_panel()
    literal = alphalang.compile("out = min(close, 5)", backend="reference").run(panel)["out"]
    named = alphalang.compile("_d = 5\nout = min(close, _d)", backend="reference").run(panel)["out"]
    close = panel["close"]
    oracle = np.full_like(close, np.nan)  # independent: a plain rolling minimum over the last 5 rows
    for t in range(4, close.shape[0]):
        window = close[t - 4:t + 1]
        oracle[t] = np.where(np.isfinite(window).all(axis=0), window.min(axis=0), np.nan)
    np.testing.assert_array_equal(literal, named)
    np.testing.assert_array_equal(named, oracle)


@pytest.mark.parametrize(("text", "expected"), [
    ("out = max(close, 0)", "out = max(close, 0)"),  # qlib's Greater($close, 0): never a window of 0 rows
    ("_d = 0.5\nout = min(close, _d)", "out = min(close, 0.5)"),  # fractional: elementwise
    ("out = max(close, open, 0)", "out = max(max(close, open), 0)"),  # three operands: elementwise
    ("out = max(close, 2, 3)", "out = max(max(close, 2), 3)"),
])
def test_zero_fractional_and_nary_constants_are_elementwise(text, expected):
    assert canonical(text).splitlines()[-1].rsplit(" [", 1)[0] == expected


def test_max_with_zero_is_the_elementwise_maximum():
    panel = alphalang.demo_panel(40, 6, seed=3)
    got = alphalang.evaluate("max(returns, 0)", panel, backend="reference")
    close = panel["close"]
    returns = np.full_like(close, np.nan)
    returns[1:] = close[1:] / close[:-1] - 1
    np.testing.assert_array_equal(got, np.fmax(returns, 0.0) * np.where(np.isnan(returns), np.nan, 1.0))


def test_the_window_error_names_the_operator_the_user_wrote():
    with pytest.raises(AlphaTypeError, match=r"sma\(\) takes"):
        build_plan(parse_module("out = sma(close)"))
    with pytest.raises(AlphaTypeError, match=r"stddev\(\) has no parameter"):
        build_plan(parse_module("out = stddev(close, 5, q=1)"))


def test_errors_come_in_argument_order():
    with pytest.raises(AlphaNameError, match="'foo'"):
        build_plan(parse_module("out = min(foo, bar)"))


def test_nested_overloads_resolve_each_argument_once():
    text = "out = " + "min(close, " * 60 + "open" + ")" * 60  # exponential if arguments were resolved twice
    start = time.perf_counter()
    plan = build_plan(parse_module(text))
    assert time.perf_counter() - start < 5
    assert [n.op for n in plan.graph.nodes].count("min") == 60
