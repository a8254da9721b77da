"""Stateful, turnover-control operators (trade_when, hump, ts_delta_limit, days_from_last_change, last_diff_value,
ts_cumsum, ts_step; hump_decay and jump_decay): state carried across rows.

trade_when is a composition over the internal two-input recursion ``hold`` (the node table has two series
inputs); hump_decay and jump_decay are compositions of shifts and ts_std, as BRAIN defines them.

A recursion has no finite window: its value depends on every row since the first, so its lookback adds no
rows (``same_as_inputs``, as ts_ema) and its numba family (``recursion``) is of kind "state", which keeps a
program that uses it in one time chunk (threads split its assets instead when nothing in it reads across
assets, ``executor.asset_blocks``); streaming carries the state exactly. ``last_diff_value`` looks back at
most d rows (family ``history``).

GTJA's ``SEQUENCE(n)`` (the vector 1..n) is not a panel value: the formulas use it only as the regressor of
``REGBETA(A, SEQUENCE(n))``, which is ``ts_slope(A, n)``.

Example:
    >>> from alphalang.ops import lookup
    >>> lookup("sumac").name, lookup("hold").internal
    ('ts_cumsum', True)
"""

from __future__ import annotations

import math

from alphalang.backend.reference import stateful as ref
from alphalang.ops.spec import SAME, ArgKind, Param, same_as_inputs
from alphalang.ops.timeseries import time_series

_X = (Param("x", ArgKind.SERIES),)


def one_row(arg_lookbacks: tuple[int, ...], statics: tuple[float, ...]) -> int:
    """inputs + 1"""
    return max(arg_lookbacks, default=0) + 1


def window_or_one_row(arg_lookbacks: tuple[int, ...], statics: tuple[float, ...]) -> int:
    """inputs + max(d - 1, 1)"""
    return max(arg_lookbacks, default=0) + max(int(statics[0]) - 1, 1)

time_series(
    "hold",
    skip=SAME,
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
    skip=SAME,
    params=(Param("x", ArgKind.SERIES), Param("hump", ArgKind.CONST, default=0.01, bounds=(0.0, math.inf))),
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
    skip=SAME,
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
    skip=SAME,
    reference=ref.last_diff_value,
    doc="The most recent value within the last d rows that differs from today's (BRAIN's last_diff_value).",
    example="last_diff_value(close, 10)",
    nan_rule="NaN where x is missing or no different valid value is in rows t-d+1..t-1; missing rows are skipped",
    spellings=(("brain", "last_diff_value"),),
)
time_series(
    "ts_cumsum",
    skip=SAME,
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
    skip=SAME,
    params=_X,
    reference=ref.ts_step,
    doc="x times the 1-based row number since the first row: ts_step(1) is BRAIN's day counter 1, 2, 3, ...",
    example="ts_step(1)",
    nan_rule="IEEE multiplication of x by the row number",
    lookback=same_as_inputs,
    spellings=(("brain", "ts_step"),),
)
time_series(
    "trade_when",
    params=(Param("trigger", ArgKind.SERIES), Param("alpha", ArgKind.SERIES), Param("exit", ArgKind.SERIES)),
    reference=ref.trade_when,
    expansion="hold(fillna(exit > 0, 0) ? nan : alpha, fillna(exit > 0, 0) + fillna(trigger > 0, 0))",
    doc="BRAIN's trade_when: NaN where exit > 0; else alpha where trigger > 0; else the previous output (NaN "
    "before the first trigger). exit = -1 never exits.",
    example="trade_when(volume > adv20, rank(-returns), abs(returns) > 0.1)",
    nan_rule="a NaN trigger or exit counts as false (not > 0); alpha passes unchanged, NaN included",
    lookback=same_as_inputs,
    spellings=(("brain", "trade_when"),),
)
time_series(
    "hump_decay",
    params=(Param("x", ArgKind.SERIES), Param("p", ArgKind.CONST, default=0.0)),
    reference=ref.hump_decay,
    expansion="abs(x - delay(x, 1)) > p * abs(x + delay(x, 1)) ? x : delay(x, 1)",
    doc="x where |x - x[t-1]| > p * |x + x[t-1]|, else yesterday's x: ignores relative changes up to p (BRAIN's "
    "hump_decay, compared with yesterday's input).",
    example="hump_decay(rank(returns), p=0.05)",
    nan_rule="NaN where x or yesterday's x is missing (the comparison is NaN)",
    lookback=one_row,
    spellings=(("brain", "hump_decay"),),
)
time_series(
    "jump_decay",
    params=(Param("x", ArgKind.SERIES), Param("d", ArgKind.WINDOW), Param("sensitivity", ArgKind.CONST, default=0.5),
            Param("force", ArgKind.CONST, default=0.1)),
    reference=ref.jump_decay,
    expansion="abs(delta(x, 1)) > sensitivity * ts_std(x, d) ? delay(x, 1) + delta(x, 1) * force : x",
    doc="Where |x - x[t-1]| > sensitivity * ts_std(x, d) (a jump): x[t-1] + (x - x[t-1]) * force, else x "
    "(BRAIN's jump_decay; ts_std is the sample deviation).",
    example="jump_decay(close, 10, sensitivity=0.5, force=0.1)",
    nan_rule="NaN where the change or ts_std(x, d) is NaN (warm-up, missing values, d = 1)",
    lookback=window_or_one_row,
    spellings=(("brain", "jump_decay"),),
)
time_series(
    "ts_delta_limit",
    skip=SAME,
    params=(Param("x", ArgKind.SERIES), Param("y", ArgKind.SERIES),
            Param("limit_volume", ArgKind.CONST, default=0.1, bounds=(0.0, 1.0))),
    reference=ref.ts_delta_limit,
    doc="The previous output moved towards x by at most limit_volume * |y| (BRAIN's ts_delta_limit: limits "
    "the change of the position x between dates to a fraction of y, e.g. adv20 or a constant).",
    example="ts_delta_limit(rank(returns), 0.05, limit_volume=0.5)",
    nan_rule="a missing x or y gives NaN and forgets the previous output; the first valid value passes",
    lookback=same_as_inputs,
    spellings=(("brain", "ts_delta_limit"),),
)
