"""The GTJA dialect as fixture pairs: a GTJA source line -> the canonical alphalang text it must be read as.

The expected texts are written by hand from the report's definitions (docs/semantics.md's GTJA notes) and
compared with the checked graph's printed form, ``program.plan.graph.describe(output node)`` (fully
parenthesised canonical alphalang; a dialect adds no operator, so every name must land on registry operators).
Then the GTJA-specific mistakes: file:line:col, caret and a suggestion in the user's own spelling.
"""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang import AlphaNameError, AlphaSyntaxError, AlphaTypeError
from alphalang.dialects import get

# GTJA name -> (GTJA source, expected canonical text of the checked graph)
PAIRS = {
    "rank": ("RANK(CLOSE)", "rank(close)"),
    "corr": ("CORR(CLOSE, VOLUME, 6)", "ts_corr(close, volume, 6)"),
    "delta": ("DELTA(LOG(VOLUME), 1)", "delta(log(volume), 1)"),
    "log": ("LOG(CLOSE)", "log(close)"),
    "sum": ("SUM(CLOSE, 8)", "ts_sum(close, 8)"),
    "mean": ("MEAN(VOLUME, 20)", "ts_mean(volume, 20)"),
    "std": ("STD(CLOSE, 20)", "ts_std(close, 20)"),
    "delay": ("DELAY(CLOSE, 1)", "delay(close, 1)"),
    # TSRANK is 1..n: the rank among the last n (ts_rank's fraction) times n
    "tsrank": ("TSRANK(VOLUME, 5)", "(ts_rank(volume, 5) * 5)"),
    # SMA(A, n, m): GTJA's recursion Y = (m A + (n - m) Y') / n, never ts_mean
    "sma": ("SMA(CLOSE, 13, 2)", "ts_sma_gtja(close, 13, 2)"),
    # WMA: weights 0.9^i, never decay_linear
    "wma": ("WMA(CLOSE, 12)", "ts_decay_exp_window(close, 12, 0.9)"),
    "decaylinear": ("DECAYLINEAR(CLOSE, 9)", "decay_linear(close, 9)"),
    # MAX/MIN are elementwise, also with a constant second argument
    "max": ("MAX(VWAP, 15)", "max(vwap, 15)"),
    "min": ("MIN(LOW, DELAY(CLOSE, 1))", "min(low, delay(close, 1))"),
    "tsmax": ("TSMAX(HIGH, 6)", "ts_max(high, 6)"),
    "tsmin": ("TSMIN(LOW, 9)", "ts_min(low, 9)"),
    "count": ("COUNT(CLOSE > DELAY(CLOSE, 1), 12)", "ts_sum(((close > delay(close, 1)) != 0), 12)"),
    "sumif": ("SUMIF(VOLUME, 20, CLOSE < OPEN)", "ts_sum((((close < open) != 0) ? volume : 0), 20)"),
    "regbeta": ("REGBETA(CLOSE, VOLUME, 20)", "ts_regression_core(close, volume, 20, 2)"),
    "regresi": ("REGRESI(CLOSE, VOLUME, 60)", "ts_regression_core(close, volume, 60, 0)"),
    # SEQUENCE(n): the day counter 1, 2, 3, ... (a slope does not depend on its origin)
    "sequence": ("REGBETA(CLOSE, SEQUENCE(6), 6)", "ts_regression_core(close, ts_step(1), 6, 2)"),
    "prod": ("PROD(CLOSE, 5)", "ts_product(close, 5)"),
    "coviance": ("COVIANCE(RANK(HIGH), RANK(VOLUME), 5)", "ts_cov(rank(high), rank(volume), 5)"),
    "highday": ("HIGHDAY(HIGH, 20)", "ts_arg_max_days(high, 20)"),
    "lowday": ("LOWDAY(LOW, 20)", "ts_arg_min_days(low, 20)"),
    "sign": ("SIGN(DELTA(CLOSE, 1))", "sign(delta(close, 1))"),
    "abs": ("ABS(CLOSE - OPEN)", "abs((close - open))"),
    "filter": ("FILTER(CLOSE, CLOSE > OPEN)", "(((close > open) != 0) ? close : 0)"),
    "sumac": ("SUMAC(CLOSE - MEAN(CLOSE, 48))", "ts_cumsum((close - ts_mean(close, 48)))"),
}

# the prelude's helper values and the dialect's syntax
SYNTAX = {
    "equals compares": ("TSRANK(CLOSE=OPEN, 5)", "(ts_rank((close == open), 5) * 5)"),
    "== compares": ("CLOSE == OPEN", "(close == open)"),
    "& is and": ("CLOSE > OPEN & VOLUME > 1", "((close > open) && (volume > 1))"),
    "|| is or": ("CLOSE > OPEN || VOLUME > 1", "((close > open) || (volume > 1))"),
    "?: conditional": ("CLOSE > OPEN ? 1 : -1", "((close > open) ? 1 : -1)"),
    "case-insensitive": ("Sma(close, 12, 1)", "ts_sma_gtja(close, 12, 1)"),
    "RET": ("RET", "((close / delay(close, 1)) - 1)"),
    "AMOUNT derived": ("AMOUNT", "(volume * vwap)"),
    "HD": ("HD", "(high - delay(high, 1))"),
    "LD": ("LD", "(delay(low, 1) - low)"),
    "TR": ("TR", "max(max((high - low), abs((high - delay(close, 1)))), abs((low - delay(close, 1))))"),
    "DTM": ("DTM", "((open <= delay(open, 1)) ? 0 : max((high - open), (open - delay(open, 1))))"),
    "DBM": ("DBM", "((open >= delay(open, 1)) ? 0 : max((open - low), (open - delay(open, 1))))"),
}


