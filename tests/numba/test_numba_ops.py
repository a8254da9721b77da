"""numba == reference for every registry operator and for random registry-built compositions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from nb_support import assert_matches, loose_outputs, nasty_panel, op_module

import alphalang
from alphalang.backend.numba.lowering import lower
from alphalang.ops import REGISTRY
from alphalang.testing.strategies import panels

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_operator_has_a_lowering(name):
    if REGISTRY[name].expansion is not None:  # a composition: the checker inlines it, it is never lowered itself
        return
    assert lower(name).family


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_operator_matches_reference(op_programs, seed):
    numba_program, reference = op_programs
    panel = nasty_panel(seed=seed)
    assert_matches(numba_program.run(panel), reference.run(panel), loose=loose_outputs(op_module()))


@pytest.mark.parametrize("seed", [0, 1])
def test_random_compositions_match_reference(random_programs, seed):
    numba_program, reference = random_programs
    panel = nasty_panel(t=70, n=11, seed=10 + seed)
    assert_matches(numba_program.run(panel), reference.run(panel))


@SETTINGS
@given(panel=panels())
def test_every_operator_matches_reference_on_drawn_panels(op_programs, panel):
    numba_program, reference = op_programs
    assert_matches(numba_program.run(panel), reference.run(panel), loose=loose_outputs(op_module()))


@SETTINGS
@given(panel=panels())
def test_random_compositions_match_reference_on_drawn_panels(random_programs, panel):
    numba_program, reference = random_programs
    assert_matches(numba_program.run(panel), reference.run(panel))


def test_threads_split_time_exactly():
    import alphalang

    program = alphalang.compile("a = rank(ts_corr(close, volume, 10)) - ts_max(returns, 5)\n"
                                "b = indneutralize(decay_linear(close, 30), IndClass.sector)", backend="numba")
    panel = alphalang.demo_panel(400, 30, seed=2)
    one = program.run(panel, threads=1)
    two = program.run(panel, threads=3)
    for name in one:
        np.testing.assert_allclose(two[name], one[name], rtol=1e-12, atol=1e-12, equal_nan=True)


def test_ts_rank_sorted_path_for_windows_beyond_the_scan():
    """Windows longer than ``tsrank.SCAN_MAX`` keep a sorted copy: same values as the reference."""
    from alphalang.backend.numba.kernels.tsrank import SCAN_MAX

    d = SCAN_MAX + 1
    rng = np.random.default_rng(5)
    close = rng.integers(0, 40, (d + 150, 4)).astype(float)  # many ties
    close[d + 20 : d + 25, 1] = np.nan
    close[rng.integers(0, d + 150, 30), 2] = np.nan
    text = f"a = ts_rank(close, {d})"
    got = alphalang.compile(text, backend="numba").run({"close": close})["a"]
    want = alphalang.compile(text, backend="reference").run({"close": close})["a"]
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got[-1, 0]) and np.isnan(got[d + 30, 1])


@pytest.mark.parametrize("d", [3, 30])  # the two-pass path and the O(1) path
def test_means_of_exactly_constant_windows_are_the_value(d):
    """A halted asset (flat prices) has mean == price exactly, so ``x - ts_mean(x, d)`` is exactly 0 and ranks
    tie; other assets are untouched."""
    rng = np.random.default_rng(1)
    t, n = d + 40, 5
    close = 100 + rng.normal(0, 1, (t, n))
    close[:, 1] = 0.1
    close[:, 2] = 1e8 + 0.7
    close[d + 5 :, 3] = close[d + 5, 3]  # halted half-way
    text = (f"m = ts_mean(close, {d})\nw = decay_linear(close, {d})\nz = close - ts_mean(close, {d})\n"
            "g = group_mean(close, IndClass.sector)")
    from alphalang.data import Panel

    panel = Panel(fields={"close": close}, groups={"sector": np.array([0, 1, 2, 3, 3])})
    got = alphalang.compile(text, backend="numba").run(panel)
    want = alphalang.compile(text, backend="reference").run(panel)
    for name in got:  # bitwise on the two-pass path, to rounding on the O(1) path; the flat assets exactly
        np.testing.assert_allclose(got[name], want[name], rtol=0 if d <= 20 else 1e-12, atol=0 if d <= 20 else 1e-10,
                                   err_msg=name)
        np.testing.assert_array_equal(got[name][:, 1:3], want[name][:, 1:3], err_msg=name)
    for j, value in ((1, 0.1), (2, 1e8 + 0.7)):
        assert (got["m"][d - 1 :, j] == value).all() and (got["w"][d - 1 :, j] == value).all()
        assert (got["z"][d - 1 :, j] == 0).all() and (got["g"][:, j] == value).all()
    assert (got["z"][2 * d + 5 :, 3] == 0).all() and np.isfinite(got["z"][d - 1 :, 0]).all()


def test_transcendental_functions_agree_to_the_bit():
    # both backends call C's libm (reference.libm), where numpy's SIMD exp/log/arcsin... differ by an ulp on
    # about 1-10% of these cells; domain edges (0, -1, +-inf, NaN, |x| > 1, overflow) included
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-0.999, 0.999, (60, 20)), rng.lognormal(0, 3, (60, 20))
    x[0, :5], y[0, :5] = [np.nan, np.inf, -np.inf, 2.0, -2.0], [0.0, -1.0, np.inf, np.nan, -2.0]
    panel = alphalang.demo_panel(60, 20, 1).with_fields(open=x, close=y)
    source = ("a = log(close)\nb = exp(open * 1000)\nc = arc_tan(close)\nd = arc_sin(open)\ne = sigmoid(open * 800)\n"
              "f = log1p(close)\ng = tanh(close)\nh = arc_cos(open)\n")
    got = alphalang.compile(source, backend="numba").run(panel)
    want = alphalang.compile(source, backend="reference").run(panel)
    for name in want:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
