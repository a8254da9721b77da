"""The reference backend: evaluates a plan node by node with the registry's numpy implementations.

Slow and obviously correct; it is the oracle the numba backend is tested against. Intermediate arrays are
freed after their last use. Under the NaN policy ``skip`` a window statistic runs its registry entry's ``skip``
function (``passes.nanpolicy``).

Example:
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> plan = build_plan(parse_module("x = close - delay(close, 1)"))
    >>> run(plan, {"close": np.array([[1.0], [3.0]])}, {}, (2, 1))["x"][:, 0]
    array([nan,  2.])
"""

from __future__ import annotations

import numpy as np

from alphalang.ir import Leaf
from alphalang.ops import lookup
from alphalang.passes.nanpolicy import NanPolicy, skip_reference, window_of
from alphalang.plan import Plan


def run(plan: Plan, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
        shape: tuple[int, int]) -> dict[str, np.ndarray]:
    graph = plan.graph
    last_use = {}
    for node_id, node in enumerate(graph.nodes):
        for a in node.args:
            last_use[a] = node_id
    keep = set(plan.outputs.values())
    values: dict[int, object] = {}
    for node_id, node in enumerate(graph.nodes):
        if node.op == Leaf.FIELD:
            values[node_id] = fields[node.params[0]]
        elif node.op == Leaf.GROUP:
            values[node_id] = groups[node.params[0]]
        elif node.op == Leaf.CONST:
            values[node_id] = node.params[0]
        elif node.op == "broadcast":
            values[node_id] = np.full(shape, values[node.args[0]], dtype=np.float64)
        else:
            spec = lookup(node.op)
            result = _compute(spec, plan.nan, [values[a] for a in node.args], node.params)
            values[node_id] = np.broadcast_to(np.asarray(result, dtype=np.float64), shape)
        for a in node.args:
            if last_use.get(a) == node_id and a not in keep:
                values.pop(a, None)
    return {name: np.array(values[node_id], dtype=np.float64) for name, node_id in plan.outputs.items()}


def _compute(spec, policy: NanPolicy, inputs: list, params: tuple):
    """One node's values under the plan's NaN policy (``passes.nanpolicy``)."""
    skip = skip_reference(spec) if policy.skip else None
    if skip is None:
        return spec.reference(*inputs, *params)
    return skip(*inputs, *params, policy.periods(window_of(spec, params)))


def prepare(plan: Plan, **options):
    """The backend protocol: ``prepare(plan) -> executor(fields, groups, shape) -> outputs``."""
    if options:
        raise TypeError(f"the reference backend takes no options, got {sorted(options)}")
    return lambda fields, groups, shape: run(plan, fields, groups, shape)
