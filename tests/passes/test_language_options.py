"""The language's literals and call forms from issue 10: ``nan``/``true``/``false``, string options, BRAIN's
n-ary ``add``/``multiply``/``max``/``min`` and ``filter=true``; each checked against numpy written out here."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.errors import AlphaNameError, AlphaSyntaxError, AlphaTypeError
from alphalang.syntax import parse_expr
from alphalang.syntax.printer import to_text

PANEL = alphalang.demo_panel(40, 6, seed=5)


def ev(text: str, backend: str = "reference") -> np.ndarray:
    return alphalang.evaluate(text, PANEL, backend=backend)


def with_nans(name: str) -> np.ndarray:
    x = PANEL[name].copy()
    x[::7, ::2] = np.nan
    return x


def test_named_constants():
    close = PANEL["close"]
    assert np.isnan(ev("close + nan")).all()
    np.testing.assert_array_equal(ev("close * true + false"), close)
    np.testing.assert_array_equal(ev("(close > open) ? nan : close"), np.where(close > PANEL["open"], np.nan, close))


def test_a_definition_shadows_a_named_constant():
    out = alphalang.compile("true = 2\nx = close * true", backend="reference").run(PANEL)["x"]
    np.testing.assert_array_equal(out, PANEL["close"] * 2)


@pytest.mark.parametrize("text", ['quantile(x, driver="gaussian")', "bucket(x, range='0,1,0.1')",
                                  'f(x, s="it\'s")'])
def test_string_literals_round_trip(text):
    assert parse_expr(to_text(parse_expr(text))) == parse_expr(text)


def test_an_unclosed_string_is_a_syntax_error():
    with pytest.raises(AlphaSyntaxError):
        parse_expr('quantile(x, driver="gaussian)')


def test_a_string_where_a_number_belongs_is_a_type_error():
    with pytest.raises(AlphaTypeError, match="not a value"):
        ev('rank("close")')
    with pytest.raises(AlphaTypeError, match="needs a number for 'd'"):
        ev('ts_mean(close, "5")')


def test_nary_operators_fold_left():
    c, o, h, lo = (PANEL[f] for f in ("close", "open", "high", "low"))
    np.testing.assert_allclose(ev("add(close, open, high, low)"), ((c + o) + h) + lo, rtol=0, atol=0)
    np.testing.assert_allclose(ev("multiply(close, open, high)"), (c * o) * h, rtol=0, atol=0)
    np.testing.assert_array_equal(ev("max(close, open, high, low)"), np.maximum(np.maximum(np.maximum(c, o), h), lo))
    np.testing.assert_array_equal(ev("min(close, open, 0)"), np.minimum(np.minimum(c, o), 0))


def test_filter_counts_nan_as_the_identity():
    panel = alphalang.Panel({"a": with_nans("close"), "b": with_nans("open")[::-1].copy()})
    a, b = panel["a"], panel["b"]
    got = alphalang.evaluate("add(a, b, filter=true)", panel, backend="reference")
    np.testing.assert_array_equal(got, np.nan_to_num(a, nan=0.0) + np.nan_to_num(b, nan=0.0))
    got = alphalang.evaluate("multiply(a, b, filter=true)", panel, backend="reference")
    np.testing.assert_array_equal(got, np.nan_to_num(a, nan=1.0) * np.nan_to_num(b, nan=1.0))
    got = alphalang.evaluate("subtract(a, b, filter=true)", panel, backend="reference")
    np.testing.assert_array_equal(got, np.nan_to_num(a, nan=0.0) - np.nan_to_num(b, nan=0.0))
    unfiltered = alphalang.evaluate("add(a, b, filter=false)", panel, backend="reference")
    np.testing.assert_array_equal(unfiltered, a + b)


def test_numba_agrees_on_the_call_forms():
    text = "x = add(close, nan, open, filter=true)\ny = max(close, open, 0)\nz = multiply(returns, 2, 3)"
    numba = alphalang.compile(text, backend="numba").run(PANEL)
    reference = alphalang.compile(text, backend="reference").run(PANEL)
    for name in reference:
        np.testing.assert_array_equal(numba[name], reference[name])


@pytest.mark.parametrize(("text", "error", "message"), [
    ("add(close)", AlphaTypeError, "takes"),
    ("add(close, open, fitler=true)", AlphaTypeError, "no parameter 'fitler'"),
    ("div(close, open, filter=true)", AlphaTypeError, "no parameter 'filter'"),
    ("add(close, open, filter=volume)", AlphaTypeError, "needs a constant for 'filter'"),
    ("close + nann", AlphaNameError, "unknown name"),
])
def test_call_form_errors(text, error, message):
    with pytest.raises(error, match=message):
        ev(text)
