"""Depth independence of the syntax layer: parsing, printing and describing formulas thousands of levels deep
(the walks are iterative; only ``MAX_DEPTH`` bounds a formula)."""

from __future__ import annotations

import pytest

from alphalang.errors import AlphaSyntaxError
from alphalang.ir import Graph
from alphalang.syntax import ast
from alphalang.syntax.parse import MAX_DEPTH, parse_expr
from alphalang.syntax.printer import to_text

DEPTH = 5000


@pytest.mark.parametrize("text", [
    "close" + " ^ -close" * (DEPTH // 2),
    "close" + " + 1" * DEPTH,
    "close > 0 ? 1 : " * DEPTH + "2",
    "rank(" * DEPTH + "close" + ")" * DEPTH,
    "-" * DEPTH + "close",
], ids=["power-neg", "add", "conditional", "call", "unary"])
def test_deep_formulas_print_back_to_the_same_text(text):
    canonical = to_text(parse_expr(text))
    assert to_text(parse_expr(canonical)) == canonical
    assert canonical.replace("(", "").replace(")", "") == text.replace("(", "").replace(")", "")


def test_deep_right_nesting_keeps_its_parentheses():
    # a - (b - (c - ...)): each right operand that is a subtraction needs its parentheses
    text = "close - (" * (DEPTH - 1) + "close - close" + ")" * (DEPTH - 1)
    assert to_text(parse_expr(text)) == text


def test_depth_limit_points_at_the_formula():
    text = "a = 1\n" + "-" * (MAX_DEPTH + 1) + "close"
    with pytest.raises(AlphaSyntaxError, match="nested too deeply") as info:
        parse_expr(text.split("\n", 1)[1])
    assert info.value.line == 1


def test_describe_is_bounded_and_depth_independent():
    graph = Graph()
    node = graph.add("field", (), ("close",), "panel")
    one = graph.add("const", (), (1.0,), "scalar")
    for _ in range(20_000):
        node = graph.add("add", (node, graph.add("broadcast", (one,), (), "panel")), (), "panel")
    short = graph.describe(node, 40)
    assert short == "(" * 37 + "..."
    full = graph.describe(node, None)
    assert full == "(" * 20_000 + "close" + " + 1)" * 20_000


def test_printer_handles_every_node_kind_iteratively():
    node: ast.Expr = ast.Name("close")
    for i in range(DEPTH):
        node = ast.Call("ts_mean", (node,), (ast.Keyword("d", ast.Number(float(i % 7 + 1))),))
    text = to_text(node)
    assert text == "ts_mean(" * DEPTH + "close" + "".join(f", d={i % 7 + 1})" for i in range(DEPTH))
    assert text.count("ts_mean(") == DEPTH
