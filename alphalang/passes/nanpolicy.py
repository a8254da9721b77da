"""The NaN policy of a program: ``strict`` (the paper's rule) or ``skip`` (window statistics over the valid values).

* ``strict`` (the default): a window statistic is NaN during warm-up and whenever any value of its window is
  missing (NaN or ±inf).
* ``skip``: a window statistic is computed over the window's valid (finite) values, as pandas'
  ``rolling(d, min_periods=m)`` and qlib compute it, and is NaN when fewer than ``min_periods`` of them are
  valid (default 1, as qlib; a window of d rows needs ``min(min_periods, d)``). Rows before the first date
  count as missing, so the first windows are partial.

Which operators the policy changes is declared on each registry entry (``OpSpec.skip``): a reference function
under ``skip``, or ``SAME`` (shifts and NaN-aware operators mean the same under both policies). Elementwise,
cross-sectional and group operators are not window statistics and mean the same under both. A time-series
operator that declares neither is refused under ``skip`` (``check_policy``, a plan pass), so nothing is silently
computed under the wrong rule.

Example:
    >>> policy = nan_policy("skip", 3)
    >>> policy, policy.periods(10), policy.periods(2)
    (NanPolicy(mode='skip', min_periods=3), 3, 2)
    >>> str(policy), str(nan_policy())
    ('skip(min_periods=3)', 'strict')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from alphalang.errors import AlphaTypeError
from alphalang.ops import ArgKind, ResultKind, lookup
from alphalang.ops.spec import SAME, OpSpec
from alphalang.passes.collect import ErrorLog

if TYPE_CHECKING:
    from alphalang.plan import Plan

POLICIES = ("strict", "skip")
DEFAULT_MIN_PERIODS = 1  # under skip: one valid value makes a window (qlib's min_periods=1)


@dataclass(frozen=True)
class NanPolicy:
    """How window statistics treat missing values (see the module docstring)."""

    mode: str = "strict"
    min_periods: int = 0  # skip only (0 under strict)

    @property
    def skip(self) -> bool:
        return self.mode == "skip"

    def periods(self, window: int | None) -> int:
        """The valid values a window of ``window`` rows needs (``min_periods``, at most the window; ``None``: an
        operator without a window, such as ts_ema)."""
        return self.min_periods if window is None else min(self.min_periods, window)

    def __str__(self) -> str:
        return f"skip(min_periods={self.min_periods})" if self.skip else "strict"


STRICT = NanPolicy()


def nan_policy(nan: str | NanPolicy = "strict", min_periods: int | None = None) -> NanPolicy:
    """The policy named ``nan`` (``"strict"`` or ``"skip"``) with ``min_periods`` (skip only; default 1).

    >>> nan_policy("skip").min_periods
    1
    >>> nan_policy("strict", 2)
    Traceback (most recent call last):
    ...
    alphalang.errors.AlphaTypeError: error: min_periods applies to nan="skip" only
      hint: compile(..., nan="skip", min_periods=2)
    """
    if isinstance(nan, NanPolicy):
        if min_periods is not None and min_periods != nan.min_periods:
            raise AlphaTypeError("pass min_periods either in the NanPolicy or as an argument, not both")
        return nan
    mode = str(nan).lower()
    if mode not in POLICIES:
        raise AlphaTypeError(f"unknown NaN policy {nan!r}", hint=f"choose one of {', '.join(POLICIES)}")
    if mode == "strict":
        if min_periods is not None:
            raise AlphaTypeError('min_periods applies to nan="skip" only',
                                 hint=f'compile(..., nan="skip", min_periods={min_periods})')
        return STRICT
    m = DEFAULT_MIN_PERIODS if min_periods is None else min_periods
    if isinstance(m, bool) or not isinstance(m, int) and not (isinstance(m, float) and m.is_integer()) or m < 1:
        raise AlphaTypeError(f"min_periods must be a whole number >= 1, got {min_periods!r}")
    return NanPolicy("skip", int(m))


def window_of(spec: OpSpec, params: tuple) -> int | None:
    """The node's window (its first WINDOW static), or None."""
    statics = [p for p in spec.params if p.carried]
    return next((int(v) for p, v in zip(statics, params, strict=False) if p.kind is ArgKind.WINDOW), None)


def skip_reference(spec: OpSpec):
    """The function computing ``spec`` under skip: its ``skip`` reference, or ``None`` when the policy does not
    change it (``SAME``, or not a time-series operator). Raises ``KeyError`` if it has not opted in."""
    if spec.result is not ResultKind.TIME_SERIES or spec.skip is SAME:
        return None
    if spec.skip is None:
        raise KeyError(spec.name)
    return spec.skip


def check_policy(plan: Plan) -> Plan:
    """The pass: under ``skip``, refuse (``AlphaTypeError`` at each call) an operator that has not declared how it
    computes over valid values only."""
    if not plan.nan.skip:
        return plan
    errors = ErrorLog()
    for node_id, node in enumerate(plan.graph.nodes):
        if node.is_leaf:
            continue
        with errors.statement():  # every such call is reported
            try:
                skip_reference(lookup(node.op))
            except KeyError:
                raise AlphaTypeError(f'{node.op} does not support nan="skip" yet', plan.graph.spans.get(node_id),
                                     hint='use nan="strict" for this program, or clean the input first '
                                          "(e.g. ts_backfill)") from None
    errors.check()
    return plan
