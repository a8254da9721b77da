"""Common-subexpression elimination and dead-node removal.

Structural sharing itself happens when nodes are built (``Graph.add`` hash-conses them, so equal
sub-expressions across all outputs of a module are one node). ``prune`` then keeps only the nodes the
outputs reach, renumbered in topological order.

Example:
    >>> from alphalang.ir import Graph
    >>> g = Graph(); c = g.add("field", (), ("close",), "panel"); _ = g.add("const", (), (5.0,), "scalar")
    >>> r = g.add("rank", (c,), (), "panel")
    >>> small, outs = prune(g, {"a": r, "b": r})
    >>> len(small), outs
    (2, {'a': 1, 'b': 1})
"""

from __future__ import annotations

from alphalang.ir import Graph


def reachable(graph: Graph, roots) -> set[int]:
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
