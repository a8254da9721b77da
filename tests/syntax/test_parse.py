"""The grammar's facts (semantics.md "Grammar facts"), spans, and print/re-parse round trips."""

from __future__ import annotations

import pytest

from alphalang.resources import data_path
from alphalang.syntax import ast, parse_expr, parse_module, parse_repl, to_text


def B(op, left, right):
    return ast.Binary(op, left, right)


x, y, z = ast.Name("x"), ast.Name("y"), ast.Name("z")


def num(v):
    return ast.Number(float(v))


@pytest.mark.parametrize("text, value", [("2", 2.0), ("2.", 2.0), (".001", 0.001), ("1e-3", 0.001),
                                         ("2.5E+2", 250.0), ("0.5", 0.5)])
def test_numbers(text, value):
    assert parse_expr(text) == num(value)


def test_names_are_case_insensitive():
    assert parse_expr("Ts_Rank(CLOSE, 5)") == parse_expr("ts_rank(close, 5)")
    assert parse_expr("IndClass.SubIndustry") == ast.GroupName("subindustry")


@pytest.mark.parametrize("text, expected", [
    ("x + y * z", B("+", x, B("*", y, z))),
    ("x - y - z", B("-", B("-", x, y), z)),
    ("x / y * z", B("*", B("/", x, y), z)),
    ("x ^ y ^ z", B("^", x, B("^", y, z))),
    ("-x ^ 2", ast.Unary("-", B("^", x, num(2)))),
    ("2 ^ -1", B("^", num(2), ast.Unary("-", num(1)))),
    ("x < y + z", B("<", x, B("+", y, z))),
    ("x == y < z", B("==", x, B("<", y, z))),
    ("x || y && z", B("||", x, B("&&", y, z))),
    ("x && y == z", B("&&", x, B("==", y, z))),
    ("!x < y", B("<", ast.Unary("!", x), y)),
    ("x ? y : z ? x : y", ast.Conditional(x, y, ast.Conditional(z, x, y))),
    ("x || y ? y : z", ast.Conditional(B("||", x, y), y, z)),
    ("(x + y) * z", B("*", B("+", x, y), z)),
    ("+x", x),
])
def test_precedence_and_associativity(text, expected):
    assert parse_expr(text) == expected


def test_calls_with_keywords_and_groups():
    call = parse_expr("scale(x, a=2)")
    assert call == ast.Call("scale", (x,), (ast.Keyword("a", num(2)),))
    assert parse_expr("indneutralize(x, IndClass.industry)").args[1] == ast.GroupName("industry")
    assert parse_expr("f()") == ast.Call("f", ())


def test_statements_and_comments():
    module = parse_module("""# a comment
a = rank(close)  # trailing comment
def f(u, d) = ts_mean(u, d)
import wq101
_helper = f(a, 3)
""")
    kinds = [type(s).__name__ for s in module.statements]
    assert kinds == ["Assign", "FuncDef", "Import", "Assign"]
    assert module.statements[1].params == ("u", "d")
    assert module.statements[2].module == "wq101"


def test_statements_need_no_separator_and_may_span_lines():
    module = parse_module("a = rank(\n  close)\nb = a\n  * 2")
    assert [s.name for s in module.statements] == ["a", "b"]
    assert module.statements[1].value == B("*", ast.Name("a"), num(2))


def test_repl_input_is_statement_or_expression():
    assert isinstance(parse_repl("x = 1"), ast.Assign)
    assert parse_repl("x == 1") == B("==", x, num(1))


def test_spans_point_at_source():
    module = parse_module("a = 1\nb = rank(  close )", "f.alpha")
    call = module.statements[1].value
    assert (call.span.line, call.span.column) == (2, 5)
    arg = call.args[0]
    assert (arg.span.filename, arg.span.line, arg.span.column) == ("f.alpha", 2, 12)
    assert arg.span.text[arg.span.start:arg.span.end] == "close"


def test_all_101_alphas_round_trip_through_the_printer():
    module = parse_module(data_path("stdlib", "wq101.alpha").read_text())
    assert len(module.statements) == 101
    again = parse_module(to_text(module))
    assert again == module


@pytest.mark.parametrize("text", ["a ^ -b ^ 2", "(a ^ b) ^ c", "-x ^ 2", "(-x) ^ 2", "(a ? b : c) ? d : e",
                                  "a - (b - c)", "!(a < b)", "2 ^ (a + b)", "-(-x)", "a / (b * c)",
                                  "(a || b) && c", "(a == b) == c", "f(x, k=-1)", "1e999"])
def test_printer_keeps_meaning(text):
    assert parse_expr(to_text(parse_expr(text))) == parse_expr(text)


def test_printer_is_minimal_and_canonical():
    assert to_text(parse_expr("((Close))-((open)/(2.))")) == "close - open / 2"
    assert to_text(parse_module("def F(A) = A\nimport WQ101")) == "def f(a) = a\nimport wq101\n"
