"""A checked, pruned program ready for a backend: the IR graph, its outputs and their lookbacks.

Backends implement ``run(plan, fields, groups, shape) -> {output: (T, N) array}`` where ``fields`` maps each
name in ``plan.fields`` to a C-contiguous float64 (T, N) array and ``groups`` maps each level in
``plan.groups`` to an int64 (T, N) array (negative = no group).

Example:
    >>> plan = build_plan(parse_module("a = ts_mean(close, 5)\\nb = rank(a)"))
    >>> plan.output_lookback, plan.fields
    ({'a': 4, 'b': 4}, ('close',))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alphalang.errors import AlphaTypeError
from alphalang.ir import Graph
from alphalang.passes.cse import prune
from alphalang.passes.lookback import node_lookbacks
from alphalang.passes.profile import PROFILES, Profile
from alphalang.passes.resolve import Resolver
from alphalang.source import Span
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_module

__all__ = ["Plan", "build_plan", "parse_module"]


@dataclass(frozen=True)
class Plan:
    graph: Graph
    outputs: dict[str, int]  # output name -> node id
    lookbacks: tuple[int, ...]  # per node
    output_spans: dict[str, Span]
    derived: frozenset[str]  # derivable fields (returns, adv{d}) computed from other fields

    @property
    def output_lookback(self) -> dict[str, int]:
        return {name: self.lookbacks[node_id] for name, node_id in self.outputs.items()}

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(sorted({n.params[0] for n in self.graph.nodes if n.op == "field"}))

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({n.params[0] for n in self.graph.nodes if n.op == "group"}))

    def first_use(self, op: str, name: str) -> Span | None:
        """Where a field or group level is first used (for data errors)."""
        for node_id, node in enumerate(self.graph.nodes):
            if node.op == op and node.params[0] == name:
                return self.graph.spans.get(node_id)
        return None


def build_plan(module: ast.Module, profile: Profile = PROFILES["paper"], extra_fields: frozenset[str] = frozenset(),
               supplied: frozenset[str] = frozenset(), base_dir: Path | None = None,
               allow_redefinition: bool = False) -> Plan:
    """Run the passes: resolve (with folding, kinds and CSE by hash-consing), prune, lookback."""
    resolver = Resolver(profile, extra_fields, supplied, allow_redefinition)
    try:
        outputs = resolver.resolve_module(module, base_dir)
    except RecursionError:
        raise AlphaTypeError("formula is nested too deeply to check", hint="split it into named steps") from None
    spans = {name: span for name, (_, span) in outputs.items()}
    node_ids = {name: resolver.broadcast(node_id, spans[name]) for name, (node_id, _) in outputs.items()}
    graph, node_ids = prune(resolver.graph, node_ids)
    return Plan(graph, node_ids, tuple(node_lookbacks(graph)), spans, frozenset(resolver.derived_used))
