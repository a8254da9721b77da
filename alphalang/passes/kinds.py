"""Argument checking for operator calls: arity, keyword names, argument kinds (group labels only where a group
operator expects them), and static windows.

Windows and lags must be constants after folding; they are floored (``paper``) or rounded (``pandas-ref``).
A floored window below 1, or a lag below 0 (look-ahead), is an error.

Example:
    >>> from alphalang.ops import lookup
    >>> static_value(lookup("ts_mean").params[1], 6.9, PROFILES["paper"], None)
    6
"""

from __future__ import annotations

import math

from alphalang.errors import AlphaTypeError
from alphalang.ir import GROUP, Kind
from alphalang.ops.spec import ArgKind, OpSpec, Param
from alphalang.passes.profile import PROFILES, Profile
from alphalang.source import Span

__all__ = ["PROFILES", "TEXT_KINDS", "check_argument_kind", "check_not_group", "match_arguments", "static_value",
           "text_value"]

MAX_WINDOW = 1_000_000


def match_arguments(spec: OpSpec, positional: list, keywords: dict[str, tuple], call_span: Span,
                    called: str | None = None) -> list:
    """Order the given arguments by the spec's parameters, filling defaults.

    ``positional`` items and ``keywords`` values are whatever the caller resolved (they are passed
    through); a missing parameter with no default, an extra argument or an unknown keyword raise, naming the
    operator as the user ``called`` it (``sma``, not ``ts_mean``).
    """
    params = spec.params
    name = called or spec.name
    if len(positional) > len(params):
        raise AlphaTypeError(
            f"{name}() takes {_count(params)}, got {len(positional) + len(keywords)}",
            call_span, hint=f"signature: {spec.signature()}")
    slots: list = list(positional) + [None] * (len(params) - len(positional))
    names = [p.name for p in params]
    for key, (value, span) in keywords.items():
        if key not in names:
            raise AlphaTypeError(f"{name}() has no parameter {key!r}", span,
                                 hint=f"signature: {spec.signature()}")
        index = names.index(key)
        if slots[index] is not None:
            raise AlphaTypeError(f"{name}() got {key!r} twice", span)
        slots[index] = value
    for index, param in enumerate(params):
        if slots[index] is None:
            if param.default is None:
                raise AlphaTypeError(
                    f"{name}() takes {_count(params)}, got {len(positional) + len(keywords)}",
                    call_span, hint=f"signature: {spec.signature()}")
            slots[index] = param.default
    return slots


def _count(params: tuple[Param, ...]) -> str:
    required = sum(p.default is None for p in params)
    total = len(params)
    noun = "argument" if total == 1 else "arguments"
    return f"{required} {noun}" if required == total else f"{required} to {total} {noun}"


def static_value(param: Param, value: float, profile: Profile, span: Span | None) -> float | int:
    """Check and convert a constant given for a static parameter (window, lag or constant)."""
    if not math.isfinite(value):
        raise AlphaTypeError(f"{param.name} must be a finite number, got {value}", span)
    if param.kind is ArgKind.CONST:
        if param.positive and value <= 0:
            raise AlphaTypeError(f"{param.name} must be positive, got {value:g}", span)
        if param.bounds is not None and not param.bounds[0] <= value <= param.bounds[1]:
            raise AlphaTypeError(f"{param.name} must be in [{param.bounds[0]:g}, {param.bounds[1]:g}], got {value:g}",
                                 span)
        return float(value)
    window = profile.window(value)
    if param.kind is ArgKind.LAG and window < 0:
        raise AlphaTypeError(f"negative lag {value:g}: a formula may not look into the future", span,
                             hint="delay/delta take a lag >= 0")
    if param.kind is ArgKind.WINDOW and window < 1:
        raise AlphaTypeError(f"window {value:g} is below 1 after {'rounding' if profile.round_windows else 'flooring'}",
                             span, hint="a window counts rows and must be at least 1")
    if window > MAX_WINDOW:
        raise AlphaTypeError(f"window {value:g} is larger than {MAX_WINDOW:,} rows", span)
    return window


def check_not_group(kind: Kind, span: Span | None, what: str) -> None:
    """Refuse group labels where ``what`` (numbers, a series) is needed.

    Example:
        >>> from alphalang.ir import PANEL
        >>> check_not_group(PANEL, None, "numbers")  # a series is fine
        >>> try:
        ...     check_not_group(GROUP, None, "numbers")
        ... except AlphaTypeError as err:
        ...     print(err.message)
        group labels are not numbers; use them inside a group operator
    """
    if kind == GROUP:
        raise AlphaTypeError(f"group labels are not {what}; use them inside a group operator", span,
                             hint="e.g. indneutralize(x, IndClass.sector)")


def check_argument_kind(spec: OpSpec, param: Param, kind: Kind, span: Span | None, called: str | None = None) -> None:
    """Group labels exactly for a group parameter: refuse a series there, and group labels anywhere else."""
    name = called or spec.name
    if param.kind is ArgKind.GROUP and kind != GROUP:
        raise AlphaTypeError(f"{name}() needs group labels for {param.name!r}", span,
                             hint="write IndClass.<level>, e.g. IndClass.sector")
    if param.kind is not ArgKind.GROUP and kind == GROUP:
        raise AlphaTypeError(f"group labels cannot be used as {name}()'s {param.name!r}", span)


TEXT_KINDS = (ArgKind.CHOICE, ArgKind.TEXT)


def text_value(param: Param, given: object, called: str, span: Span | None) -> str:
    """The string given for a CHOICE or TEXT parameter (a choice lower-cased and checked against
    ``param.choices``); anything but a string literal is an error.

    Example:
        >>> from alphalang.syntax import ast
        >>> text_value(Param("driver", ArgKind.CHOICE, choices=("gaussian", "cauchy")), ast.String("Cauchy"), "q", None)
        'cauchy'
    """
    from alphalang.suggest import suggest
    from alphalang.syntax import ast

    if isinstance(given, ast.String):
        given = given.value
    if not isinstance(given, str):
        example = f'"{param.choices[0]}"' if param.choices else '"..."'
        raise AlphaTypeError(f"{called}() needs a string for {param.name!r}", span,
                             hint=f"write {param.name}={example}")
    if param.kind is ArgKind.CHOICE:
        given = given.lower()
        if given not in param.choices:
            raise AlphaTypeError(f"{called}() has no {param.name} {given!r}", span,
                                 hint=suggest(given, param.choices) or f"one of {', '.join(param.choices)}")
    return given
