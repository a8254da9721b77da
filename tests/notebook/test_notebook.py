"""The IPython extension: %alpha and %%alpha against a Panel in the user namespace, returning pandas objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alphalang

pytest.importorskip("IPython")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from alphalang.notebook import find_panel  # noqa: E402


@pytest.fixture()
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "alphalang.notebook")
    ip.user_ns["panel"] = alphalang.demo_panel(50, 6, seed=1)
    yield ip
    for name in ("panel", "other", "factors", "my", "w", "neg", "x"):
        ip.user_ns.pop(name, None)
    ip.run_line_magic("unload_ext", "alphalang.notebook")
    InteractiveShell.clear_instance()


def test_line_magic_returns_a_wide_frame(shell):
    frame = shell.run_line_magic("alpha", "rank(delta(close, 5))")
    panel = shell.user_ns["panel"]
    assert isinstance(frame, pd.DataFrame) and frame.shape == (50, 6)
    assert frame.index.equals(panel.dates) and list(frame.columns) == list(panel.assets)
    np.testing.assert_array_equal(frame.to_numpy(), alphalang.evaluate("rank(delta(close, 5))", panel))


def test_cell_magic_returns_long_frame_and_keeps_definitions(shell):
    long = shell.run_cell_magic("alpha", "-o factors", "mom = rank(delta(close, 5))\n_h = returns\nrev = -rank(_h)\n")
    assert list(long.columns) == ["mom", "rev"] and long.index.names == ["date", "asset"]
    assert shell.user_ns["factors"] is long
    combined = shell.run_line_magic("alpha", "mom + rev")  # later inputs see the cell's definitions
    np.testing.assert_allclose(combined.to_numpy(), (long["mom"] + long["rev"]).unstack().to_numpy(), equal_nan=True)
    wide = shell.run_cell_magic("alpha", "--wide", "mom = mom * 2")  # redefinition, using the old mom
    np.testing.assert_allclose(wide["mom"].to_numpy(), 2 * long["mom"].unstack().to_numpy(), equal_nan=True)
    single = shell.run_cell_magic("alpha", "", "ts_mean(close, 3)\n")
    assert isinstance(single, pd.DataFrame) and single.shape == (50, 6)


def test_a_mistake_fails_the_cell_with_a_clean_message(shell, capsys):
    result = shell.run_cell("%alpha rnak(close)")
    assert not result.success and isinstance(result.error_in_exec, alphalang.AlphaNameError)  # Run All stops
    out = capsys.readouterr().out
    assert "error: unknown function 'rnak'" in out and "^^^^" in out and "did you mean 'rank'" in out
    assert "Traceback" not in out and "File " not in out and len(out.splitlines()) == 4
    result = shell.run_cell("x = %alpha rank(close)\ny = %alpha rank(close +* open)")
    assert not result.success and "x" in shell.user_ns and "y" not in shell.user_ns  # no silent None
    assert "operand is missing between '+' and '*'" in capsys.readouterr().out
    cell = shell.run_cell("%%alpha\na = rank(close)\nb = ts_mean(a, volume)\n")
    assert not cell.success and isinstance(cell.error_in_exec, alphalang.AlphaTypeError)
    with pytest.raises(alphalang.AlphaError):  # from Python code too: an ordinary, catchable AlphaError
        shell.run_line_magic("alpha", "rank(clsoe)")


def test_line_magic_options_come_before_the_expression(shell):
    my = shell.user_ns["my"] = alphalang.demo_panel(20, 3, seed=2)
    result = shell.run_cell("w = %alpha --wide -p my rank(close)")
    assert result.success, result.error_in_exec
    np.testing.assert_array_equal(shell.user_ns["w"].to_numpy(), alphalang.evaluate("rank(close)", my))
    shell.run_line_magic("alpha", "-o neg -p=my -1 * close")  # an expression may start with '-'
    np.testing.assert_array_equal(shell.user_ns["neg"].to_numpy(), -my.field("close"))
    negrank = shell.run_line_magic("alpha", "-p my -rank(close)")
    np.testing.assert_array_equal(negrank.to_numpy(), -alphalang.evaluate("rank(close)", my))
    np.testing.assert_array_equal(shell.run_line_magic("alpha", "-p my -close").to_numpy(), -my.field("close"))
    for line, words in (("--frobnicate rank(close)", "unknown option '--frobnicate'"), ("-p", "needs a value"),
                        ("-p my", "needs an expression"), ("--wide=1 close", "takes no value")):
        with pytest.raises(alphalang.AlphaSyntaxError, match=words):
            shell.run_line_magic("alpha", line)
    with pytest.raises(alphalang.AlphaSyntaxError, match="only options"):
        shell.run_cell_magic("alpha", "-p my rank(close)", "a = close\n")


def test_dialect_option(shell):
    panel = shell.user_ns["panel"]
    close = pd.DataFrame(panel.field("close"))
    qlib = shell.run_line_magic("alpha", "--dialect qlib Mean($close, 5) / Ref($close, 1)")
    np.testing.assert_allclose(qlib.to_numpy(), (close.rolling(5, min_periods=1).mean() / close.shift(1)).to_numpy(),
                               rtol=1e-12, equal_nan=True)  # qlib's partial windows
    native = shell.run_line_magic("alpha", "sma(close, 5)")  # the option lasted one magic: sma is ts_mean again
    np.testing.assert_allclose(native.to_numpy(), close.rolling(5).mean().to_numpy(), rtol=1e-12, equal_nan=True)
    cell = "up = CLOSE > DELAY(CLOSE, 1)\nsame = CLOSE = OPEN\n"  # GTJA: '=' in a formula compares
    frames = shell.run_cell_magic("alpha", "--dialect gtja --wide", cell)
    np.testing.assert_array_equal(frames["same"].to_numpy(), (panel.field("close") == panel.field("open")) * 1.0)
    header = shell.run_cell_magic("alpha", "", "# dialect: qlib\nGreater($close, $open)\n")
    np.testing.assert_array_equal(header.to_numpy(), np.maximum(panel.field("close"), panel.field("open")))
    with pytest.raises(alphalang.AlphaNameError, match="unknown dialect"):
        shell.run_line_magic("alpha", "--dialect sql close")


def test_panel_choice(shell):
    shell.user_ns["other"] = alphalang.demo_panel(20, 3)
    assert shell.run_line_magic("alpha", "-p other close").shape == (20, 3)
    assert shell.run_line_magic("alpha", "close").shape == (50, 6)  # 'panel' wins
    ns = {"a": alphalang.demo_panel(5, 2), "b": alphalang.demo_panel(6, 2)}
    with pytest.raises(alphalang.AlphaDataError, match="several"):
        find_panel(ns)
    with pytest.raises(alphalang.AlphaDataError, match="no Panel"):
        find_panel({})
