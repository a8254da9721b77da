"""The tie rule (docs/semantics.md, "Ties") in both backends: values a few ulps apart rank as ties, so results
do not depend on summation order, and the numba backend agrees with the reference on every cell of GTJA's
alpha 119 (a ts_rank over the running minimum of a 21-day correlation of ranks), on the demo market and on
real prices (issue 8 item 5).

Oracles are independent of the code under test: scipy/pandas ranks and numpy argmax of the *unperturbed*
values, hand-worked tables, and the exact evaluation of GTJA 119 is replaced by agreement of the two backends
(its inputs are real floats, and item (b) of the issue is checked against exact rationals in
tests/test_ties_exact.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import alphalang
from alphalang.backend.numba.kernels.ties import KERNEL_TOLERANCE
from alphalang.backend.reference.ties import TOLERANCE
from alphalang.data import Panel, demo_panel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_ties_exact import sp500_panel  # noqa: E402

GTJA119 = ("g119 = rank(decay_linear(correlation(vwap, sum(ts_mean(volume, 5), 26), 5), 7)) - "
           "rank(decay_linear(ts_rank(ts_min(correlation(rank(open), rank(ts_mean(volume, 15)), 21), 9), 7), 8))")
D = 5
TIES = f"""
r = rank(close)
g = group_rank(close, IndClass.sector)
tr = ts_rank(close, {D})
amax = ts_argmax(close, {D})
amin = ts_argmin(close, {D})
dmax = ts_arg_max_days(close, {D})
c = correlation(close, open, {D})
c21 = correlation(close, open, 21)
"""


@pytest.fixture(scope="module")
def tie_programs():
    return alphalang.compile(TIES, backend="numba"), alphalang.compile(TIES, backend="reference")


@pytest.fixture(scope="module")
def gtja_programs():
    return alphalang.compile(GTJA119, backend="numba"), alphalang.compile(GTJA119, backend="reference")


def test_one_tolerance():
    assert KERNEL_TOLERANCE == TOLERANCE == 2.0**-40


def _run_both(programs, panel) -> list[dict]:
    return [{k: np.asarray(v) for k, v in p.run(panel).items()} for p in programs]


def _panel(close: np.ndarray, sector=None) -> Panel:
    t, n = close.shape
    open_ = np.tile(np.linspace(1.0, 2.0, t)[:, None], (1, n))  # a plain trend: correlation = f(close)
    groups = {"sector": np.zeros(n, np.int64) if sector is None else sector}
    return Panel(fields={"close": close, "open": open_}, groups=groups)


def test_hand_worked_row(tie_programs):
    """A correlation of exactly 1 computed as 0.9999999999999998 ties 1; a covariance of 0 computed as
    -2.7e-19 ties 0 (the row's width is 2^-40 of its largest magnitude, 1)."""
    row = np.array([[1.0, 0.9999999999999998, 0.3, -2.7e-19, 0.0]])
    want = np.array([4.5, 4.5, 3.0, 1.5, 1.5]) / 5
    for out in _run_both(tie_programs, _panel(row)):
        np.testing.assert_array_equal(out["r"][0], want)
        np.testing.assert_array_equal(out["g"][0], want)


def test_hand_worked_windows(tie_programs):
    """One asset, window 5: (2, 1+1e-15, 1, 2-4e-16, 1.5). Width 2^-40 * 2. ts_rank of today 1.5: 2 below,
    itself: (2 + 1) / 5. ts_argmax: the oldest value tying the max 2 is row 1; ts_argmin: 1+1e-15 ties 1 at
    row 2. A window whose values all tie gives a NaN correlation."""
    col = np.array([2.0, 1.0 + 1e-15, 1.0, 2.0 - 4e-16, 1.5])
    flat = np.array([0.1 * 3, 0.3, 0.1 + 0.2, 0.3, 0.30000000000000004])  # all tie, not all equal
    close = np.stack([col, flat], axis=1)
    for out in _run_both(tie_programs, _panel(close)):
        assert out["tr"][-1, 0] == 3 / 5
        assert out["amax"][-1, 0] == 1 and out["dmax"][-1, 0] == 4
        assert out["amin"][-1, 0] == 2
        assert np.isfinite(out["c"][-1, 0]) and np.isnan(out["c"][-1, 1])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), levels=st.integers(1, 6), scale_exp=st.integers(-20, 20))
