"""The operator registry: every operator is one ``OpSpec`` entry, registered by the modules imported here.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("IndNeutralize").signature()
    'indneutralize(x, g)'
"""

from alphalang.ops import (  # noqa: F401  (registration, in this order)
    arithmetic,
    cleanup,
    compositions,
    crosssection,
    elementwise,
    exponential,
    groups,
    internal,
    missing,
    orderstats,
    regression,
    stateful,
    timeseries,
)
from alphalang.ops.registry import REGISTRY, all_names, callable_ops, iter_ops, lookup
from alphalang.ops.spec import ArgKind, OpSpec, Param, ResultKind

INFIX = {spec.symbol: spec.name for spec in REGISTRY.values()
         if spec.symbol and not spec.prefix and len(spec.params) == 2}  # "+" -> "add", in registry order
PREFIX = {spec.symbol: spec.name for spec in REGISTRY.values() if spec.symbol and spec.prefix}  # "-" -> "neg"

__all__ = ["REGISTRY", "INFIX", "PREFIX", "ArgKind", "OpSpec", "Param", "ResultKind", "all_names",
           "callable_ops", "iter_ops", "lookup"]
