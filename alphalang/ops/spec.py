"""The shape of one operator registry entry (``OpSpec``) and the rules it is built from.

Example:
    >>> spec = OpSpec(name="twice", params=(Param("x", ArgKind.SERIES),), result=ResultKind.ELEMENTWISE,
    ...               reference=lambda x: 2 * x, doc="2x.", example="twice(close)", nan_rule="IEEE",
    ...               lowering="(2 * {0})")
    >>> spec.signature(), spec.internal
    ('twice(x)', False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class ArgKind(Enum):
    """What an argument position accepts."""

    SERIES = "series"  # any numeric expression (panel or constant)
    WINDOW = "window"  # a constant window length, floored (paper) or rounded (pandas-ref); must be >= 1
    LAG = "lag"  # a constant lag, like WINDOW but 0 is allowed
    CONST = "const"  # a constant number (not a panel), e.g. scale's `a`
    GROUP = "group"  # group labels: IndClass.<level> (or a group-valued operator such as bucket(...))
    CHOICE = "choice"  # a string literal from ``Param.choices`` (e.g. driver="gaussian"); the static is the string
    TEXT = "text"  # a free string literal (e.g. bucket's range="0,1,0.1"); the static is the string

    @property
    def is_static(self) -> bool:
        """Whether the checker must fold the argument to a number before lowering (windows, lags, constants)."""
        return self in (ArgKind.WINDOW, ArgKind.LAG, ArgKind.CONST, ArgKind.CHOICE, ArgKind.TEXT)


class ResultKind(Enum):
    """How an operator moves through the panel; decides fusion and broadcasting."""

    ELEMENTWISE = "elementwise"
    TIME_SERIES = "time-series"
    CROSS_SECTIONAL = "cross-sectional"
    GROUP = "group"


@dataclass(frozen=True)
class Param:
    name: str
    kind: ArgKind
    default: float | str | None = None
    positive: bool = False  # CONST only: must be > 0
    bounds: tuple[float, float] | None = None  # CONST only: the closed range [lo, hi] it must lie in

    def nearest(self, value: float) -> float:
        """The admissible constant nearest ``value`` (clamped into ``bounds``): how test generators that draw one
        list of constants for every CONST parameter respect a range.

        >>> Param("q", ArgKind.CONST, bounds=(0.0, 1.0)).nearest(2.5)
        1.0
        """
        return value if self.bounds is None else min(max(value, self.bounds[0]), self.bounds[1])
    choices: tuple[str, ...] = ()  # CHOICE only: the accepted strings (case-insensitive; stored lower-case)
    ignored: bool = False  # accepted and checked, but no effect on the value (BRAIN's rank rate): not in the node

    @property
    def carried(self) -> bool:
        """Whether the value travels in the IR node's statics (static parameters that are not ``ignored``)."""
        return self.kind.is_static and not self.ignored


# ``OpSpec.skip`` of an operator that means the same under both NaN policies (shifts, NaN-aware operators)
SAME = "same"

LookbackRule = Callable[[tuple[int, ...], tuple[float, ...]], int]


def same_as_inputs(arg_lookbacks: tuple[int, ...], statics: tuple[float, ...]) -> int:
    """inputs' lookback (no extra rows)"""
    return max(arg_lookbacks, default=0)


def window_rows(arg_lookbacks: tuple[int, ...], statics: tuple[float, ...]) -> int:
    """inputs + d - 1"""
    return max(arg_lookbacks, default=0) + int(statics[0]) - 1


def lag_rows(arg_lookbacks: tuple[int, ...], statics: tuple[float, ...]) -> int:
    """inputs + d"""
    return max(arg_lookbacks, default=0) + int(statics[0])


@dataclass(frozen=True)
class OpSpec:
    """One operator: everything the grammar, checker, backends, docs, REPL and tests need to know."""

    name: str
    params: tuple[Param, ...]
    result: ResultKind
    reference: Callable  # numpy implementation: (*series/group arrays, *static values) -> ndarray
    doc: str
    example: str
    nan_rule: str
    lowering: str  # numba: an expression template over {0}, {1}.. (elementwise) or a kernel family name
    aliases: tuple[str, ...] = ()
    lookback: LookbackRule = same_as_inputs
    symbol: str | None = None  # spelling in formulas: infix "+", prefix "!" (with ``prefix``), ternary "?:"
    precedence: int = 0  # how tightly ``symbol`` binds (higher binds tighter); the grammar and printers derive
    right_assoc: bool = False  # ``a OP b OP c`` groups as ``a OP (b OP c)`` (``^``); otherwise from the left
    prefix: bool = False  # ``symbol`` is written before the single operand (``-x``, ``!x``)
    constant_overload: str | None = None  # a call f(x, d) with d a constant >= 0 means this operator instead
    category: str = ""
    internal: bool = False  # inserted by the compiler only; users cannot call it by name
    # How the peers' users spell it: (("brain", "ts_std_dev"), ("qlib", "Std"), ("gtja", "STD"), ...); the docs'
    # spelling columns and the dialects (issue 11) derive from it.
    spellings: tuple[tuple[str, str], ...] = ()
    # A composition: alphalang text over the parameter names (e.g. "x - ts_mean(x, d)") that the checker
    # inlines at each call, like a user ``def``; such an operator needs no kernel of its own, and its
    # ``reference``/``lowering`` are unused (set them to None / "").
    expansion: str | None = None
    # The operator returns group labels (bucket, densify): its node has the group kind, so it is accepted exactly
    # where a group parameter is (like ``IndClass.<level>``); the reference returns int64 labels (-1: no group).
    labels: bool = False
    wider: str | None = None  # a call with more arguments than ``params`` means this operator (group_mean(x, w, g))
    # Under the NaN policy nan="skip" (``passes.nanpolicy``): the numpy implementation over the window's valid values,
    # ``(*series arrays, *static values, min_periods) -> ndarray``, or ``SAME`` if the policy does not change the
    # operator. A time-series operator left at None is refused under skip.
    skip: Callable | str | None = None
    variadic: bool = False  # f(a, b, c, ...) means f(f(a, b), c): BRAIN's n-ary add/multiply/max/min
    filter_value: float | None = None  # ``filter=true`` (BRAIN): a NaN operand counts as this value (add: 0)

    def signature(self) -> str:
        parts = []
        for p in self.params:
            if p.default is None:
                parts.append(p.name)
            else:
                parts.append(f"{p.name}={p.default:g}" if isinstance(p.default, float) else f'{p.name}="{p.default}"')
        if self.variadic:
            parts.append("...")
        if self.filter_value is not None:
            parts.append("filter=false")
        return f"{self.name}({', '.join(parts)})"