def test_few_ulp_noise_changes_no_rank(tie_programs, seed, levels, scale_exp):
    """Values drawn from a few non-zero levels, each nudged by up to 8 ulps of itself: every rank-like output
    equals what scipy / pandas / numpy give for the un-nudged levels (exact ties), in both backends."""
    rng = np.random.default_rng(seed)
    t, n = 12, 9
    base = (rng.integers(0, levels, (t, n)) - 2.5) * 0.1 * 2.0**scale_exp
    nudged = base + rng.integers(-8, 9, (t, n)) * np.spacing(np.abs(base))
    sector = rng.integers(0, 2, n)
    want_r = np.array([scipy.stats.rankdata(row) / n for row in base])
    frame = pd.DataFrame(base)
    want_tr = frame.rolling(D).apply(lambda w: scipy.stats.rankdata(w)[-1] / D, raw=True).to_numpy()
    want_amax = frame.rolling(D).apply(lambda w: np.argmax(w) + 1, raw=True).to_numpy()
    want_amin = frame.rolling(D).apply(lambda w: np.argmin(w) + 1, raw=True).to_numpy()
    want_g = np.full((t, n), np.nan)
    for k in (0, 1):
        members = sector == k
        if members.any():
            want_g[:, members] = [scipy.stats.rankdata(row) / members.sum() for row in base[:, members]]
    for out in _run_both(tie_programs, _panel(nudged, sector)):
        np.testing.assert_allclose(out["r"], want_r, rtol=0, atol=1e-15)
        np.testing.assert_allclose(out["g"], want_g, rtol=0, atol=1e-15)
        np.testing.assert_allclose(out["tr"], want_tr, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(out["amax"], want_amax)
        np.testing.assert_array_equal(out["amin"], want_amin)


def test_correlation_ties_on_both_window_paths(tie_programs):
    """Windows of 5 (two-pass) and 21 rows (O(1) running sums): a column whose values all tie (0.3 give or
    take 2 ulps, never all equal) has a NaN correlation, as has 1 +- 1 ulp; an exactly linear column has
    correlation exactly 1 (within 2^-40 of 1: snapped)."""
    t = 30
    rng = np.random.default_rng(7)
    open_ = np.linspace(1.0, 3.9, t) ** 2
    flat = 0.3 + rng.integers(-2, 3, t) * np.spacing(0.3)
    flat[::4] = 0.3 + np.spacing(0.3)  # never all equal in any window
    close = np.stack([flat, 3.0 * open_ - 7.0, np.full(t, 1.0)], axis=1)
    close[:, 2] += np.where(np.arange(t) % 2 == 0, 1.0, -1.0) * np.spacing(1.0)  # ties 1 (flat) too
    panel = Panel(fields={"close": close, "open": np.repeat(open_[:, None], 3, axis=1)},
                  groups={"sector": np.zeros(3, np.int64)})
    for out in _run_both(tie_programs, panel):
        for name, d in (("c", D), ("c21", 21)):
            assert np.isnan(out[name][d - 1 :, 0]).all() and np.isnan(out[name][d - 1 :, 2]).all(), name
            np.testing.assert_array_equal(out[name][d - 1 :, 1], 1.0)


def test_ts_rank_sorted_path_ties():
    """Windows beyond ``tsrank.SCAN_MAX`` (the per-asset sorted copy, binary searches for the band): integer
    levels nudged by a few ulps rank as the un-nudged levels do under pandas' average rank."""
    from alphalang.backend.numba.kernels.tsrank import SCAN_MAX

    d = SCAN_MAX + 1
    rng = np.random.default_rng(11)
    base = rng.integers(1, 30, (d + 40, 3)).astype(float)
    nudged = base + rng.integers(-4, 5, base.shape) * np.spacing(base)
    want = pd.DataFrame(base).rolling(d).rank(method="average").to_numpy() / d
    text = f"a = ts_rank(close, {d})"
    for backend in ("numba", "reference"):
        got = alphalang.compile(text, backend=backend).run({"close": nudged})["a"]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)


def _assert_same_cells(programs, panel) -> None:
    nb, ref = _run_both(programs, panel)
    for name in ref:
        a, b = nb[name], ref[name]
        assert (np.isnan(a) == np.isnan(b)).all(), f"{name}: NaN masks differ"
        assert np.isfinite(b).sum() > 0.5 * b.size
        with np.errstate(invalid="ignore"):
            assert int((np.abs(a - b) > 1e-12).sum()) == 0, f"{name}: cells differ"


def test_gtja119_backends_agree_on_demo(gtja_programs):
    _assert_same_cells(gtja_programs, demo_panel(n_days=300, n_assets=60))


def test_gtja119_backends_agree_on_real_prices(gtja_programs):
    _assert_same_cells(gtja_programs, sp500_panel(n_assets=60, n_days=300, start=200))
