"""Property: any AST prints to text that parses back to the same AST; generated formulas compile."""

from __future__ import annotations

from hypothesis import given, settings

import alphalang
from alphalang.syntax import ast, parse_expr, parse_module, to_text
from alphalang.testing.strategies import asts, expressions


@settings(max_examples=400, deadline=None)
@given(asts())
def test_print_then_parse_is_identity(tree):
    assert parse_expr(to_text(tree)) == tree


@settings(max_examples=200, deadline=None)
@given(asts())
def test_statements_round_trip(tree):
    module = ast.Module((ast.Assign("out", tree), ast.FuncDef("f", ("a", "b"), tree), ast.Import("lib.x")))
    assert parse_module(to_text(module)) == module


@settings(max_examples=150, deadline=None)
@given(expressions())
def test_registry_generated_formulas_compile_and_reprint(text):
    node = parse_expr(text)
    assert parse_expr(to_text(node)) == node
    program = alphalang.compile(text)
    assert program.outputs == ("alpha",)
