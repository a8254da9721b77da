"""The checked intermediate representation: a hash-consed DAG of operator nodes.

Every structurally equal sub-expression of every output is one node (common-subexpression elimination by
construction). Node ids are topologically ordered: a node's arguments always have smaller ids.

Example:
    >>> g = Graph()
    >>> close = g.add("field", (), ("close",), "panel")
    >>> g.add("rank", (close,), (), "panel") == g.add("rank", (close,), (), "panel")
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alphalang.source import Span
from alphalang.syntax.printer import number_text

PANEL, SCALAR, GROUP = "panel", "scalar", "group"


@dataclass(frozen=True)
class Node:
    """One operation. ``op`` is a registry name, or ``field`` / ``group`` / ``const`` for leaves.

    ``params`` holds static values: the field name, group level, constant value, or an operator's
    windows and constants (already floored/rounded per profile).
    """

    op: str
    args: tuple[int, ...]
    params: tuple
    kind: str


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    spans: dict[int, Span] = field(default_factory=dict)  # where each node was first written
    _index: dict[Node, int] = field(default_factory=dict, repr=False)

    def add(self, op: str, args: tuple[int, ...], params: tuple, kind: str, span: Span | None = None) -> int:
        node = Node(op, tuple(args), tuple(params), kind)
        found = self._index.get(node)
        if found is not None:
            return found
        self.nodes.append(node)
        node_id = len(self.nodes) - 1
        self._index[node] = node_id
        if span is not None:
            self.spans[node_id] = span
        return node_id

    def __getitem__(self, node_id: int) -> Node:
        return self.nodes[node_id]

    def __len__(self) -> int:
        return len(self.nodes)

    def describe(self, node_id: int, max_len: int = 80) -> str:
        """Canonical formula text of a node (for comments, explain output and messages)."""
        text = _describe(self, node_id)
        return text if len(text) <= max_len else text[: max_len - 3] + "..."


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "lt": "<", "le": "<=", "gt": ">",
          "ge": ">=", "eq": "==", "ne": "!=", "or": "||", "and": "&&"}


def _describe(graph: Graph, node_id: int) -> str:
    node = graph[node_id]
    if node.op == "field":
        return node.params[0]
    if node.op == "group":
        return f"IndClass.{node.params[0]}"
    if node.op == "const":
        return number_text(node.params[0])
    args = [_describe(graph, a) for a in node.args]
    if node.op in _INFIX:
        return f"({args[0]} {_INFIX[node.op]} {args[1]})"
    if node.op == "neg":
        return f"-{args[0]}"
    if node.op == "not":
        return f"!{args[0]}"
    if node.op == "cond":
        return f"({args[0]} ? {args[1]} : {args[2]})"
    if node.op == "broadcast":
        return args[0]
    statics = [number_text(float(p)) for p in node.params]
    return f"{node.op}({', '.join(args + statics)})"
