"""Bad stream states, bad stream rows and windows longer than the data (issue 8, items 6 and 10).

Every tampered state file must be refused with ``AlphaDataError`` before a kernel sees it (the kernels index
their buffers without bounds checks); every malformed row names what is wrong; a window longer than the panel
gives NaN everywhere (as the reference does) with state sized by the data; the total state is bounded.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import alphalang
from alphalang.backend.numba.stream import Stream
from alphalang.errors import AlphaDataError

T, N = 20, 4
SOURCE = "a = ts_rank(close, 3) * ts_max(close, 4)\nb = indneutralize(close, IndClass.sector)"


@pytest.fixture(scope="module")
def panel():
    return alphalang.demo_panel(T, N, seed=5)


@pytest.fixture(scope="module")
def program():
    return alphalang.compile(SOURCE, backend="numba")


@pytest.fixture(scope="module")
def saved(program, panel, tmp_path_factory):
    path = tmp_path_factory.mktemp("state") / "good.npz"
    program.stream(panel.slice_rows(0, 10)).save_state(path)
    with np.load(path) as z:
        return {key: z[key] for key in z.files}


def _row(panel, t):
    return {name: panel.field(name)[t] for name in panel.fields}


def _with(items: dict, **changes) -> dict:
    out = {k: v for k, v in items.items() if changes.get(k, 0) is not None}
    out.update({k: v for k, v in changes.items() if v is not None})
    return out


TAMPERED = {
    "another asset count": (lambda s: _with(s, n_assets=np.int64(N - 1)), "this program with 3 assets needs"),
    "truncated float buffer": (lambda s: _with(s, fs=s["fs"][:-5]), "buffer 'fs' is float64"),
    "truncated int buffer": (lambda s: _with(s, is_=s["is_"][:-1]), "buffer 'is_' is int64"),
    "negative row count": (lambda s: _with(s, rows=np.int64(-5)), "row count -5 is out of range"),
    "negative asset count": (lambda s: _with(s, n_assets=np.int64(-1)), "asset count -1 is out of range"),
    "float32 buffer": (lambda s: _with(s, fs=s["fs"].astype(np.float32)), "buffer 'fs' is float32"),
    "float int buffer": (lambda s: _with(s, is_=s["is_"].astype(np.float64)), "'is_' is a 1-d float64 array"),
    "2-d buffer": (lambda s: _with(s, fs=s["fs"].reshape(1, -1)), "'fs' is a 2-d float64 array"),
    "missing buffer": (lambda s: _with(s, fs=None), "has no 'fs' array"),
    "another program": (lambda s: _with(s, digest=np.array("0" * 24)), "different program"),
    "short group labels": (lambda s: _with(s, group_labels=s["group_labels"][:, :-1]),
                           "group level 'sector' labels are not 4 integers"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_tampered_state_file_is_refused(program, saved, tmp_path, case):
    tamper, fragment = TAMPERED[case]
    path = tmp_path / "bad.npz"
    np.savez(path, **tamper(saved))
    with pytest.raises(AlphaDataError, match=fragment):
        program.stream(state=path)


def test_a_file_that_is_not_a_state_is_refused(program, tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    with pytest.raises(AlphaDataError, match="cannot read stream state"):
        program.stream(state=path)


def test_untampered_state_is_accepted(program, saved, panel, tmp_path):
    path = tmp_path / "good.npz"
    np.savez(path, **saved)
    assert program.stream(state=path).step(_row(panel, 10))["a"].shape == (N,)


def test_sorted_window_that_does_not_match_its_ring_is_refused(panel):
    """Windows beyond the scan limit keep a sorted copy whose binary searches would run off a tampered copy."""
    program = alphalang.compile("s = ts_rank(close, 2001)", backend="numba")
    stream = program.stream(panel.slice_rows(0, 3))
    state = stream.state
    d = 2001
    sorted_copy = state.fs[d * N : 2 * d * N]
    sorted_copy[0], sorted_copy[-1] = sorted_copy[-1], sorted_copy[0]
    with pytest.raises(AlphaDataError, match="sorted window of state 0"):
        stream.state = state


# -- Stream.step: what is missing is named ---------------------------------------------------------------
def test_step_with_another_asset_count(program, panel):
    stream = program.stream(panel.slice_rows(0, 5))
    row = {name: v[:-1] for name, v in _row(panel, 5).items()}
    with pytest.raises(AlphaDataError, match="the stream has 4 assets, this row has 3"):
        stream.step(row)


def test_step_without_a_field(program, panel):
    stream = program.stream(panel.slice_rows(0, 5))
    row = {name: v for name, v in _row(panel, 5).items() if name != "close"}
    with pytest.raises(AlphaDataError, match="the row has no field 'close'"):
        stream.step(row)


def test_step_with_text(program, panel):
    stream = program.stream(panel.slice_rows(0, 5))
    with pytest.raises(AlphaDataError, match="field 'close' is not numeric"):
        stream.step({**_row(panel, 5), "close": np.array(["a", "b", "c", "d"])})


def test_step_without_groups(program, panel):
    stream = Stream(program.plan)
    with pytest.raises(AlphaDataError, match="no labels for group level 'sector'"):
        stream.step(_row(panel, 0))


def test_step_with_group_labels_of_another_length(program, panel):
    stream = Stream(program.plan)
    with pytest.raises(AlphaDataError, match="group level 'sector' has shape"):
        stream.step(_row(panel, 0), groups={"sector": np.array([0, 1])})


# -- 10. state sized by the data --------------------------------------------------------------------------
LONG = """
a = ts_rank(close, 1000000)
b = ts_mean(close, 25)
c = correlation(close, volume, 30)
d = decay_linear(close, 21)
e = ts_argmax(close, 40)
f = product(close, 21)
g = delay(close, 20)
h = ts_rank(close, 20)
"""


@pytest.fixture(scope="module")
def long_programs():
    return alphalang.compile(LONG, backend="numba"), alphalang.compile(LONG, backend="reference")


def test_windows_longer_than_the_panel_give_nan_with_state_sized_by_the_data(long_programs):
    fast, reference = long_programs
    panel = alphalang.demo_panel(20, 50, seed=3)
    fast.run(panel)  # compile outside the measurement
    tracemalloc.start()
    got = fast.run(panel)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB for a 20 x 50 panel"
    want = reference.run(panel)
    for name in "abcdefg":
        assert np.isnan(got[name]).all() and np.isnan(want[name]).all(), name
    assert np.isfinite(got["h"][-1]).all()  # a window of exactly T rows fills on the last row
    np.testing.assert_array_equal(got["h"], want["h"])


def test_state_beyond_the_limit_names_the_operator(long_programs, monkeypatch):
    """Clamped to 21 rows, ts_rank's million-row window is small: the operator named is another one."""
    monkeypatch.setenv("ALPHALANG_MAX_STATE_MB", "0.01")
    with pytest.raises(AlphaDataError, match=r"limit 0.01 MB\); \w+\(close.*\) alone needs 0.0\d+ MB") as info:
        long_programs[0].run(alphalang.demo_panel(20, 50, seed=3))
    assert "1000000" not in str(info.value).splitlines()[0]
    assert "ALPHALANG_MAX_STATE_MB" in str(info.value)


def test_stream_state_is_not_clamped_but_bounded(long_programs):
    """A stream can outgrow any history, so its windows keep their declared length; the default limit refuses
    the 16 GB that ts_rank(close, 1000000) would need over 1000 assets, before allocating it."""
    with pytest.raises(AlphaDataError, match=r"limit 2,048 MB.*ts_rank\(close, 1000000\)"):
        long_programs[0].stream(alphalang.demo_panel(3, 1000, seed=1))
