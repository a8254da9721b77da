"""Print an AST back as canonical text, with only the parentheses precedence requires.

``parse(print(ast)) == ast`` for every AST (property-tested).

Example:
    >>> from alphalang.syntax.parse import parse_expr
    >>> to_text(parse_expr("-1*(Close-open)^2 + Rank( x , a = 2.)"))
    '-1 * (close - open) ^ 2 + rank(x, a=2)'
"""

from __future__ import annotations

import math

from alphalang.syntax import ast
from alphalang.syntax.operators import (
    ATOM_PRECEDENCE,
    BINARY_PRECEDENCE,
    COND_PRECEDENCE,
    PREFIX_PRECEDENCE,
    RIGHT_ASSOC,
)
from alphalang.syntax.walk import render


def _precedence(node: ast.Expr) -> int:
    """Binding strength of a node (higher binds tighter), from the registry's operator entries."""
    if isinstance(node, ast.Conditional):
        return COND_PRECEDENCE
    if isinstance(node, ast.Binary):
        return BINARY_PRECEDENCE[node.op]
    if isinstance(node, ast.Unary):
        return PREFIX_PRECEDENCE[node.op]
    return ATOM_PRECEDENCE


def number_text(value: float) -> str:
    """Shortest text that reads back as ``value``: ``number_text(2.0) == "2"``, infinity is ``1e999``.

    NaN has no literal in the language; it prints as ``nan`` (only folded IR constants can be NaN).
    """
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _wrap(node: ast.Expr, parenthesise: bool) -> list:
    return ["(", node, ")"] if parenthesise else [node]


def _exponent(node: ast.Expr, prec: int) -> list:
    """The right operand of ``^`` (binding ``prec``): a power, or a unary minus of one, needs no parentheses."""
    if isinstance(node, ast.Unary) and node.op == "-":
        return ["-", _Exponent(node.operand, prec)]
    return _wrap(node, _precedence(node) < prec)


class _Exponent:
    """A node printed in exponent position (kept as a piece so deep ``^ -`` chains stay iterative)."""

    __slots__ = ("node", "prec")

    def __init__(self, node: ast.Expr, prec: int) -> None:
        self.node = node
        self.prec = prec


def to_text(node: ast.Expr | ast.Statement | ast.Module) -> str:
    """Canonical source text of an expression, statement or module (depth-independent)."""
    return render(node, _pieces)


def _pieces(node) -> list:
    """One node's text as pieces: strings, and the sub-nodes to print in their place."""
    if isinstance(node, _Exponent):
        return _exponent(node.node, node.prec)
    if isinstance(node, ast.Module):
        return [piece for s in node.statements for piece in (s, "\n")]
    if isinstance(node, ast.Assign):
        return [f"{node.name} = ", node.value]
    if isinstance(node, ast.FuncDef):
        return [f"def {node.name}({', '.join(node.params)}) = ", node.body]
    if isinstance(node, ast.Import):
        return [f"import {node.module}"]
    if isinstance(node, ast.Number):
        return [number_text(node.value)]
    if isinstance(node, ast.String):
        return [f"'{node.value}'" if '"' in node.value else f'"{node.value}"']
    if isinstance(node, ast.Name):
        return [node.name]
    if isinstance(node, ast.GroupName):
        return [f"IndClass.{node.level}"]
    if isinstance(node, ast.Call):
        items = [[a] for a in node.args] + [[f"{k.name}=", k.value] for k in node.kwargs]
        pieces: list = [f"{node.func}("]
        for i, item in enumerate(items):
            pieces += [", ", *item] if i else item
        return [*pieces, ")"]
    if isinstance(node, ast.Unary):
        return [node.op, *_wrap(node.operand, _precedence(node.operand) < PREFIX_PRECEDENCE[node.op])]
    if isinstance(node, ast.Conditional):
        return [*_wrap(node.cond, _precedence(node.cond) <= COND_PRECEDENCE), " ? ", node.then, " : ", node.other]
    if isinstance(node, ast.Binary):
        prec = BINARY_PRECEDENCE[node.op]
        if node.op in RIGHT_ASSOC:
            return [*_wrap(node.left, _precedence(node.left) <= prec), f" {node.op} ", *_exponent(node.right, prec)]
        return [*_wrap(node.left, _precedence(node.left) < prec), f" {node.op} ",
                *_wrap(node.right, _precedence(node.right) <= prec)]
    raise TypeError(f"cannot print {type(node).__name__}")
