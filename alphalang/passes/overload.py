"""The paper's value overload: ``min(x, d)`` is ``ts_min(x, d)`` when ``d`` is a constant whole number >= 1.

An operator declares it with ``OpSpec.constant_overload``. The decision is by value, after folding: a number,
a named constant (``_d = 5``) and ``2 + 3`` all choose the time-series operator; 0, a negative or fractional
constant (no window is) and any series keep the elementwise meaning, so ``max(x, 0)`` is the elementwise
maximum, as qlib's ``Greater`` and BRAIN's ``max`` users mean it. Three or more operands are always elementwise.

Example:
    >>> from alphalang.ir import Graph
    >>> g = Graph()
    >>> five, zero, half = (g.add(ir.Leaf.CONST, (), (v,), ir.SCALAR) for v in (5.0, 0.0, 2.5))
    >>> min_ = lookup("min")
    >>> overloaded(min_, g[five]).name, overloaded(min_, g[zero]).name, overloaded(min_, g[half]).name
    ('ts_min', 'min', 'min')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from alphalang import ir
from alphalang.ops import lookup
from alphalang.ops.spec import OpSpec
from alphalang.syntax import ast

RESOLVED = "\0arg{}"  # names no formula can spell (NUL is refused by the parser)


def has_overload(spec: OpSpec, call: ast.Call) -> bool:
    """Whether the call's meaning depends on the value of its second argument: ``f(x, d)`` spelled with the
    operator's own name (``greater``/``less`` never overload), no keywords."""
    return spec.constant_overload is not None and call.func == spec.name and len(call.args) == 2 and not call.kwargs


def is_window_number(value: float) -> bool:
    """Whether a constant reads as a window: a whole number >= 1."""
    return value >= 1 and float(value).is_integer()


def is_nary(spec: OpSpec, call: ast.Call) -> bool:
    """Whether a call uses BRAIN's n-ary form (more operands than parameters) or its ``filter=`` keyword."""
    return (spec.variadic and len(call.args) > len(spec.params)) or (
        spec.filter_value is not None and any(k.name == "filter" for k in call.kwargs))


def overloaded(spec: OpSpec, second: ir.Node) -> OpSpec:
    """The operator ``spec(x, d)`` means, given the resolved (folded) node of ``d``."""
    if spec.constant_overload and second.op == ir.Leaf.CONST and is_window_number(second.params[0]):
        return lookup(spec.constant_overload)
    return spec


def resolve_overload(spec: OpSpec, call: ast.Call, arg_ids: tuple[int, ...], graph: ir.Graph,
                     env: Mapping[str, int]) -> tuple[OpSpec, ast.Call, dict[str, int]]:
    """The chosen operator, and the call with its already-resolved arguments bound in ``env``.

    The arguments are resolved once, in order (to decide, and so errors come in the usual order); the call
    refers to those nodes by names no formula can spell, so resolving it does not walk the arguments again
    (nested overloads stay linear).
    """
    names = [RESOLVED.format(i) for i in range(len(arg_ids))]
    args = tuple(ast.Name(name, arg.span) for name, arg in zip(names, call.args, strict=True))
    return (overloaded(spec, graph[arg_ids[1]]), dataclasses.replace(call, args=args),
            {**env, **dict(zip(names, arg_ids, strict=True))})
