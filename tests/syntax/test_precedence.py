"""The grammar's operator spellings, precedence and associativity equal the registry's, and the registry's equal
the documented ladder (the fixture below, from the grammar file's header and docs): every pair of operators."""

import itertools

import pytest

from alphalang.ops import INFIX, PREFIX, lookup
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_expr
from alphalang.syntax.printer import to_text

# The documented language, loosest first: (symbols, right-associative).
LADDER = [(("?:",), True), (("||",), False), (("&&",), False), (("==", "!="), False),
          (("<", "<=", ">", ">="), False), (("+", "-"), False), (("*", "/"), False), (("-", "!"), None),
          (("^",), True)]
PREFIX_LEVEL = 7


def test_registry_matches_documented_ladder():
    specs = {**{s: lookup(n) for s, n in INFIX.items()}, "?:": lookup("cond")}
    assert set(specs) == {s for i, (syms, _) in enumerate(LADDER) if i != PREFIX_LEVEL for s in syms}
    assert set(PREFIX) == set(LADDER[PREFIX_LEVEL][0])
    order = [[specs[s].precedence for s in syms] if i != PREFIX_LEVEL else [lookup(PREFIX[s]).precedence
                                                                          for s in syms]
             for i, (syms, _) in enumerate(LADDER)]
    assert all(len(set(level)) == 1 for level in order)
    assert [level[0] for level in order] == sorted({level[0] for level in order})  # strictly increasing
    assert all(specs[s].right_assoc == right for syms, right in LADDER[1:PREFIX_LEVEL] for s in syms)
    assert specs["^"].right_assoc and all(lookup(n).prefix for n in PREFIX.values())


def _binding(symbol: str) -> tuple[int, bool]:
    return lookup(INFIX[symbol]).precedence, lookup(INFIX[symbol]).right_assoc


A, B, C = ast.Name("a"), ast.Name("b"), ast.Name("c")


@pytest.mark.parametrize(("op1", "op2"), list(itertools.product(INFIX, INFIX)))
def test_every_pair_of_infix_operators_groups_by_the_registry(op1, op2):
    (p1, _), (p2, right2) = _binding(op1), _binding(op2)
    left_first = p1 > p2 or (p1 == p2 and not right2)
    expected = (ast.Binary(op2, ast.Binary(op1, A, B), C) if left_first
                else ast.Binary(op1, A, ast.Binary(op2, B, C)))
    assert parse_expr(f"a {op1} b {op2} c") == expected
    assert parse_expr(to_text(expected)) == expected
    other = (ast.Binary(op1, A, ast.Binary(op2, B, C)) if left_first
             else ast.Binary(op2, ast.Binary(op1, A, B), C))
    assert parse_expr(to_text(other)) == other  # the printer parenthesises the other grouping


@pytest.mark.parametrize(("pre", "op"), list(itertools.product(PREFIX, INFIX)))
def test_prefix_operators_against_every_infix_operator(pre, op):
    tighter = lookup(PREFIX[pre]).precedence > _binding(op)[0]
    expected = (ast.Binary(op, ast.Unary(pre, A), B) if tighter else ast.Unary(pre, ast.Binary(op, A, B)))
    assert parse_expr(f"{pre}a {op} b") == expected
    assert parse_expr(to_text(expected)) == expected


@pytest.mark.parametrize("op", list(INFIX))
def test_conditional_binds_loosest(op):
    expected = ast.Conditional(ast.Binary(op, A, B), C, ast.Binary(op, C, A))
    assert parse_expr(f"a {op} b ? c : c {op} a") == expected


def test_spelled_out_cases():
    assert parse_expr("-a ^ 2") == ast.Unary("-", ast.Binary("^", A, ast.Number(2.0)))
    assert parse_expr("a ^ -b ^ c") == ast.Binary("^", A, ast.Unary("-", ast.Binary("^", B, C)))
    assert parse_expr("a - b - c") == ast.Binary("-", ast.Binary("-", A, B), C)
    assert to_text(ast.Binary("^", ast.Binary("^", A, B), C)) == "(a ^ b) ^ c"
