"""numba == reference for the cross-sectional clean-up operators (kernel family ``rowstats``).

Two levels: the row kernel itself against ``reference.cleanup`` on hypothesis-drawn rows (NaN, ±inf, ties,
all-equal dates, a single finite value, ``1e8 + noise`` dates), for every mode and driver, with no fused kernel
to compile; and one compiled program with an output per operator (nested uses included), batch and streaming.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nb_support import assert_matches, assert_streaming_equals_batch, compile_both, nasty_panel

from alphalang.backend.numba.families import FAMILY, LOWERING
from alphalang.backend.numba.kernels import elementwise, rowstats
from alphalang.backend.numba.kernels.crosssection import workspace
from alphalang.ops import REGISTRY, ArgKind
from alphalang.testing.strategies import REGIMES, panels, series_arrays

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPS = sorted(op for op, (family, _) in LOWERING.items() if family == "rowstats")
# the constants each operator is tried with (reference arguments after the series; CHOICE as its index)
STATICS = {
    "winsorize": [(4.0,), (1.0,), (0.5,)],
    "normalize": [(0.0, 0.0), (1.0, 0.0), (1.0, 1.5), (0.0, 0.7)],
    "truncate": [(0.01,), (0.2,), (0.5,)],
    "scale_down": [(0.0,), (0.5,)],
    "quantile": [(0.0, 1.0), (1.0, 2.0), (2.0, 0.5)],
    "scale": [(1.0, 1.0, 1.0), (2.5, 1.0, 1.0), (1.0, 2.0, 3.0), (1.0, 1.0, 0.5)],
}


def kernel(op: str, x: np.ndarray, y: np.ndarray, statics: tuple) -> np.ndarray:
    """The row kernel over every row of x (and y), as ``kernels.table.run`` calls it."""
    mode = FAMILY["rowstats"].mode_code(LOWERING[op][1])
    consts = np.array(statics, dtype=np.float64)
    out = np.empty(x.shape)
    ws = workspace(x.shape[1], 0)
    for t in range(x.shape[0]):
        rowstats.push(np.ascontiguousarray(x[t]), np.ascontiguousarray(y[t]), mode, consts, 0 if statics else -1,
                      out[t], ws)
    return out


@st.composite
def dates(draw) -> np.ndarray:
    """(T, N) values whose dates mix or share regimes, some dates all equal, some with one finite value."""
    t, n = draw(st.integers(1, 12)), draw(st.integers(1, 9))
    regimes = draw(st.sampled_from([REGIMES, ("offset",), ("integers",), ("tiny", "normal")]))
    x = draw(series_arrays(t, n, regimes=regimes)).copy()
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    for r in range(t):
        kind = rng.integers(0, 6)
        if kind == 0:
            x[r] = x[r, 0]  # an all-equal date
        elif kind == 1:
            x[r, rng.permutation(n)[1:]] = np.nan  # a single finite value
    return x


def _same(got: np.ndarray, want: np.ndarray, what: str) -> None:
    finite = np.isfinite(want)
    scale = np.max(np.abs(want[finite]), initial=0.0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * scale, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("op", OPS)
@SETTINGS
@given(x=dates(), y=dates())
def test_kernel_equals_reference(op: str, x: np.ndarray, y: np.ndarray) -> None:
    two = sum(p.kind is ArgKind.SERIES for p in REGISTRY[op].params) == 2
    y = np.resize(y, x.shape) if two else x
    for statics in STATICS.get(op, [()]):
        want = REGISTRY[op].reference(*((x, y) if two else (x,)), *statics)
        _same(kernel(op, x, y, statics), want, f"{op}{statics}")


def test_every_cleanup_operator_lowers_to_rowstats() -> None:
    assert len(OPS) == 18  # 17 clean-up operators, and scale (BRAIN's long/short books)
    assert all(REGISTRY[op].lowering == op for op in OPS)


def test_ndtri_is_pythons_inverse_normal_cdf_bitwise() -> None:
    from statistics import NormalDist

    ps = np.concatenate([np.linspace(1e-12, 1 - 1e-12, 2001), [1e-300, 0.075, 0.925, 0.5, 1 - 1e-16]])
    assert [elementwise.ndtri(p) for p in ps] == [NormalDist().inv_cdf(p) for p in ps]


def test_truncate_iterates_until_no_weight_exceeds_the_cap() -> None:
    x = np.array([[3.0, 7.0, 20.0, 6.0, -4.0, -1.0, 0.0, np.nan]])
    got = kernel("truncate", x, x, (0.25,))
    np.testing.assert_allclose(got, [[5.25, 10.25, 10.25, 10.25, -4.0, -1.0, 0.0, np.nan]], rtol=1e-15)


# ---- compiled, through the fused kernel ------------------------------------------------------------------

MODULE = "\n".join([
    "m = cs_mean(returns)", "s = cs_std(close)", "lo = cs_min(close)", "hi = cs_max(volume)", "sm = cs_sum(returns)",
    "n = cs_count(open)", "md = cs_median(close)", "w = winsorize(returns, std=1.5)", "w4 = winsorize(close)",
    "z = normalize(close, useStd=1, limit=1.2)", "c = normalize(returns)", "t = truncate(returns, maxPercent=0.2)",
    "t2 = truncate(scale(close - open), maxPercent=0.1)", "sd = scale_down(volume, constant=0.5)",
    "q = quantile(returns)", "q2 = quantile(ts_mean(close, 3), sigma=2)",
    "rn = regression_neut(returns, close / open)", "rp = regression_proj(close, volume)",
    "vn = vector_neut(returns, rank(volume))", "vp = vector_proj(close - open, returns)",
    "nest = rank(regression_neut(winsorize(returns), cs_mean(close) - close)) + quantile(truncate(returns))",
    "r = rank(close, rate=0)", "sc = scale(returns, longscale=2, shortscale=3)", "sc1 = scale(close - open, 2.5)",
    "dw = cs_diff_weighted_sum(returns, scale(volume))", 'q3 = quantile(close, driver="uniform")',
    'q4 = quantile(returns - open, driver="cauchy", sigma=0.5)',
])


@pytest.fixture(scope="module")
def programs():
    return compile_both(MODULE)


@pytest.mark.parametrize("seed", [0, 1])
def test_program_matches_reference(programs, seed):
    numba_program, reference = programs
    panel = nasty_panel(t=40, n=11, seed=seed)
    assert_matches(numba_program.run(panel), reference.run(panel))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=panels())
def test_program_matches_reference_on_drawn_panels(programs, panel):
    numba_program, reference = programs
    assert_matches(numba_program.run(panel), reference.run(panel))


def test_streaming_equals_batch(programs):
    numba_program, _ = programs
    panel = nasty_panel(t=30, n=9, seed=4)
    assert_streaming_equals_batch(numba_program, panel, 20)
