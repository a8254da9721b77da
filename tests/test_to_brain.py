"""``transpile --to brain``: BRAIN's names and statement form; the BRAIN text, compiled in the brain dialect, computes
what the source computes (qlib Alpha158/Alpha360 and wq101 samples, reference backend, demo data with NaN runs);
what BRAIN cannot express is an error at the user's own spelling."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.cli import main
from alphalang.dialects import DIALECTS
from alphalang.dialects.to_brain import brain_alphas
from alphalang.errors import AlphaError, AlphaNameError
from alphalang.program import load_module

PANEL = alphalang.demo_panel(90, 6, seed=5)

# source -> BRAIN text, written by hand from BRAIN's operator names (ts_std_dev, ts_delay, if_else, ...)
PAIRS = [
    ("# dialect: qlib\nk = Std($close, 5) / Ref($close, 1)", "ts_std_dev(close, 5) / ts_delay(close, 1)"),
    ("k = returns < 0 ? stddev(returns, 20) : close", "if_else(returns < 0, ts_std_dev(returns, 20), close)"),
    ("k = indneutralize(SignedPower(delta(close, 1), 2), IndClass.sector)",
     "group_neutralize(signed_power(ts_delta(close, 1), 2), sector)"),
    ("k = close ^ 2 + (close > open && !(volume < 5))",
     "power(close, 2) + and(close > open, not(volume < 5))"),
    ("a = rank(close)\n_b = a * 2\nc = ts_cov(_b, a, 5)", "a = rank(close); b = a * 2; ts_covariance(b, a, 5)"),
    ("def f(x, d) = ts_mean(x, d) - x\nk = f(close, 5) + f(volume, 3)",
     "ts_mean(close, 5) - close + (ts_mean(volume, 3) - volume)"),
    ("k = ts_argmax(close, 10)", "10 - ts_arg_max(close, 10)"),
    ("k = min(close, 5) + max(close, open) + max(close, 0)", "ts_min(close, 5) + max(close, open) + max(close, 0)"),
    ("# dialect: brain\na = ts_arg_max(close, 5); group_rank(a, sector)",
     "a = ts_arg_max(close, 5); group_rank(a, sector)"),
]


@pytest.mark.parametrize(("source", "expected"), PAIRS)
def test_brain_spelling(source, expected):
    module, _ = load_module(source)
    alphas = brain_alphas(module)
    assert list(alphas.values())[-1] == expected


def _same(source_outputs: dict, alphas: dict, names: list[str], nan: str) -> None:
    for name in names:
        got = alphalang.compile(alphas[name], dialect="brain", nan=nan, backend="reference").run(PANEL)["alpha"]
        np.testing.assert_array_equal(got, source_outputs[name], err_msg=f"{name}: {alphas[name]}")


@pytest.mark.parametrize(("library", "step"), [("alpha158", 3), ("alpha360", 24), ("wq101", 4)])
def test_round_trip_computes_the_same(library, step):
    module, _ = load_module(library)
    errors: list[AlphaError] = []
    alphas = brain_alphas(module, errors)
    names = list(alphas)[::step]
    source = alphalang.compile(library, backend="reference").run(PANEL)
    assert len(names) >= 15 and np.isfinite(source[names[-1]]).any()
    _same(source, alphas, names, DIALECTS[module.dialect].nan)
    if library == "alpha360":
        assert len(alphas) == 360 and not errors


def test_round_trip_covers_the_exports():
    # qlib's IdxMax (BRAIN: days since the max), its NaN-is-false comparisons (fillna: is_nan + if_else) and
    # its instrument series starting at the listing (trade_when holds 1 from the first valid close)
    module, _ = load_module("# dialect: qlib\nimax = IdxMax($high, 5)\ncntp = Mean($close>Ref($close, 1), 10)\n"
                            "corr = Corr($close, Log($volume+1), 10)")
    alphas = brain_alphas(module)
    assert "ts_arg_max" in alphas["imax"] and "is_nan" in alphas["cntp"]
    assert all("trade_when(is_finite(close), 1, -1)" in alphas[k] for k in ("imax", "cntp"))
    panel_source = alphalang.compile(module.text, backend="reference").run(PANEL)
    _same(panel_source, alphas, list(alphas), "skip")


def test_what_brain_cannot_express_is_an_error_at_the_users_spelling():
    source = "# dialect: qlib\nk = Mean($close, 5)\nq = Quantile($close, 5, 0.8)/$close\nr = q + k"
    module, _ = load_module(source)
    with pytest.raises(AlphaNameError) as info:
        brain_alphas(module)
    err = info.value
    assert (err.line, err.column) == (3, 5)
    assert err.message == "BRAIN has no operator for ts_quantile(), written Quantile"
    errors: list[AlphaError] = []
    assert list(brain_alphas(module, errors)) == ["k"] and len(errors) == 1  # r uses q: left out, not reported


def test_cli_prints_what_it_can_and_lists_the_rest(tmp_path, capsys):
    path = tmp_path / "f.qlib"
    path.write_text("KMID = ($close-$open)/$open\nBETA5 = Slope($close, 5)/$close\n")
    assert main(["transpile", str(path), "--to", "brain"]) == 1
    out, err = capsys.readouterr()
    assert "# kmid\n(close - open) / open\n" in out and "beta5" not in out
    assert f"{path}:2:9: error: BRAIN has no operator for ts_slope(), written Slope" in err


def test_an_error_inside_a_dialect_definition_is_shown_at_the_users_call():
    module, _ = load_module("# dialect: qlib\nRSQR5 = Rsquare($close, 5)/$close")  # qlib's Rsquare: a prelude def
    with pytest.raises(AlphaNameError) as info:
        brain_alphas(module)
    assert (info.value.line, info.value.column) == (2, 9) and info.value.filename == "<string>"
    assert info.value.message == "BRAIN has no operator for ts_rsquare(), which Rsquare uses"
