"""The lowering of a registry operator: its numba kernel family, mode and kind, derived from ``families``.

Elementwise operators lower through their registry template (an expression over ``{0}, {1}..`` using ``ew``);
every other operator's registry ``lowering`` name is a key of ``families.LOWERING``. ``lower(op)`` is the one
lookup the code generator uses, and ``tests/test_registry.py`` checks that every registry operator resolves.

Example:
    >>> lower("ts_mean")
    Lowering(family='moments', mode='MEAN', kind=<Kind.WINDOW: 'window'>)
    >>> lower("rank").kind == "row"
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from alphalang.backend.numba.families import FAMILY, LOWERING, Kind
from alphalang.ops import lookup
from alphalang.ops.spec import ResultKind


@dataclass(frozen=True)
class Lowering:
    family: str  # module under alphalang.backend.numba.kernels
    mode: str | None  # mode constant of that module (None: the family has one statistic)
    kind: Kind  # the family's kind, or ``Kind.ELEMENTWISE``


def lower(op: str) -> Lowering:
    """The lowering of a registry operator (by canonical name)."""
    spec = lookup(op)
    if spec is None:
        raise KeyError(f"no operator {op!r} in the registry")
    if spec.result is ResultKind.ELEMENTWISE:
        return Lowering("elementwise", spec.lowering, Kind.ELEMENTWISE)
    if spec.lowering not in LOWERING:
        raise KeyError(f"operator {op!r} has lowering {spec.lowering!r}, which names no numba kernel family")
    family, mode = LOWERING[spec.lowering]
    return Lowering(family, mode, FAMILY[family].kind)
