"""The checked intermediate representation: a hash-consed DAG of operator nodes.

Every structurally equal sub-expression of every output is one node (common-subexpression elimination by
construction). Node ids are topologically ordered: a node's arguments always have smaller ids.

Example:
    >>> g = Graph()
    >>> close = g.add(Leaf.FIELD, (), ("close",), PANEL)
    >>> g.add("rank", (close,), (), PANEL) == g.add("rank", (close,), (), PANEL)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from alphalang.ops import INFIX
from alphalang.source import Span
from alphalang.syntax.printer import number_text
from alphalang.syntax.walk import render


class Kind(StrEnum):
    """What a node's values are: a (dates x assets) panel, one number, or group labels."""

    PANEL = "panel"
    SCALAR = "scalar"
    GROUP = "group"


class Leaf(StrEnum):
    """The ops of the nodes that read data or hold a value, not operators (``Node.is_leaf``): a field, an
    ``IndClass`` level (group labels) and a constant."""

    FIELD = "field"
    GROUP = "group"
    CONST = "const"


PANEL, SCALAR, GROUP = Kind.PANEL, Kind.SCALAR, Kind.GROUP
LEAVES = frozenset(Leaf)


@dataclass(frozen=True)
class Node:
    """One operation. ``op`` is a registry name, or a ``Leaf`` (``field`` / ``group`` / ``const``).

    ``params`` holds static values: the field name, group level, constant value, or an operator's
    windows and constants (already floored/rounded per profile).
    """

    op: str
    args: tuple[int, ...]
    params: tuple
    kind: Kind | str  # a ``Kind`` (a plain string of one compares equal)

    @property
    def is_leaf(self) -> bool:
        """Whether the node is a field, group level or constant (no registry entry, no arguments).

        Example:
            >>> Node(Leaf.CONST, (), (5.0,), SCALAR).is_leaf, Node("rank", (0,), (), PANEL).is_leaf
            (True, False)
        """
        return self.op in LEAVES


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    spans: dict[int, Span] = field(default_factory=dict)  # where each node was first written
    _index: dict[Node, int] = field(default_factory=dict, repr=False)

    def add(self, op: str, args: tuple[int, ...], params: tuple, kind: Kind, span: Span | None = None) -> int:
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

    def describe(self, node_id: int, max_len: int | None = 80) -> str:
        """Canonical formula text of a node (for comments, explain output and messages).

        Depth-independent, and O(max_len) for a long formula: only the shown prefix is produced.
        """
        text = render(node_id, self._pieces, max_len)
        return text if max_len is None or len(text) <= max_len else text[: max_len - 3] + "..."

    def _pieces(self, node_id: int) -> list:
        """One node's text as pieces: strings, and the argument node ids to expand in their place."""
        node = self.nodes[node_id]
        if node.op == Leaf.FIELD:
            return [node.params[0]]
        if node.op == Leaf.GROUP:
            return [f"IndClass.{node.params[0]}"]
        if node.op == Leaf.CONST:
            return [number_text(node.params[0])]
        args = node.args
        if node.op in _INFIX:
            return ["(", args[0], f" {_INFIX[node.op]} ", args[1], ")"]
        if node.op == "neg":
            return ["-", args[0]]
        if node.op == "not":
            return ["!", args[0]]
        if node.op == "cond":
            return ["(", args[0], " ? ", args[1], " : ", args[2], ")"]
        if node.op == "broadcast":
            return [args[0]]
        items = [*args, *(f'"{p}"' if isinstance(p, str) else number_text(float(p)) for p in node.params)]
        pieces: list = [f"{node.op}("]
        for i, item in enumerate(items):
            pieces += [", ", item] if i else [item]
        return [*pieces, ")"]


_INFIX = {name: symbol for symbol, name in INFIX.items()}  # "add" -> "+"

