"""numba == reference for ts_regression (every rettype, with and without lag), regbeta and regresi, on nasty and
drawn panels; bitwise for windows up to DIRECT_MAX; the O(1) path on 1e8 offsets against statsmodels; streaming
== batch. One program holds every case (compiled once for the module)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from nb_support import assert_matches, assert_streaming_equals_batch, compile_both, nasty_panel

import alphalang
from alphalang.backend.numba.kernels import DIRECT_MAX
from alphalang.testing.strategies import panels

WINDOWS = (2, 3, 20, 21, 30)
CASES = [f"ts_regression(close, volume, {d}, rettype={r})" for d in WINDOWS for r in range(10)]
CASES += ["ts_regression(close, open, 5, lag=2, rettype=2)", "ts_regression(returns, returns, 25, lag=1, rettype=0)",
          "regbeta(close, volume, 25)", "regresi(close, open, 6)", "rank(ts_regression(close, volume, 22, 0, 6))"]
SOURCE = "\n".join(f"g{k} = {case}" for k, case in enumerate(CASES))
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def programs():
    return compile_both(SOURCE)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numba_matches_reference(programs, seed):
    numba_program, reference = programs
    panel = nasty_panel(t=80, n=13, seed=seed)
    assert_matches(numba_program.run(panel), reference.run(panel))


def test_short_windows_are_bitwise(programs):
    numba_program, reference = programs
    panel = nasty_panel(t=60, n=13, seed=4)
    got, want = numba_program.run(panel), reference.run(panel)
    for k, case in enumerate(CASES):
        d = int(case.split(", ")[2].rstrip(")"))
        if d <= DIRECT_MAX and "lag=1" not in case and not case.startswith("rank"):
            np.testing.assert_array_equal(got[f"g{k}"], want[f"g{k}"], err_msg=case)


@SETTINGS
@given(panel=panels())
def test_numba_matches_reference_on_drawn_panels(programs, panel):
    numba_program, reference = programs
    assert_matches(numba_program.run(panel), reference.run(panel))


def test_streaming_equals_batch(programs):
    numba_program, _ = programs
    panel = nasty_panel(t=70, n=13, seed=5)
    assert_streaming_equals_batch(numba_program, panel, 45)


def test_o1_path_on_large_offsets_matches_statsmodels():
    """1e8 + noise on both sides, d = 40 (the O(1) anchored sums, re-anchored every d rows), 300 rows: every
    window's slope, intercept and R^2 agree with statsmodels on the window shifted by its means."""
    rng = np.random.default_rng(7)
    t, d = 300, 40
    x = 1e8 + np.cumsum(rng.normal(0, 3, (t, 3)), axis=0)
    y = 1e8 + 0.7 * (x - 1e8) + rng.normal(0, 2, (t, 3))
    text = "\n".join(f"r{r} = ts_regression(y, x, {d}, rettype={r})" for r in (1, 2, 6))
    got = alphalang.compile(text, backend="numba", fields=["x", "y"]).run({"x": x, "y": y})
    for row in range(d - 1, t, 7):
        for j in range(3):
            xs, ys = x[row - d + 1 : row + 1, j], y[row - d + 1 : row + 1, j]
            mx, my = xs.mean(), ys.mean()
            fit = sm.OLS(ys - my, sm.add_constant(xs - mx)).fit()
            beta = fit.params[1]
            np.testing.assert_allclose(got["r2"][row, j], beta, rtol=1e-9)
            np.testing.assert_allclose(got["r1"][row, j], my + fit.params[0] - beta * mx, rtol=1e-12)
            np.testing.assert_allclose(got["r6"][row, j], fit.rsquared, rtol=1e-9)


def test_flat_x_has_no_slope_and_flat_y_fits_exactly():
    t = 60
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (t, 2))
    y = rng.normal(0, 1, (t, 2))
    x[:, 0] = 1e8 + 0.3  # flat x: no slope, R^2 NaN; SST still there
    y[:, 1] = 0.1  # flat y: slope 0, residual 0, intercept the value, R^2 NaN
    for d in (5, 30):
        text = "\n".join(f"r{r} = ts_regression(y, x, {d}, rettype={r})" for r in range(10))
        got = alphalang.compile(text, backend="numba", fields=["x", "y"]).run({"x": x, "y": y})
        rows = slice(d - 1, None)
        for r in range(10):
            assert np.isnan(got[f"r{r}"][rows, 0]).all() != (r == 5), (d, r)
        assert (got["r2"][rows, 1] == 0).all() and (got["r0"][rows, 1] == 0).all()
        assert (got["r1"][rows, 1] == 0.1).all() and (got["r3"][rows, 1] == 0.1).all()
        assert np.isnan(got["r6"][rows, 1]).all() and (got["r5"][rows, 1] == 0).all()
