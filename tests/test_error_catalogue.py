"""The syntax-error catalogue: each mistake a researcher makes, what the message says, and where the caret is.

The expected line:col of every row is worked out by hand from the source text (columns 1-based, the caret on
the character the user must fix), not taken from the parser's output.
"""

from __future__ import annotations

import pytest

import alphalang
from alphalang import AlphaSyntaxError
from alphalang.repl.session import is_complete

SEVEN_LINES = "a = close\nb = open\nc = high\nd = low\ne = volume\nf = a + b\ng = rank(delta(c, 5)\nh = d\n"

CATALOGUE = [
    # (source, dialect, expected message fragment, "line:col" of the caret)
    # -- brackets: point at the '(' that is never closed, not where the parser gave up
    ("rank(delta(close, 5)", None, "'(' at 1:5 is never closed", "1:5"),
    ("x = ts_mean(close, 5", None, "'(' at 1:12 is never closed", "1:12"),
    ("(close + open", None, "'(' at 1:1 is never closed", "1:1"),
    ("close + (open * (high - low)", None, "'(' at 1:9 is never closed", "1:9"),
    ("rank(ts_mean(close, 5", None, "'(' at 1:13 is never closed; 1 more '(' before it", "1:13"),
    (SEVEN_LINES, None, "'(' at 7:9 is never closed", "7:9"),
    ("x = rank(close\ny = open", None, "'(' at 1:9 is never closed", "1:9"),
    ("rank(close))", None, "unmatched ')'", "1:12"),
    ("close + open)", None, "unmatched ')'", "1:13"),
    # -- operators: point at the operator
    ("close +* open", None, "operand is missing between '+' and '*'", "1:8"),
    ("close && || open", None, "operand is missing between '&&' and '||'", "1:10"),
    ("x = * close", None, "'*' has no left operand", "1:5"),
    ("close ** 2", None, "there is no '**' operator", "1:8"),
    ("close +", None, "'+' at the end of the input has no right operand", "1:7"),
    ("x = rank(close) /\n", None, "'/' at the end of the input has no right operand", "1:17"),
    ("x = close -\ny = open", None, "'-' at 1:11 has no right operand", "1:11"),
    ("x = ", None, "nothing follows '='", "1:3"),
    ("close > 0 ? 1", None, "'?' at 1:11 has no ':' part", "1:11"),
    # -- arguments
    ("ts_mean(close 5)", None, "missing ',' between the arguments of ts_mean()", "1:15"),
    ("x = corr(close, open 10)", None, "missing ',' between the arguments of corr()", "1:22"),
    ("ts_mean(close\n    5)", None, "missing ',' between the arguments of ts_mean()", "2:5"),
    ("rank(, close)", None, "an argument is missing", "1:6"),
    ("rank(close,)", None, "an argument is missing", "1:12"),
    # -- two values with nothing between them
    ("rank(close) open", None, "missing operator or ';' between ')' and 'open'", "1:13"),
    ("a = close b = open", None, "missing operator or ';' between 'close' and 'b'", "1:11"),
    ("(close open)", None, "missing operator between 'close' and 'open'", "1:8"),
    ("close > 1 or open > 1", None, "'or' is not an operator", "1:11"),
    # -- '=' where '==' was meant
    ("rank(close) = 1", None, "'=' names a statement", "1:13"),
    ("x = close = open", None, "'=' names a statement", "1:11"),
    # -- characters that are not alphalang
    ("close @ open", None, "unexpected character '@'", "1:7"),
    ("x = close[1]", None, "unexpected character '['", "1:10"),
    ("close & open", None, "unexpected character '&'", "1:7"),
    # -- dialects: the same diagnoses in the user's own spelling
    ("Mean($close 5)", "qlib", "missing ',' between the arguments of Mean()", "1:13"),
    ("Greater($close, Ref($close, 1)", "qlib", "'(' at 1:8 is never closed", "1:8"),
    ("x = TSRANK(CLOSE, 5\ny = 1", "gtja", "'(' at 1:11 is never closed", "1:11"),
    ("a = rank(close); b = a +* 1; b", "brain", "operand is missing between '+' and '*'", "1:25"),
    ("a = group_neutralize(close, sector; a", "brain", "'(' at 1:21 is never closed", "1:21"),
    ("a = rank(close; b = a); b", "brain", "'(' at 1:9 is not closed before ';'", "1:9"),
]


@pytest.mark.parametrize("source, dialect, fragment, where", CATALOGUE)
def test_catalogue(source, dialect, fragment, where):
    with pytest.raises(AlphaSyntaxError) as info:
        alphalang.compile(source, dialect=dialect)
    err = info.value
    line, col = map(int, where.split(":"))
    assert (err.line, err.column) == (line, col), err.render()
    assert fragment in err.message, err.render()
    rendered = err.render().splitlines()
    assert rendered[0].startswith(f"<string>:{where}: error: ")
    assert rendered[1] == "  " + source.splitlines()[line - 1]  # the source line the caret is under
    assert rendered[2].index("^") == col - 1 + 2  # two spaces of indent
    assert "Traceback" not in err.render() and "lark" not in err.render().lower()


def test_every_error_has_a_hint_or_says_enough():
    for source, dialect, _, _ in CATALOGUE:
        with pytest.raises(AlphaSyntaxError) as info:
            alphalang.compile(source, dialect=dialect)
        assert info.value.hint, f"{source!r}: no hint"


@pytest.mark.parametrize("source, complete", [
    ("rank(delta(close, 5)", False),   # the REPL keeps reading: the '(' may close on the next line
    ("close +", False),
    ("close > 0 ? 1", False),
    ("x = ", False),
    ("x = rank(close\ny = open", True),  # a later line cannot continue it: run it and show the error
    ("rank(close))", True),
    ("close +* open", True),
])
def test_which_errors_mean_keep_reading(source, complete):
    assert is_complete(source) is complete
