"""Pruning: keep only the nodes the outputs reach, renumbered in topological order.

Common sub-expressions are already shared when nodes are built (``ir.Graph.add`` hash-conses them, so equal
sub-expressions across all outputs of a module are one node); what resolution left behind (folded constants,
private helpers nobody uses) is dropped here.

Example:
    >>> from alphalang.ir import PANEL, SCALAR, Graph, Leaf
    >>> g = Graph(); c = g.add(Leaf.FIELD, (), ("close",), PANEL); _ = g.add(Leaf.CONST, (), (5.0,), SCALAR)
    >>> r = g.add("rank", (c,), (), PANEL)
    >>> small, outs = prune(g, {"a": r, "b": r})
    >>> len(small), outs
    (2, {'a': 1, 'b': 1})
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from alphalang.ir import Graph

if TYPE_CHECKING:
    from alphalang.plan import Plan


def reachable(graph: Graph, roots: Iterable[int]) -> set[int]:
    """The nodes ``roots`` depend on, themselves included."""
    live: set[int] = set()
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        if node_id not in live:
            live.add(node_id)
            stack.extend(graph[node_id].args)
    return live


def prune(graph: Graph, outputs: dict[str, int]) -> tuple[Graph, dict[str, int]]:
    """A copy of ``graph`` holding only what ``outputs`` reach, and the outputs' new node ids."""
    live = reachable(graph, outputs.values())
    new = Graph()
    remap: dict[int, int] = {}
    for old in sorted(live):
        node = graph[old]
        remap[old] = new.add(node.op, tuple(remap[a] for a in node.args), node.params, node.kind,
                             graph.spans.get(old))
    return new, {name: remap[node_id] for name, node_id in outputs.items()}


def prune_unreached(plan: Plan) -> Plan:
    """The pass: ``plan`` with its graph pruned to what its outputs reach."""
    graph, outputs = prune(plan.graph, plan.outputs)
    return replace(plan, graph=graph, outputs=outputs)
