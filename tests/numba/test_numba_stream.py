"""Streaming equals batch for all of wq101; state save/restore mid-stream continues identically."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.backend.numba.stream import Stream, StreamState
from alphalang.errors import AlphaDataError

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
    stream.save_state(path)
    first = [stream.step(_row(panel, t)) for t in range(50, 70)]
    restored = program.stream(state=path)  # the public way back, in a fresh stream
    second = [restored.step(_row(panel, t)) for t in range(50, 70)]
    for a, b in zip(first, second, strict=True):
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])


def test_restore_rebuilds_the_stream_of_a_history_that_supplied_a_derived_field(panel, tmp_path):
    """The demo panel supplies ``returns``, so its stream reads it instead of deriving it from ``close`` (another
    kernel): the saved state names the fields it reads and restores into the matching stream."""
    program = alphalang.compile("r = ts_mean(returns, 3) + indneutralize(close, IndClass.sector)",
                                backend="numba")
    assert "returns" in panel.fields
    uninterrupted = program.stream(panel.slice_rows(0, 30))
    uninterrupted.save_state(tmp_path / "s.npz")
    want = [uninterrupted.step(_row(panel, t))["r"] for t in range(30, 36)]
    saved = StreamState.load(tmp_path / "s.npz")
    assert "returns" in saved.fields and set(saved.groups) == {"sector"}
    for again in (program.stream(state=tmp_path / "s.npz"), Stream.load(tmp_path / "s.npz", program)):
        got = [again.step(_row(panel, t))["r"] for t in range(30, 36)]
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.array(want), program.run(panel)["r"][30:36], rtol=1e-12)


def test_state_of_another_program_is_refused(wq101, panel, tmp_path):
    other = alphalang.compile("x = ts_mean(close, 3)", backend="numba").stream(panel.slice_rows(0, 5))
    with pytest.raises(AlphaDataError, match="different program"):
        wq101[0].stream(panel.slice_rows(0, 5)).state = other.state
