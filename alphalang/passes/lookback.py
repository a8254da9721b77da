"""Lookback: the number of leading rows (warm-up) each node needs before it can be non-NaN by policy.

A window of d adds d - 1 rows, a lag of d adds d rows, elementwise and per-row operators add none.

Example:
    >>> from alphalang.ir import PANEL, Graph, Leaf
    >>> g = Graph(); c = g.add(Leaf.FIELD, (), ("close",), PANEL)
    >>> m = g.add("ts_mean", (g.add("delay", (c,), (1,), PANEL),), (20,), PANEL)
    >>> node_lookbacks(g)[m]
    20
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from alphalang.ir import Graph
from alphalang.ops import lookup

if TYPE_CHECKING:
    from alphalang.plan import Plan


def node_lookbacks(graph: Graph) -> list[int]:
    """Lookback of every node, in node order (arguments precede their users)."""
    out: list[int] = []
    for node in graph.nodes:
        if node.is_leaf:
            out.append(0)
            continue
        spec = lookup(node.op)
        out.append(spec.lookback(tuple(out[a] for a in node.args), node.params))
    return out


def with_lookbacks(plan: Plan) -> Plan:
    """The pass: ``plan`` with the lookback of every node of its graph."""
    return replace(plan, lookbacks=tuple(node_lookbacks(plan.graph)))
