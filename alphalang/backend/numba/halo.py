"""The exact halo of a kernel: how many rows before a chunk a fresh run must start to give a one-run's bits.

Used by every time split: the executor's threads (``executor.chunks``) and ``alphalang.distributed``.
"""

from __future__ import annotations

from alphalang.backend.numba.families import DIRECT_MAX, FAMILY
from alphalang.backend.numba.lowering import lower


def exact_halo(plan) -> int:
    """Rows of history after which a fresh run of ``plan``'s kernel gives exactly the bits of a run from row 0.

    That is the lookback, plus, for every window longer than ``DIRECT_MAX`` on the way to an output, the window
    again: such windows keep O(1) running sums that carry rounding from before the window and are recomputed
    from their ring only every d rows, at absolute rows ``(t + 1) % d == 0`` (``kernels.moments``); once the
    ring holds exact inputs, the next such recompute (at most d rows later) makes the state identical.
    Computed like the lookback pass, node by node (arguments come before their users in the graph).

    >>> from alphalang.plan import build_plan, parse_module
    >>> exact_halo(build_plan(parse_module("a = ts_mean(close, 5)"))), exact_halo(build_plan(parse_module(
    ...     "b = ts_mean(close, 30)")))
    (4, 59)
    """

    graph, lookbacks = plan.graph, plan.lookbacks
    exact = [0] * len(graph)
    for v, node in enumerate(graph.nodes):
        base = max((exact[a] for a in node.args), default=0)
        grow = lookbacks[v] - max((lookbacks[a] for a in node.args), default=0)
        extra = 0
        if not node.is_leaf:
            family = FAMILY.get(lower(node.op).family)
            window = family.window(node.params) if family is not None and family.stateful else 0
            extra = window if window > DIRECT_MAX else 0
        exact[v] = base + max(grow, 0) + extra
    return max((exact[v] for v in plan.outputs.values()), default=0)
