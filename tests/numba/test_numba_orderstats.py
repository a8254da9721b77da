"""numba == reference for the rolling order statistics (ts_quantile, ts_median: sorted windows up to
``orderstat.SORTED_MAX`` rows, two heaps beyond; ts_mad: two-pass, and beyond ``MAD_DIRECT_MAX`` a treap, also
driven directly on short windows; ts_max_drawdown), streaming == batch, the checks on q, and the quantile kernel
driven directly under both NaN policies against pandas' ``rolling(d, min_periods).quantile / .median``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nb_support import assert_streaming_equals_batch, nasty_panel

import alphalang
from alphalang.backend.numba.families import SKIP_STRIDE
from alphalang.backend.numba.kernels import mad, orderstat
from alphalang.backend.reference import orderstats as ref
from alphalang.errors import AlphaTypeError
from alphalang.testing.strategies import panels

WINDOWS = (1, 2, 3, 5, 30, 61)
QS = (0.0, 0.1, 0.5, 0.9, 1.0)
EPS = np.finfo(np.float64).eps
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outputs() -> dict[str, tuple]:
    """Output name -> (reference function, window, q or None)."""
    outs: dict[str, tuple] = {}
    for d in WINDOWS:
        for q in QS:
            outs[f"q{d}_{int(q * 10)}"] = (ref.ts_quantile, d, q)
        outs[f"med{d}"] = (ref.ts_median, d, None)
        outs[f"mad{d}"] = (ref.ts_mad, d, None)
        outs[f"dd{d}"] = (ref.ts_max_drawdown, d, None)
    return outs


OUTPUTS = _outputs()


def _source() -> str:
    lines = []
    for name, (fn, d, q) in OUTPUTS.items():
        call = f"{fn.__name__}(close, {d}, {q!r})" if q is not None else f"{fn.__name__}(close, {d})"
        lines.append(f"{name} = {call}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def program():
    return alphalang.compile(_source(), backend="numba")


def _mad_tolerance(x: np.ndarray, d: int) -> np.ndarray:
    """A few ulps of the window's largest magnitude (the treap sums raw values; the reference is two-pass)."""
    mags = ref._rolling(lambda w: np.abs(w).max(axis=-1), [x], d)
    return 8 * EPS * np.nan_to_num(mags)


def _check(got: dict, close: np.ndarray) -> None:
    for name, (fn, d, q) in OUTPUTS.items():
        want = fn(close, d) if q is None else fn(close, d, q)
        if fn is ref.ts_mad:
            np.testing.assert_array_equal(np.isnan(got[name]), np.isnan(want), err_msg=name)
            assert np.all(np.abs(got[name] - want)[~np.isnan(want)] <= _mad_tolerance(close, d)[~np.isnan(want)])
        else:  # the same interpolation arithmetic: bitwise
            np.testing.assert_array_equal(got[name], want, err_msg=name)


@pytest.mark.parametrize("seed", [0, 1])
def test_numba_matches_reference_on_nasty_panels(program, seed):
    panel = nasty_panel(t=130, n=13, seed=seed)
    _check(program.run(panel), panel.field("close"))


@SETTINGS
@given(panel=panels(fields=("close",), groups=()))
def test_numba_matches_reference_on_drawn_panels(program, panel):
    _check(program.run(panel), panel.field("close"))


def _run_tree(x: np.ndarray, d: int) -> np.ndarray:
    """ts_mad's treap (normally windows beyond ``MAD_DIRECT_MAX``) on window d, one row at a time."""
    n = x.shape[1]
    nf, ni = mad.tree_size(n, d)
    fs, is_ = np.empty(nf), np.empty(ni, dtype=np.int64)
    mad.init_tree(fs, is_, n, d)
    out = np.empty(x.shape)
    for t in range(x.shape[0]):
        mad.tree_push(fs, is_, t, d, np.ascontiguousarray(x[t]), out[t])
    return out


@pytest.mark.parametrize("d", [1, 2, 3, 5, 30, 61])
@pytest.mark.parametrize("seed", [3, 4])
def test_mad_treap_matches_reference(d, seed):
    close = nasty_panel(t=160, n=13, seed=seed).field("close")
    got, want = _run_tree(close, d), ref.ts_mad(close, d)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    assert np.all(np.abs(got - want)[ok] <= _mad_tolerance(close, d)[ok])


def test_long_windows_in_a_program():
    """Heaps over a long window with many ties; ts_mad's treap beyond ``MAD_DIRECT_MAX``."""
    d = mad.DIRECT_MAX + 1
    rng = np.random.default_rng(7)
    close = rng.integers(0, 30, (d + 40, 3)).astype(float)
    close[d + 10 : d + 14, 1] = np.nan
    text = f"a = ts_median(close, 300)\nb = ts_quantile(close, 999, 0.3)\nc = ts_mad(close, {d})"
    got = alphalang.compile(text, backend="numba").run({"close": close})
    want = alphalang.compile(text, backend="reference").run({"close": close})
    np.testing.assert_array_equal(got["a"], want["a"])
    np.testing.assert_array_equal(got["b"], want["b"])
    ok = ~np.isnan(want["c"])
    assert ok[-1, 0] and not ok[-1, 1]  # the NaNs are still in the window
    assert np.all(np.abs(got["c"] - want["c"])[ok] <= _mad_tolerance(close, d)[ok])


