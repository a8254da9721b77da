"""numba == reference for the missing-value windows and the stateful recursions (kernel families ``history``
and ``recursion``): on nasty panels and hypothesis panels with NaN runs and flat stretches, streamed one row at
a time (the state crosses calls), and split over threads (window family: time chunks; recursions: one chunk).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from nb_support import assert_streaming_equals_batch, nasty_panel

import alphalang
from alphalang.backend.numba.families import FAMILY
from alphalang.backend.numba.kernels import history, recursion
from alphalang.backend.reference import stateful as ref
from alphalang.testing.strategies import panels

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WINDOWS = (1, 2, 3, 5, 30)


def _source() -> str:
    lines = []
    for d in WINDOWS:
        lines += [f"count{d} = ts_count_nans(close, {d})", f"fill{d} = ts_backfill(close, {d})",
                  f"fill{d}_2 = ts_backfill(close, {d}, k=2)", f"kth{d} = kth_element(close, {d})",
                  f"kth{d}_3 = kth_element(close, {d}, k=3.7)", f"diff{d} = last_diff_value(close, {d})"]
    lines += ["days = days_from_last_change(close)", "days_flat = days_from_last_change(sign(close) * 3)",
              "hump0 = hump(close, hump=0)", "hump1 = hump(close)", "hump2 = hump(close, hump=0.3)",
              "cum = ts_cumsum(close)", "step = ts_step(close)", "counter = ts_step(1)",
              "tests = is_nan(close) + 2 * is_finite(close) + 4 * is_not_finite(close)",
              "clean = purify(close / volume) + nan_mask(close, volume - 1)",
              "trade = trade_when(volume > 0, close, close < -2)", "trade_never = trade_when(volume, close, -1)",
              "limited = ts_delta_limit(close, volume, limit_volume=0.2)", "limited0 = ts_delta_limit(close, 3, 0)",
              "hdecay = hump_decay(close, p=0.1)", "jdecay = jump_decay(close, 5)",
              "jdecay2 = jump_decay(close, 2, 0.1, 0.5)",
              "nans = to_nan(close, 0) + to_nan(close, 3, reverse=true)",
              "tails = left_tail(close, 1) + right_tail(volume) + tail(close, -1, 1, 0.5)"]
    return "\n".join(lines)


SOURCE = _source()


@pytest.fixture(scope="module")
def programs():
    return alphalang.compile(SOURCE, backend="numba"), alphalang.compile(SOURCE, backend="reference")


def _assert_equal(got: dict, want: dict, rows=slice(None)) -> None:
    for name in want:
        np.testing.assert_array_equal(got[name], want[name][rows], err_msg=name)  # the same arithmetic: bitwise


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numba_matches_reference_on_nasty_panels(programs, seed):
    numba_program, reference = programs
    panel = nasty_panel(t=80, n=13, seed=seed)
    _assert_equal(numba_program.run(panel), reference.run(panel))


@SETTINGS
@given(panel=panels(fields=("close", "volume"), groups=()))
def test_numba_matches_reference_on_drawn_panels(programs, panel):
    numba_program, reference = programs
    _assert_equal(numba_program.run(panel), reference.run(panel))


def test_streaming_equals_batch_across_calls(programs):
    numba_program, _ = programs
    panel = nasty_panel(t=60, n=9, seed=4)
    assert_streaming_equals_batch(numba_program, panel, 20)


def test_state_families_run_in_one_time_chunk_and_windows_split_exactly():
    """The recursion family is of kind "state" (no finite window: one time chunk); the history family's
    windows split over threads exactly."""
    assert FAMILY["recursion"].kind == "state" and FAMILY["history"].kind == "window"
    panel = nasty_panel(t=400, n=7, seed=5)
    text = ("a = ts_backfill(close, 10, k=2) + ts_count_nans(volume, 7)\nb = last_diff_value(close, 12)\n"
            "c = kth_element(close, 5)")
    windows = alphalang.compile(text, backend="numba")
    one, three = windows.run(panel, threads=1), windows.run(panel, threads=3)
    _assert_equal(three, one)
    recursive = alphalang.compile("h = hump(close, hump=0.05) + ts_backfill(close, 3)", backend="numba")
    np.testing.assert_array_equal(recursive.run(panel, threads=3)["h"], recursive.run(panel)["h"])


def _recursion(mode: int, x: np.ndarray, y: np.ndarray, *consts: float) -> np.ndarray:
    """One recursion mode driven directly, row by row (trade_when reaches HOLD only through its composition)."""
    n = x.shape[1]
    nf, ni = recursion.state_size(n, 0)
    fs, is_ = np.empty(nf), np.empty(ni, dtype=np.int64)
    recursion.init(fs, is_, n, 0)
    out = np.empty(x.shape)
    for t in range(len(x)):
        recursion.push(fs, is_, t, mode, np.array(consts, dtype=np.float64), x[t].copy(), y[t].copy(), out[t])
    return out


@SETTINGS
@given(panel=panels(fields=("close", "volume"), groups=()))
def test_two_input_recursions_match_reference(panel):
    x, y = panel.field("close"), panel.field("volume")
    np.testing.assert_array_equal(_recursion(recursion.HOLD, x, y), ref.hold(x, y))
    np.testing.assert_array_equal(_recursion(recursion.DELTA_LIMIT, x, y, 0.3), ref.ts_delta_limit(x, y, 0.3))


def test_modes_follow_the_family_declaration():
    assert FAMILY["history"].modes.index("LAST_DIFF") == history.LAST_DIFF
    assert [FAMILY["recursion"].modes.index(m) for m in ("HOLD", "HUMP", "DAYS", "CUMSUM", "STEP", "DELTA_LIMIT")] == [
        recursion.HOLD, recursion.HUMP, recursion.DAYS, recursion.CUMSUM, recursion.STEP, recursion.DELTA_LIMIT]
