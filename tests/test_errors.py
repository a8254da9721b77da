"""The error catalogue: each user mistake raises the right AlphaError subclass at the right line and column,
rendered with the source line and a caret."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang import AlphaDataError, AlphaError, AlphaNameError, AlphaSyntaxError, AlphaTypeError

CATALOGUE = [
    # (source, error type, line, column, words the message or hint must contain)
    ("a = rank(close", AlphaSyntaxError, 1, 9, "unclosed '('"),
    ("a = rank(close))", AlphaSyntaxError, 1, 16, "unmatched ')'"),
    ("a = rank(close) +", AlphaSyntaxError, 1, 17, "end of the input"),
    ("a = close $ open", AlphaSyntaxError, 1, 11, "unexpected character"),
    ("a = f(k=1, close)", AlphaSyntaxError, 1, 12, "positional argument after a keyword"),
    ("a = rnak(close)", AlphaNameError, 1, 5, "did you mean 'rank'"),
    ("a = 1\nb = ts_mean(close)", AlphaTypeError, 2, 5, "takes 2 arguments, got 1"),
    ("a = ts_mean(close, 5, 6)", AlphaTypeError, 1, 5, "takes 2 arguments, got 3"),
    ("a = ts_mean(close, volume)", AlphaTypeError, 1, 20, "needs a constant"),
    ("a = ts_mean(close, 0)", AlphaTypeError, 1, 20, "below 1"),
    ("a = ts_mean(close, 0.9)", AlphaTypeError, 1, 20, "below 1"),
    ("a = delay(close, -1)", AlphaTypeError, 1, 18, "look into the future"),
    ("a = delta(close, 2 - 3)", AlphaTypeError, 1, 18, "negative lag"),
    ("a = rank(clsoe)", AlphaNameError, 1, 10, "did you mean 'close'"),
    ("a = b + 1\nb = close", AlphaNameError, 1, 5, "before its definition at line 2"),
    ("a = a + 1", AlphaNameError, 1, 5, "before its definition"),
    ("a = close\na = open", AlphaNameError, 2, 1, "already defined"),
    ("def f(x, d) = ts_mean(x, d)\na = f(close)", AlphaTypeError, 2, 5, "missing 'd'"),
    ("def f(x) = g(x)\ndef g(x) = x\na = f(close)", AlphaNameError, 1, 12, "unknown function 'g'"),
    ("a = scale(close, b=2)", AlphaTypeError, 1, 18, "no parameter 'b'"),
    ("a = indneutralize(close, open)", AlphaTypeError, 1, 26, "needs group labels"),
    ("a = IndClass.sector + 1", AlphaTypeError, 1, 5, "group labels are not numbers"),
    ("a = rank(IndClass.sector)", AlphaTypeError, 1, 10, "group labels cannot be used"),
    ("a = IndClass.sector", AlphaTypeError, 1, 5, "not a series"),
    ("a = rank", AlphaNameError, 1, 5, "is a function, not a value"),
    ("a = close(1)", AlphaNameError, 1, 5, "is a value, not a function"),
    ("import nosuchmodule", AlphaNameError, 1, 1, "cannot find module"),
    ("a = ts_ema(close, 0)", AlphaTypeError, 1, 19, "must be positive"),
    ("a = ts_mean(close, 1e999)", AlphaTypeError, 1, 20, "finite"),
    ("a = ts_mean(close, 1e9)", AlphaTypeError, 1, 20, "larger than"),
]


@pytest.mark.parametrize("source, error, line, column, words", CATALOGUE)
def test_catalogue(source, error, line, column, words):
    with pytest.raises(error) as info:
        alphalang.compile(source)
    err = info.value
    assert (err.line, err.column) == (line, column), err.render()
    assert words in err.render()
    rendered = err.render().splitlines()
    assert rendered[0].startswith(f"<string>:{line}:{column}: error:")
    caret_line = rendered[2]
    assert caret_line.index("^") == column - 1 + 2  # two spaces of indent


def test_every_error_is_an_alpha_error():
    for error in (AlphaSyntaxError, AlphaNameError, AlphaTypeError, AlphaDataError):
        assert issubclass(error, AlphaError)


def test_import_cycle(tmp_path):
    (tmp_path / "a.alpha").write_text("import b\nx = close")
    (tmp_path / "b.alpha").write_text("import a\ny = open")
    with pytest.raises(AlphaNameError, match="import cycle: a -> b -> a"):
        alphalang.compile(tmp_path / "a.alpha")


def test_errors_in_files_name_the_file(tmp_path):
    path = tmp_path / "bad.alpha"
    path.write_text("ok = rank(close)\n\nbad = ts_mean(close, volume)\n")
    with pytest.raises(AlphaTypeError) as info:
        alphalang.compile(path)
    assert info.value.filename == str(path)
    assert (info.value.line, info.value.column) == (3, 22)
    assert "bad = ts_mean(close, volume)" in info.value.render()


def test_missing_field_in_data_is_a_data_error_with_span():
    program = alphalang.compile("a = rank(close)\nb = ts_mean(sentiment, 3)", fields=["sentiment"])
    panel = alphalang.demo_panel(20, 4)
    with pytest.raises(AlphaDataError) as info:
        program.run(panel)
    assert "no field 'sentiment'" in info.value.render()
    assert (info.value.line, info.value.column) == (2, 13)


def test_missing_group_level_is_a_data_error():
    panel = alphalang.Panel(fields={"close": np.ones((5, 3))})
    with pytest.raises(AlphaDataError, match="no group level 'sector'") as info:
        alphalang.evaluate("indneutralize(close, IndClass.sector)", panel)
    assert info.value.column == 22


def test_misaligned_data_is_a_data_error():
    with pytest.raises(AlphaDataError):
        alphalang.Panel(fields={"close": np.ones((5, 3)), "open": np.ones((4, 3))})


def test_unknown_backend_and_profile():
    with pytest.raises(AlphaTypeError, match="unknown backend"):
        alphalang.compile("a = close", backend="gpu")
    with pytest.raises(AlphaTypeError, match="unknown profile"):
        alphalang.compile("a = close", profile="qlib")
