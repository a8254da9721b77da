"""Dialects: each reads its community's spelling into the one checked IR; ``transpile`` shows what it was read as.

Fixture pairs (dialect source -> the canonical alphalang text written by hand) and round trips: the transpiled
text, compiled natively under the dialect's NaN policy, computes exactly what the dialect source computes.
(GTJA's full name table is in tests/formula_sets/test_gtja_dialect.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.cli import main
from alphalang.dialects import DIALECTS, detect
from alphalang.dialects.transpile import transpile
from alphalang.errors import AlphaNameError, AlphaSyntaxError, AlphaTypeError
from alphalang.program import load_module

PANEL = alphalang.demo_panel(80, 7, seed=11)

PAIRS = [
    ("qlib", "k = ($close-$open)/$open", "k = (close - open) / open"),
    ("qlib", "k = Mean($close, 5) + Sum($volume, 3) - Std($close, 10)",
     "k = ts_mean(close, 5) + ts_sum(volume, 3) - ts_std(close, 10)"),
    ("qlib", "k = Greater($open, $close) - Less($open, $close)", "k = greater(open, close) - less(open, close)"),
    ("qlib", "k = Ref($close, 1) / Max($high, 5) + Min($low, 5) + Rank($close, 5)",
     "k = delay(close, 1) / ts_max(high, 5) + ts_min(low, 5) + ts_rank(close, 5)"),
    ("qlib", "k = IdxMax($high, 5) - IdxMin($low, 5) + Quantile($close, 5, 0.8) + Med($close, 5) + Mad($close, 5)",
     "k = qlib_idxmax(high, 5) - qlib_idxmin(low, 5) + ts_quantile(close, 5, 0.8) + ts_median(close, 5) + "
     "ts_mad(close, 5)"),
    ("qlib", "k = Slope($close, 5) + Resi($close, 5) + Abs(Log($volume + 1)) + Sign($close - $open)",
     "k = ts_slope(close, 5) + ts_resid(close, 5) + abs(log(volume + 1)) + sign(close - open)"),
    ("qlib", "k = Mean($close > Ref($close, 1), 5) + Ne($open, $close)",
     "k = ts_mean(qlib_gt(close, delay(close, 1)), 5) + qlib_ne(open, close)"),
    ("brain", "a = rank(close); group_neutralize(ts_arg_max(a, 5), sector)",
     "_a = rank(close)\nalpha = indneutralize(ts_arg_max_days(_a, 5), IndClass.sector)"),
    ("brain", "ts_covariance(close, volume, 5) * ts_quantile(returns, 10)",
     'alpha = ts_cov(close, volume, 5) * ts_rank_quantile(returns, 10)'),
    ("brain", "max(close, 5) + add(close, open, high, filter=true)",
     "alpha = greater(close, 5) + add(close, open, high, filter=true)"),
    ("gtja", "x = SUM((CLOSE=DELAY(CLOSE,1)?0:CLOSE),6) + DECAYLINEAR(RANK(VOLUME), 5)",
     "x = ts_sum(close == delay(close, 1) ? 0 : close, 6) + decay_linear(rank(volume), 5)"),
]


def body(text: str) -> str:
    """The transpiled body, without the dialect prelude it brings (its defs and helper values)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(("#", "def ", "_qlib_")))


@pytest.mark.parametrize(("dialect", "source", "expected"), PAIRS)
def test_transpile_fixture_pairs(dialect, source, expected):
    module, _ = load_module(f"# dialect: {dialect}\n{source}")
    assert body(transpile(module)) == expected


@pytest.mark.parametrize(("dialect", "source", "_"), PAIRS)
def test_transpiled_text_computes_the_same(dialect, source, _):
    module, _ = load_module(f"# dialect: {dialect}\n{source}")
    native = alphalang.compile(transpile(module), backend="reference", nan=DIALECTS[dialect].nan).run(PANEL)
    original = alphalang.compile(f"# dialect: {dialect}\n{source}", backend="reference").run(PANEL)
    assert list(native) == list(original)
    for name in original:
        np.testing.assert_array_equal(native[name], original[name])


