"""Broadcasting: a constant used where a panel is needed becomes an explicit ``broadcast`` node.

Elementwise operators take constants as they are (``close * 2``); a time-series, cross-sectional or group
operator, and an output, need a (dates x assets) panel, so a constant argument of one (``rank(5)``), or a
constant output (``a = 5``), is wrapped in ``broadcast``. The graph is rebuilt in node order with each
``broadcast`` placed just before its first user, so node order stays topological.

Example:
    >>> from alphalang.ir import PANEL, SCALAR, Graph, Leaf
    >>> g = Graph(); five = g.add(Leaf.CONST, (), (5.0,), SCALAR); r = g.add("rank", (five,), (), PANEL)
    >>> new, outs = broadcast(g, {"a": r, "b": five}, {})
    >>> [(str(n.op), n.args) for n in new.nodes], outs
    ([('const', ()), ('broadcast', (0,)), ('rank', (1,))], {'a': 2, 'b': 1})
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from alphalang.ir import PANEL, SCALAR, Graph
from alphalang.ops import lookup
from alphalang.ops.spec import ResultKind
from alphalang.source import Span

if TYPE_CHECKING:
    from alphalang.plan import Plan


def needs_panels(op: str) -> bool:
    """Whether operator ``op`` needs panel arguments (not elementwise, not a leaf)."""
    spec = lookup(op)
    return spec is not None and spec.result is not ResultKind.ELEMENTWISE


def broadcast(graph: Graph, outputs: dict[str, int], spans: dict[str, Span]) -> tuple[Graph, dict[str, int]]:
    """A copy of ``graph`` with every constant argument of a panel operator, and every constant output,
    broadcast (an output's at ``spans[name]``); and the outputs' new node ids."""
    new = Graph()
    remap: dict[int, int] = {}

    def as_panel(old: int, span: Span | None) -> int:
        if graph[old].kind != SCALAR:
            return remap[old]
        return new.add("broadcast", (remap[old],), (), PANEL, span)

    for old, node in enumerate(graph.nodes):
        span = graph.spans.get(old)
        args = tuple(as_panel(a, span) for a in node.args) if needs_panels(node.op) else \
            tuple(remap[a] for a in node.args)
        remap[old] = new.add(node.op, args, node.params, node.kind, span)
    return new, {name: as_panel(node_id, spans.get(name)) for name, node_id in outputs.items()}


def broadcast_constants(plan: Plan) -> Plan:
    """The pass: ``plan`` with its constants broadcast where panels are needed."""
    graph, outputs = broadcast(plan.graph, plan.outputs, plan.output_spans)
    return replace(plan, graph=graph, outputs=outputs)
