"""Stateful, turnover-control operators (hump, days_from_last_change, last_diff_value, ts_cumsum, ts_step and
the internal ``hold`` behind trade_when): state carried across rows.

A recursion has no finite window: its value depends on every row since the first, so its lookback adds no
rows (``same_as_inputs``, as ts_ema) and its numba family (``recursion``) is of kind "state", which keeps a
program that uses it in one time chunk; streaming carries the state exactly. ``last_diff_value`` looks back at
most d rows (family ``history``).

GTJA's ``SEQUENCE(n)`` (the vector 1..n) is not a panel value: the formulas use it only as the regressor of
``REGBETA(A, SEQUENCE(n))``, which is ``ts_slope(A, n)``.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("sumac").name, lookup("hold").internal
    ('ts_cumsum', True)
"""

from __future__ import annotations

from alphalang.backend.reference import stateful as ref
from alphalang.ops.spec import ArgKind, Param, same_as_inputs
from alphalang.ops.timeseries import time_series

_X = (Param("x", ArgKind.SERIES),)

time_series(
    "hold",
    params=(Param("x", ArgKind.SERIES), Param("take", ArgKind.SERIES)),
    reference=ref.hold,
    doc="x where take > 0, else the previous output (NaN before the first take): trade_when's recursion.",
    example="hold(close, volume > 0)",
    nan_rule="values pass unchanged (±inf too); a NaN take holds",
    lookback=same_as_inputs,
    internal=True,
)
time_series(
    "hump",
    params=(Param("x", ArgKind.SERIES), Param("hump", ArgKind.CONST, default=0.01)),
    reference=ref.hump,
    doc="Per date limit = hump * sum(|x|) over the date's assets; an asset keeps its previous output while "
    "|x - previous| < limit, else moves by limit towards x (BRAIN's hump).",
    example="hump(rank(returns), hump=0.01)",
    nan_rule="missing x gives NaN and forgets the previous output; the first valid value passes; the sum skips "
    "missing assets",
    lookback=same_as_inputs,
    spellings=(("brain", "hump"),),
)
time_series(
    "days_from_last_change",
    params=_X,
    reference=ref.days_from_last_change,
    doc="Rows since x took its current value: 0 on the row it changes, then 1, 2, ... (BRAIN's "
    "days_from_last_change; the first valid row counts as a change).",
    example="days_from_last_change(close)",
    nan_rule="NaN where x is missing (NaN/±inf); missing rows are skipped, not a change",
    lookback=same_as_inputs,
    spellings=(("brain", "days_from_last_change"),),
)
time_series(
    "last_diff_value",
    reference=ref.last_diff_value,
    doc="The most recent value within the last d rows that differs from today's (BRAIN's last_diff_value).",
    example="last_diff_value(close, 10)",
    nan_rule="NaN where x is missing or no different valid value is in rows t-d+1..t-1; missing rows are skipped",
    spellings=(("brain", "last_diff_value"),),
)
time_series(
    "ts_cumsum",
    params=_X,
    reference=ref.ts_cumsum,
    doc="Running sum of x since the first row (GTJA's SUMAC): ts_max(ts_cumsum(x), n) - ts_min(ts_cumsum(x), n) "
    "is the range of x's partial sums over the last n rows, whatever the start.",
    example="ts_cumsum(close - ts_mean(close, 48))",
    nan_rule="NaN where x is missing; a missing value adds nothing",
    lookback=same_as_inputs,
    aliases=("sumac",),
    spellings=(("gtja", "SUMAC"),),
)
time_series(
    "ts_step",
    params=_X,
    reference=ref.ts_step,
    doc="x times the 1-based row number since the first row: ts_step(1) is BRAIN's day counter 1, 2, 3, ...",
    example="ts_step(1)",
    nan_rule="IEEE multiplication of x by the row number",
    lookback=same_as_inputs,
    spellings=(("brain", "ts_step"),),
)