def test_qlib_reads_partial_windows_like_pandas_min_periods_1():
    got = alphalang.evaluate("Mean($close, 5)", PANEL, dialect="qlib", backend="reference")
    import pandas as pd

    expected = pd.DataFrame(PANEL["close"]).rolling(5, min_periods=1).mean().to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_brain_outputs_only_the_final_expression():
    program = alphalang.compile("# dialect: brain\na = rank(close); b = -a; b * 2", backend="reference")
    assert program.outputs == ("alpha",)


def test_a_bare_expression_before_the_last_statement_is_an_error():
    with pytest.raises(AlphaSyntaxError, match="not used"):
        alphalang.compile("rank(close)\nx = 1")


def test_the_dialect_comes_from_header_extension_or_option(tmp_path):
    assert detect("# Dialect: QLIB\nk = 1", "f.alpha").name == "qlib"
    assert detect("k = 1", "f.gtja").name == "gtja"
    assert detect("k = 1", "f.alpha", "brain").name == "brain"
    with pytest.raises(AlphaNameError, match="unknown dialect 'qlb'"):
        detect("# dialect: qlb\nk = 1", "f.alpha")


def test_the_native_dialect_keeps_the_papers_max_but_others_do_not():
    ts_max = alphalang.evaluate("ts_max(close, 5)", PANEL, backend="reference")
    np.testing.assert_array_equal(alphalang.evaluate("max(close, 5)", PANEL, backend="reference"), ts_max)
    elementwise = np.maximum(PANEL["close"], 5)
    np.testing.assert_array_equal(alphalang.evaluate("MAX(CLOSE, 5)", PANEL, dialect="gtja", backend="reference"),
                                  elementwise)
    np.testing.assert_array_equal(alphalang.evaluate("greater(close, 5)", PANEL, backend="reference"), elementwise)


def test_cli_transpile_and_dialect_option(tmp_path, capsys):
    path = tmp_path / "f.txt"
    path.write_text("KMID = ($close-$open)/$open\n")
    assert main(["transpile", str(path), "--from", "qlib"]) == 0
    assert "kmid = (close - open) / open" in capsys.readouterr().out
    assert main(["check", str(path), "--dialect", "qlib"]) == 0


def test_qlib_comparisons_count_a_missing_value_as_false_like_pandas():
    import pandas as pd

    close = pd.DataFrame(PANEL["close"])
    close.iloc[10:13, 2] = np.nan
    panel = alphalang.Panel({"close": close.to_numpy()})
    got = alphalang.evaluate("Mean($close > Ref($close, 1), 5)", panel, dialect="qlib", backend="reference")
    expected = (close > close.shift(1)).astype(float).rolling(5, min_periods=1).mean().to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_a_users_def_named_like_an_operator_does_not_replace_its_symbol():
    out = alphalang.compile("def gt(a, b) = a * 100\nx = close > open", backend="reference").run(PANEL)["x"]
    np.testing.assert_array_equal(out, (PANEL["close"] > PANEL["open"]).astype(float))


@pytest.mark.parametrize(("source", "message", "hint", "column"), [
    ("k = IdxMax($high)", "IdxMax() is missing 'd'", "qlib's IdxMax(x, d)", 5),
    ("k = Corr($close, $open, 5, 6)", "Corr() takes 3 arguments, got 4", "qlib's Corr(x, y, d)", 5),
    ("k = Gt($close, $open, c=1)", "Gt() has no parameter 'c'", "qlib's Gt(a, b)", 23),
])
def test_a_dialect_definition_is_named_as_the_user_wrote_it(source, message, hint, column):
    # IdxMax, Corr and Gt are prelude defs in the qlib dialect: the error names the user's spelling, not the def
    with pytest.raises(AlphaTypeError) as info:
        alphalang.compile(f"# dialect: qlib\n{source}")
    assert (info.value.message, info.value.hint, info.value.line, info.value.column) == (message, hint, 2, column)