def test_streaming_equals_batch(program):
    panel = nasty_panel(t=100, n=9, seed=5)
    assert_streaming_equals_batch(program, panel, 65)


def test_interpolation_helpers_mirror_the_reference():
    rng = np.random.default_rng(0)
    lo = np.sort(rng.normal(size=(200, 2)) * 10.0 ** rng.integers(-5, 308, (200, 1)), axis=1)
    for a, b in lo:
        for frac in (0.1, 0.5, 0.9):
            assert orderstat.interpolate(a, b, frac) == ref.interpolate(a, b, frac)
        assert orderstat.midpoint(a, b) == ref.midpoint(a, b)


@pytest.mark.parametrize("q", ["-0.1", "1.5"])
def test_q_outside_the_unit_interval_is_refused(q):
    with pytest.raises(AlphaTypeError, match=r"q must be in \[0, 1\]"):
        alphalang.compile(f"a = ts_quantile(close, 5, {q})", backend="reference")


# ---- the kernel driven directly, both paths (sorted / heaps) and both NaN policies, against pandas ----------

def _run_orderstat(x: np.ndarray, d: int, code: int, q: float) -> np.ndarray:
    """``orderstat.push`` row by row on window d with mode code ``code`` (skip: ``mode + SKIP_STRIDE * m``)."""
    n = x.shape[1]
    nf, ni = orderstat.state_size(n, d)
    fs, is_ = np.empty(nf), np.empty(ni, dtype=np.int64)
    orderstat.init(fs, is_, n, d)
    out = np.empty(x.shape)
    for t in range(x.shape[0]):
        orderstat.push(fs, is_, t, d, code, q, np.ascontiguousarray(x[t]), out[t])
    return out


def _pandas(x: np.ndarray, d: int, m: int, q: float | None) -> np.ndarray:
    """pandas' rolling median / linear quantile over the valid values (it reads ±inf as missing, as the policy
    does), NaN under ``m`` of them."""
    roll = pd.DataFrame(x).rolling(d, min_periods=m)
    got = roll.median() if q is None else roll.quantile(q, interpolation="linear")
    return got.to_numpy()


@st.composite
def _windows(draw):
    """A column block with NaN runs longer than the window, ties (small integers), ±inf, and its window: short
    (the sorted path) or just past ``SORTED_MAX`` (the heaps)."""
    long = draw(st.booleans())
    d = draw(st.integers(orderstat.SORTED_MAX - 1, orderstat.SORTED_MAX + 12) if long else st.integers(1, 8))
    t = draw(st.integers(1, 3 * d + 20))
    n = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-3, 4, (t, n)).astype(float) if draw(st.booleans()) else rng.normal(0, 1e3, (t, n))
    for _ in range(draw(st.integers(0, 4))):  # NaN runs, some longer than d
        j, s = rng.integers(n), rng.integers(t)
        x[s : s + int(rng.integers(1, 2 * d + 3)), j] = np.nan
    x[rng.random((t, n)) < draw(st.sampled_from([0.0, 0.05, 0.3]))] = np.nan
    x[rng.random((t, n)) < 0.03] = np.inf
    x[rng.random((t, n)) < 0.03] = -np.inf
    q = draw(st.sampled_from([None, 0.0, 1.0, 0.5]) | st.floats(0.0, 1.0))
    m = draw(st.integers(1, d))
    return x, d, m, q


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_windows())
def test_kernel_matches_pandas_under_both_policies(case):
    x, d, m, q = case
    mode = orderstat.MEDIAN if q is None else orderstat.QUANTILE
    qq = 0.5 if q is None else q
    skip = _run_orderstat(x, d, mode + SKIP_STRIDE * m, qq)
    np.testing.assert_array_equal(skip, _pandas(x, d, m, q))  # pandas' interpolation arithmetic: bitwise
    strict = _run_orderstat(x, d, mode, qq)  # the strict rule: every value of the window valid
    np.testing.assert_array_equal(strict, _pandas(x, d, d, q))


def test_kernel_hand_worked_skip_table():
    """Window 3, min_periods 2, q = 0.25: the valid values of each window, read at 0.25 * (k - 1)."""
    x = np.array([[4.0], [np.nan], [1.0], [np.inf], [np.nan], [7.0], [2.0], [2.0]])
    got = _run_orderstat(x, 3, orderstat.QUANTILE + SKIP_STRIDE * 2, 0.25)[:, 0]
    # windows' valid values: {4}, {4}, {4, 1}, {1}, {1}, {7}, {7, 2}, {7, 2, 2}
    want = [np.nan, np.nan, 1.75, np.nan, np.nan, np.nan, 3.25, 2.0]
    np.testing.assert_array_equal(got, want)
