"""Split a plan's outputs into kernel groups, each with a bounded amount of operator state.

A time-major kernel touches every stateful node's per-asset state (rings, running sums) on every row. When one
kernel holds all 101 alphas, that state is ~70 MB at 3000 assets and every row streams it from L3/DRAM. So
outputs are packed, in module order, into groups whose state fits a budget of words per asset
(``STATE_BUDGET``); each group is pruned to what its outputs reach (sharing inside a group is kept; a
sub-expression shared across groups is computed in each) and gets its own kernel. Measured on wq101
(800 x 3000, one thread): one kernel 20.0 s; budget 200 (56 kernels) 14.4 s; 400 (34 kernels) 14.7 s;
800 (17) 15.9 s; 1600 (8) 15.3-16.7 s; 6400 (2) 18.5 s. Separate kernels also let ``threads=2`` run groups side
by side (8.5 s), where time chunks would redo ``lookback`` rows. Reproduce with ``python bench/partition.py``.

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> plan = build_plan(parse_module("a = ts_mean(close, 60)\\nb = ts_mean(open, 60)"))
    >>> [tuple(p.outputs) for p in split(plan, budget=100)]
    [('a',), ('b',)]
    >>> [tuple(p.outputs) for p in split(plan)]
    [('a', 'b')]
"""

from __future__ import annotations

from alphalang.backend.numba.families import FAMILY
from alphalang.backend.numba.lowering import lower
from alphalang.ir import Graph
from alphalang.passes.prune import reachable
from alphalang.plan import Plan

# Float + int words of operator state per asset in one kernel (measured above; more kernels cost compile time
# on a cold cache, ~0.4 s each). 0 disables splitting.
STATE_BUDGET = 400


def state_words(graph: Graph, node_id: int) -> int:
    """Per-asset state words of one node (0 for elementwise and row-wise nodes)."""
    node = graph[node_id]
    if node.is_leaf:
        return 0
    family = FAMILY.get(lower(node.op).family)
    if family is None or not family.stateful:
        return 0
    floats, ints = family.state_size(1, family.window(node.params))
    return floats + ints


def split(plan: Plan, budget: int | None = None) -> list[Plan]:
    """The plan's outputs in groups of at most ``budget`` (default ``STATE_BUDGET``) state words per asset; an
    output over budget starts a group of its own (which outputs adding no state may join); one plan when
    everything fits or ``budget`` is 0."""
    budget = STATE_BUDGET if budget is None else budget
    graph = plan.graph
    words = [state_words(graph, k) for k in range(len(graph))]
    if budget <= 0 or sum(words) <= budget:
        return [plan]
    groups: list[list[str]] = []
    held: set[int] = set()
    used = 0
    for name, node_id in plan.outputs.items():
        reach = reachable(graph, [node_id])
        extra = sum(words[k] for k in reach - held)
        if groups and (used + extra <= budget or extra == 0):
            groups[-1].append(name)
            held |= reach
            used += extra
        else:
            groups.append([name])
            held = reach
            used = sum(words[k] for k in reach)
    return [subplan(plan, names) for names in groups]


def subplan(plan: Plan, names: list[str]) -> Plan:
    """The plan of some of ``plan``'s outputs, pruned to what they reach."""
    return plan.restrict(names)
