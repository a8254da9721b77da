"""numba == reference for the exponential operators (EMA by span/alpha/half-life, GTJA SMA/WMA,
ts_decay_exp_window) on nasty and drawn panels; streaming == batch; the kernel's smoothing == the reference's.

One program holds every case (compiled once for the module)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from nb_support import assert_matches, assert_streaming_equals_batch, compile_both, nasty_panel

import alphalang
from alphalang.backend.numba.kernels import expo
from alphalang.backend.reference import exponential as ref
from alphalang.testing.strategies import panels

CASES = [
    "ts_ema_span(close, 1)", "ts_ema_span(close, 5)", "ts_ema_span(close, 5, adjust=0)",
    "ts_ema_span(volume, 30, 0)", "ts_ema_alpha(close, 0.3)", "ts_ema_alpha(close, 0.3, adjust=0)",
    "ts_ema_alpha(open, 1)", "ts_ema_halflife(close, 2)", "ts_ema_halflife(close, 2.5, 0)",
    "ts_sma_gtja(close, 5, 2)", "ts_sma_gtja(volume, 20)", "ts_sma_gtja(close, 3, 3)",
    "ts_decay_exp_window(close, 1, 0.5)", "ts_decay_exp_window(close, 4, 0.5)", "ts_decay_exp_window(close, 20, 0.9)",
    "ts_decay_exp_window(volume, 21, 0.9)", "ts_decay_exp_window(close, 30)", "ts_decay_exp_window(open, 25, 0.7)",
    "ts_wma_gtja(close, 12)", "ts_wma_gtja(close, 30)", "ts_ema_window(close, 10)", "ts_ema_window(volume, 40)",
    "ts_decay_exp_window(close, 3, 0)",
    "rank(ts_ema_span(close - delay(close, 1), 10, 0))",  # behind a shift and before a cross-section
]
SOURCE = "\n".join(f"e{k} = {case}" for k, case in enumerate(CASES))
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def programs():
    return compile_both(SOURCE)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numba_matches_reference(programs, seed):
    numba_program, reference = programs
    panel = nasty_panel(t=80, n=13, seed=seed)
    assert_matches(numba_program.run(panel), reference.run(panel), rtol=1e-12)


def test_recursions_and_short_windows_are_bitwise(programs):
    """The recursions run the reference's arithmetic, and windows up to DIRECT_MAX rows its two-pass sums."""
    numba_program, reference = programs
    panel = nasty_panel(t=60, n=13, seed=4)
    got, want = numba_program.run(panel), reference.run(panel)
    for k, case in enumerate(CASES):
        if "(close, 30" in case or "21," in case or "25," in case or "40)" in case or "rank(" in case:
            continue
        np.testing.assert_array_equal(got[f"e{k}"], want[f"e{k}"], err_msg=case)


@SETTINGS
@given(panel=panels())
def test_numba_matches_reference_on_drawn_panels(programs, panel):
    numba_program, reference = programs
    assert_matches(numba_program.run(panel), reference.run(panel))


def test_streaming_equals_batch(programs):
    numba_program, _ = programs
    panel = nasty_panel(t=70, n=13, seed=5)
    assert_streaming_equals_batch(numba_program, panel, 40)


def test_recursions_run_in_one_time_chunk(programs):
    """An EMA depends on its whole history: a threaded run must not split time (same values as one thread)."""
    numba_program, _ = programs
    panel = alphalang.demo_panel(400, 20, seed=3)
    one, two = numba_program.run(panel, threads=1), numba_program.run(panel, threads=2)
    for name in one:
        np.testing.assert_array_equal(two[name], one[name], err_msg=name)


@pytest.mark.parametrize("mode", [expo.SPAN, expo.ALPHA, expo.HALFLIFE, expo.SMA])
@pytest.mark.parametrize(("a", "b"), [(1.0, 0.0), (3.0, 1.0), (0.3, 2.0), (7.0, 0.5), (20.0, 3.0)])
def test_kernel_smoothing_is_the_reference_smoothing(mode, a, b):
    assert expo.smoothing(mode, a, b) == ref.smoothing(mode, a, b)


def test_flat_stretches_are_exactly_the_value():
    """A halted asset's EMA and exponential window are exactly its price (ranks tie instead of ranking noise)."""
    close = np.full((50, 2), 1e8 + 0.7)
    close[:, 1] = np.linspace(1.0, 2.0, 50)
    text = "a = ts_ema_span(close, 7)\nb = ts_ema_alpha(close, 0.2, 0)\nc = ts_decay_exp_window(close, 30, 0.8)"
    got = alphalang.compile(text, backend="numba").run({"close": close})
    for name in "ab":
        assert (got[name][:, 0] == 1e8 + 0.7).all(), name
    assert (got["c"][29:, 0] == 1e8 + 0.7).all()
