"""The public API: compile / evaluate / Program, inputs as Panel or mapping, backends and profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alphalang


@pytest.fixture(scope="module")
def panel():
    return alphalang.demo_panel(60, 7, seed=5)


def test_compile_text_path_and_bare_expression(tmp_path, panel):
    path = tmp_path / "m.alpha"
    path.write_text("mom = rank(delta(close, 5))\n")
    from_path = alphalang.compile(path)
    from_str_path = alphalang.compile(str(path))
    from_text = alphalang.compile("mom = rank(delta(close, 5))")
    bare = alphalang.compile("rank(delta(close, 5))")
    assert from_path.outputs == from_str_path.outputs == from_text.outputs == ("mom",)
    assert bare.outputs == ("alpha",)
    np.testing.assert_array_equal(from_path.run(panel)["mom"], bare.run(panel)["alpha"])


def test_evaluate_matches_a_direct_numpy_computation(panel):
    close = panel.field("close")
    got = alphalang.evaluate("close / delay(close, 3) - 1", panel)
    expected = np.full(close.shape, np.nan)
    expected[3:] = close[3:] / close[:-3] - 1
    np.testing.assert_allclose(got, expected, rtol=1e-15)


def test_run_accepts_a_mapping_of_arrays():
    close = np.arange(12.0).reshape(4, 3) + 1
    out = alphalang.compile("a = rank(close)").run({"close": close})
    np.testing.assert_array_equal(out["a"], np.tile([1 / 3, 2 / 3, 1.0], (4, 1)))


def test_results_go_back_to_pandas(panel):
    results = alphalang.compile("a = rank(close)\nb = ts_mean(volume, 3)").run(panel)
    frame = panel.to_long(results)
    assert isinstance(frame.index, pd.MultiIndex) and list(frame.columns) == ["a", "b"]
    assert len(frame) == panel.n_dates * panel.n_assets


def test_program_explain_lists_shared_nodes():
    text = alphalang.compile("a = rank(delta(close, 5))\nb = -rank(delta(close, 5))").explain()
    assert "rank(delta(close, 5))" in text and "-> a" in text and "-> b" in text
    assert text.count("delta(close, 5)\n") + text.count("delta(close, 5)  ->") <= 1


def test_fields_and_groups_a_program_reads():
    program = alphalang.compile("a = indneutralize(returns, IndClass.industry) + adv5")
    assert program.fields == ("close", "volume", "vwap")
    assert program.groups == ("industry",)


def test_api_is_exported():
    for name in ("compile", "evaluate", "Program", "Panel", "demo_panel", "AlphaError", "AlphaSyntaxError",
                 "AlphaNameError", "AlphaTypeError", "AlphaDataError"):
        assert hasattr(alphalang, name)