def canonical(source: str, fields=()) -> str:
    program = alphalang.compile(f"# dialect: gtja\na = {source}\n", backend="reference", fields=fields)
    return program.plan.graph.describe(program.plan.outputs["a"], None)


def test_every_name_of_the_table_has_a_pair():
    assert set(PAIRS) == set(get("gtja").names)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_gtja_name(name):
    source, expected = PAIRS[name]
    assert canonical(source) == expected


@pytest.mark.parametrize("case", sorted(SYNTAX))
def test_gtja_syntax_and_helpers(case):
    source, expected = SYNTAX[case]
    assert canonical(source) == expected


def test_amount_is_the_data_field_when_given():
    panel = alphalang.demo_panel(20, 3)
    program = alphalang.compile("# dialect: gtja\na = AMOUNT\n", backend="reference")
    assert np.array_equal(program.run(panel.with_fields(amount=np.full((20, 3), 7.0)))["a"], np.full((20, 3), 7.0))
    volume, vwap = np.asarray(panel.field("volume")), np.asarray(panel.field("vwap"))
    assert np.array_equal(program.run(panel)["a"], volume * vwap)


def test_the_header_and_the_option_select_the_dialect():
    as_header = alphalang.compile("# dialect: gtja\na = SMA(CLOSE, 12, 2)\n", backend="reference")
    as_option = alphalang.compile("a = SMA(CLOSE, 12, 2)\n", backend="reference", dialect="gtja")
    for program in (as_header, as_option):
        assert program.plan.graph.describe(program.plan.outputs["a"], None) == "ts_sma_gtja(close, 12, 2)"
    with pytest.raises(AlphaTypeError):  # natively sma is ts_mean's alias: two arguments
        alphalang.compile("a = SMA(CLOSE, 12, 2)\n", backend="reference")


def error(source: str, kind):
    with pytest.raises(kind) as info:
        alphalang.compile(f"# dialect: gtja\nb = CLOSE\na = {source}\n", backend="reference")
    return str(info.value)


@pytest.mark.parametrize("source, col, spelled, suggestion", [
    ("DELAT(CLOSE, 1)", 5, "delat", "'delta'"),           # alpha131's typo
    ("TSRNAK(CLOSE, 5)", 5, "tsrnak", "'tsrank'"),        # the GTJA spelling is offered first
    ("DECAYLINEARR(CLOSE, 5)", 5, "decaylinearr", "'decaylinear'"),
    ("1 + HIGHDAYS(HIGH, 5)", 9, "highdays", "'highday'"),
])
def test_unknown_gtja_function(source, col, spelled, suggestion):
    text = error(source, AlphaNameError)
    assert text.startswith(f"<string>:3:{col}: error: unknown function '{spelled}'")
    assert "^" * len(spelled) in text
    assert "did you mean" in text and suggestion in text.split("did you mean", 1)[1].split("?")[0].split(" or ")[0]


def test_misspelled_field_suggests_the_field():
    text = error("HGIH - LOW", AlphaNameError)  # alpha159's typo
    assert text.startswith("<string>:3:5: error: unknown name 'hgih'") and "'high'" in text


@pytest.mark.parametrize("source, kind, where, fragment", [
    ("STD(CLOSE:20)", AlphaSyntaxError, "3:14", "unexpected ':'"),             # alpha023
    ("DELAY(CLOSE)", AlphaTypeError, "3:5", "delay() takes 2 arguments, got 1"),  # alpha030, alpha190
    ("MAX(SUMAC(CLOSE))", AlphaTypeError, "3:5", "max() takes 2 arguments, got 1"),  # alpha165, alpha183
    ("REGBETA(CLOSE, SEQUENCE, 20)", AlphaNameError, "3:20", "unknown name 'sequence'"),  # alpha116
    ("SMA(CLOSE, 12, m=2)", AlphaNameError, "3:20", "unknown name 'm'"),  # no keyword arguments: m=2 compares
    ("CLOSE > 1 OR OPEN > 1", AlphaSyntaxError, "3:18", "unexpected 'OPEN'"),  # alpha182's OR
    ("SUM(CLOSE, 5)？", AlphaSyntaxError, "3:18", "unexpected character '？'"),  # full-width (alpha069)
])
def test_gtja_mistakes(source, kind, where, fragment):
    text = error(source, kind)
    assert text.startswith(f"<string>:{where}: error: {fragment}")
