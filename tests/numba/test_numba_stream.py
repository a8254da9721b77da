"""Streaming equals batch for all of wq101; state save/restore mid-stream continues identically."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.backend.numba.stream import StreamState

T, N = 90, 12


@pytest.fixture(scope="module")
def panel():
    return alphalang.demo_panel(T, N, seed=9)


@pytest.fixture(scope="module")
def batch(wq101, panel):
    return wq101[0].run(panel)


def _row(panel, t):
    return {name: panel.field(name)[t] for name in panel.fields}


def test_streaming_equals_batch_for_wq101(wq101, panel, batch):
    program = wq101[0]
    history = panel.slice_rows(0, 40)
    stream = program.stream(history)
    for t in range(40, T):
        out = stream.step(_row(panel, t))
        for name, want in batch.items():
            np.testing.assert_array_equal(out[name], want[t], err_msg=f"{name} at row {t}")


def test_state_save_restore_continues_identically(wq101, panel, tmp_path):
    program = wq101[0]
    stream = program.stream(panel.slice_rows(0, 50))
    path = tmp_path / "state.npz"
    stream.state.save(path)
    first = [stream.step(_row(panel, t)) for t in range(50, 70)]
    restored = program.stream(panel.slice_rows(0, 1))  # any stream of the same program
    restored.state = StreamState.load(path)
    second = [restored.step(_row(panel, t)) for t in range(50, 70)]
    for a, b in zip(first, second, strict=True):
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])


def test_state_of_another_program_is_refused(wq101, panel, tmp_path):
    other = alphalang.compile("x = ts_mean(close, 3)", backend="numba").stream(panel.slice_rows(0, 5))
    with pytest.raises(ValueError, match="different program"):
        wq101[0].stream(panel.slice_rows(0, 5)).state = other.state
