"""A checked, pruned program ready for a backend: the IR graph, its outputs and their lookbacks.

``build_plan`` resolves a module into a graph (names, imports, inlining, derived fields, kinds, folding; see
``passes.resolve``) and then runs the graph passes of ``PASSES`` in order. ``Plan.restrict`` reruns them on some
outputs only.

Backends implement ``run(plan, fields, groups, shape) -> {output: (T, N) array}`` where ``fields`` maps each
name in ``plan.fields`` to a C-contiguous float64 (T, N) array and ``groups`` maps each level in
``plan.groups`` to an int64 (T, N) array (negative = no group).

Example:
    >>> plan = build_plan(parse_module("a = ts_mean(close, 5)\\nb = rank(a)"))
    >>> plan.output_lookback, plan.fields
    ({'a': 4, 'b': 4}, ('close',))
    >>> plan.restrict(["a"]).outputs
    {'a': 1}
    >>> str(build_plan(parse_module("a = ts_mean(close, 5)"), nan=nan_policy("skip")).nan)
    'skip(min_periods=1)'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from alphalang.errors import AlphaTypeError
from alphalang.ir import Graph, Leaf
from alphalang.passes.broadcast import broadcast_constants
from alphalang.passes.lookback import with_lookbacks
from alphalang.passes.nanpolicy import STRICT, NanPolicy, check_policy, nan_policy
from alphalang.passes.profile import PROFILES, Profile
from alphalang.passes.prune import prune_unreached
from alphalang.passes.resolve import Resolver
from alphalang.source import Span
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_module

__all__ = ["PASSES", "NanPolicy", "Plan", "build_plan", "nan_policy", "parse_module", "resolve_plan", "run_passes"]


@dataclass(frozen=True)
class Plan:
    graph: Graph
    outputs: dict[str, int]  # output name -> node id
    lookbacks: tuple[int, ...]  # per node
    output_spans: dict[str, Span]
    derived: frozenset[str]  # derivable fields (returns, adv{d}) computed from other fields
    nan: NanPolicy = STRICT  # how window statistics treat missing values (``passes.nanpolicy``)

    @property
    def output_lookback(self) -> dict[str, int]:
        return {name: self.lookbacks[node_id] for name, node_id in self.outputs.items()}

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(sorted({n.params[0] for n in self.graph.nodes if n.op == Leaf.FIELD}))

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({n.params[0] for n in self.graph.nodes if n.op == Leaf.GROUP}))

    def first_use(self, op: str, name: str) -> Span | None:
        """Where a field or group level is first used (for data errors)."""
        for node_id, node in enumerate(self.graph.nodes):
            if node.op == op and node.params[0] == name:
                return self.graph.spans.get(node_id)
        return None

    def restrict(self, names: Iterable[str]) -> Plan:
        """The plan of the outputs ``names`` only (in that order), pruned to what they reach."""
        names = list(names)
        return run_passes(Plan(self.graph, {n: self.outputs[n] for n in names}, (),
                               {n: self.output_spans[n] for n in names}, self.derived, self.nan))


#: The graph passes ``build_plan`` runs after resolution, in order; each maps a ``Plan`` to a ``Plan``.
PASSES: tuple[Callable[[Plan], Plan], ...] = (broadcast_constants, prune_unreached, check_policy, with_lookbacks)


def run_passes(plan: Plan, passes: Iterable[Callable[[Plan], Plan]] = PASSES) -> Plan:
    """``plan`` after each of ``passes`` in turn."""
    for step in passes:
        plan = step(plan)
    return plan


def resolve_plan(module: ast.Module, profile: Profile = PROFILES["paper"],
                 extra_fields: frozenset[str] = frozenset(), supplied: frozenset[str] = frozenset(),
                 base_dir: Path | None = None, allow_redefinition: bool = False, nan: NanPolicy = STRICT,
                 unknown_as_fields: bool = False) -> Plan:
    """The resolved graph of ``module`` as a plan the ``PASSES`` have not run on yet (no lookbacks), under the
    NaN policy ``nan``; with ``unknown_as_fields`` a name defined nowhere is read as a data field (which the
    data may lack: ``passes.fields.skipped_outputs``) instead of an error."""
    resolver = Resolver(profile, extra_fields, supplied, allow_redefinition, module.dialect, unknown_as_fields)
    try:
        outputs = resolver.resolve_module(module, base_dir)
    except RecursionError:
        raise AlphaTypeError("formula is nested too deeply to check", hint="split it into named steps") from None
    return Plan(resolver.graph, {name: node_id for name, (node_id, _) in outputs.items()}, (),
                {name: span for name, (_, span) in outputs.items()}, frozenset(resolver.derived_used), nan)


def build_plan(module: ast.Module, profile: Profile = PROFILES["paper"], extra_fields: frozenset[str] = frozenset(),
               supplied: frozenset[str] = frozenset(), base_dir: Path | None = None,
               allow_redefinition: bool = False, nan: NanPolicy = STRICT, unknown_as_fields: bool = False) -> Plan:
    """Resolve ``module`` (see ``resolve_plan``), then run ``PASSES``."""
    return run_passes(resolve_plan(module, profile, extra_fields, supplied, base_dir, allow_redefinition, nan,
                                   unknown_as_fields))


def derivation_plan(names: Iterable[str], profile: Profile = PROFILES["paper"], nan: NanPolicy = STRICT,
                    spans: dict[str, Span | None] | None = None) -> Plan:
    """The plan computing the derived fields ``names`` (``passes.fields.derivation``) as outputs of those names,
    from the fields they derive from; ``spans`` says where each is used (for data errors).

    >>> plan = derivation_plan(["returns", "adv20"])
    >>> plan.fields, plan.output_lookback
    (('close', 'volume', 'vwap'), {'returns': 1, 'adv20': 19})
    """
    spans = spans or {}
    statements = tuple(ast.Assign(name, ast.Name(name, span)) if (span := spans.get(name)) else
                       ast.Assign(name, ast.Name(name)) for name in names)
    return build_plan(ast.Module(statements, "<derived fields>"), profile, nan=nan)
