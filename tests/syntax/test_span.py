"""Spans compare honestly; AST equality ignores them (positions are not part of a formula's meaning)."""

from alphalang.source import Span, span_at
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_expr


def test_spans_compare_and_hash_by_value():
    a = Span("a", "x + y", 1, 1, 0, 1)
    assert a == Span("a", "x + y", 1, 1, 0, 1)
    assert hash(a) == hash(Span("a", "x + y", 1, 1, 0, 1))
    others = [Span("b", "x + y", 1, 1, 0, 1), Span("a", "x - y", 1, 1, 0, 1), Span("a", "x + y", 1, 5, 4, 5),
              Span("a", "x + y", 1, 1, 0, 3)]
    assert all(a != o for o in others)
    assert len({a, *others}) == 5  # distinct spans do not collapse in a set (hashes are not all equal)


def test_span_at_positions():
    assert span_at("f", "ab\ncd", 3, 5) == Span("f", "ab\ncd", 2, 1, 3, 5)


def test_ast_equality_ignores_spans():
    spaced, tight = parse_expr("rank( close ) +1", "one.alpha"), parse_expr("rank(close)+1", "two.alpha")
    assert spaced.span != tight.span
    assert spaced == tight and hash(spaced) == hash(tight)
    assert spaced != parse_expr("rank(close)+2", "one.alpha")
    assert ast.Name("x", Span("a", "x", 1, 1, 0, 1)) == ast.Name("x", Span("b", " x", 1, 2, 1, 2))
