"""Checking reports every independent error (one per statement, each with its caret), up to a limit; errors a
bad statement causes further down are not reported again. Positions are worked out by hand from the text."""

from __future__ import annotations

import pytest

import alphalang
from alphalang.cli import main
from alphalang.errors import AlphaError, AlphaNameError, AlphaSyntaxError
from alphalang.passes.collect import MAX_ERRORS

# line:col of each error, counted by hand (1-based; the caret starts at the offending token)
SOURCE = """\
a = rank(clsoe)
b = ts_mean(close)
c = foo(close)
d = rank(a) + b
e = ts_mean(close, 0)
f = group_rank(close, close)
g = rank(close)
"""
EXPECTED = [
    (1, 10, 5, "unknown name 'clsoe'"),  # 'clsoe' starts after "a = rank(" (9 characters)
    (2, 5, 14, "ts_mean() takes 2 arguments, got 1"),  # the whole call "ts_mean(close)"
    (3, 5, 3, "unknown function 'foo'"),  # the name only
    # line 4 uses a and b, which failed: not reported again
    (5, 20, 1, "window 0 is below 1"),  # the '0'
    (6, 23, 5, "group_rank() needs group labels for 'g'"),  # the second 'close'
]


def _errors(source: str, **options) -> AlphaError:
    with pytest.raises(AlphaError) as info:
        alphalang.compile(source, backend="reference", **options)
    return info.value


def test_every_independent_error_once_with_its_position():
    err = _errors(SOURCE)
    assert isinstance(err, AlphaNameError)  # the first error's own type
    got = [(e.line, e.column, e.span.end - e.span.start, e.message) for e in err.errors]
    assert len(got) == len(EXPECTED)
    for (line, col, width, message), want in zip(got, EXPECTED, strict=True):
        assert (line, col, width) == want[:3]
        assert message.startswith(want[3])
    text = str(err)
    assert text.endswith("\n5 errors")
    assert text.count("^") == sum(w for _, _, w, _ in EXPECTED)  # one caret run per error, as wide as its token
    assert "<string>:4:" not in text


def test_a_single_error_renders_as_before():
    err = _errors("a = rank(close)\nb = rank(clsoe)\n")
    assert err.errors == [err] and not err.more
    assert str(err).startswith("<string>:2:10: error: unknown name 'clsoe'") and "errors" not in str(err)


def test_an_error_inside_a_function_is_reported_once_and_its_callers_are_not():
    err = _errors("def f(x) = bar(x)\na = f(close)\nb = f(open)\nc = rank(a)\nd = ts_sum(close)\n")
    assert [(e.line, e.column) for e in err.errors] == [(1, 12), (5, 5)]


def test_refused_statements_and_later_uses():
    # a repeated name is refused at its second definition; the first one stays usable
    err = _errors("a = rank(close)\na = rank(open)\nb = rank(a)\nc = rank(nope)\n")
    assert [(e.line, e.column, e.message.split()[0]) for e in err.errors] == [(2, 1, "'a'"), (4, 10, "unknown")]


def test_the_limit():
    source = "".join(f"x{i} = foo{i}(close)\n" for i in range(MAX_ERRORS + 5))
    err = _errors(source)
    assert len(err.errors) == MAX_ERRORS and err.more
    assert [e.line for e in err.errors] == list(range(1, MAX_ERRORS + 1))
    assert str(err).endswith(f"{MAX_ERRORS} errors (stopped at the limit; there are more)")


def test_a_parse_error_stops_at_the_first():
    err = _errors("a = rank(close\nb = foo(\n")
    assert isinstance(err, AlphaSyntaxError) and len(err.errors) == 1


def test_brain_steps_errors():
    # BRAIN: only the final expression is an output, but every step is checked: b's error is reported although
    # the alpha already failed at a
    err = _errors("a = rank(clsoe); b = ts_mean(close, 0); a + b", dialect="brain")
    assert [(e.line, e.column) for e in err.errors] == [(1, 10), (1, 37)]


def test_cli_check_prints_every_error_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.alpha"
    bad.write_text(SOURCE)
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    for line, col, _, message in EXPECTED:
        assert f"{bad}:{line}:{col}: error: {message}" in err
    assert err.rstrip().endswith("5 errors")


def test_every_call_refused_by_the_nan_policy(monkeypatch):
    import dataclasses

    from alphalang.ops import REGISTRY

    for name in ("ts_kurt", "ts_skew"):  # as if they had no skip variant: each call is reported where it is
        monkeypatch.setitem(REGISTRY, name, dataclasses.replace(REGISTRY[name], skip=None))
    err = _errors("a = rank(close)\nb = ts_kurt(close, 5) + 1\nc = 2 * ts_skew(open, 9)\n", nan="skip")
    assert [(e.line, e.column, e.message) for e in err.errors] == [
        (2, 5, 'ts_kurt does not support nan="skip" yet'), (3, 9, 'ts_skew does not support nan="skip" yet')]
