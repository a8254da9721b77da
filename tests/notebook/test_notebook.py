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
    for name in ("panel", "other", "factors"):
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


def test_errors_are_shown_not_raised(shell, capsys):
    assert shell.run_line_magic("alpha", "rank(clsoe)") is None
    out = capsys.readouterr().out
    assert "did you mean 'close'" in out and "^" in out


def test_panel_choice(shell):
    shell.user_ns["other"] = alphalang.demo_panel(20, 3)
    assert shell.run_line_magic("alpha", "-p other close").shape == (20, 3)
    assert shell.run_line_magic("alpha", "close").shape == (50, 6)  # 'panel' wins
    ns = {"a": alphalang.demo_panel(5, 2), "b": alphalang.demo_panel(6, 2)}
    with pytest.raises(alphalang.AlphaDataError, match="several"):
        find_panel(ns)
    with pytest.raises(alphalang.AlphaDataError, match="no Panel"):
        find_panel({})
