"""Numerical stability of the numba window kernels against exact rational statistics (``alphalang.testing.exact``:
``fractions`` arithmetic on the same float inputs, rounded once), on both paths: two-pass (d <= DIRECT_MAX,
which must also equal the reference bitwise) and the O(1) running sums (d > DIRECT_MAX), including a long
series where the running sums live for 100,000 rows.

Target (docs/kernels.md, "Accuracy"): normwise relative error <= 1e-9 for every statistic on offsets of 1e8
and 1e15 with noise down to a few ulps, and finite, correct values (±inf / 0 only where the true value itself
over- or underflows) near 1e300, near the largest float and near 1e-300, also when a series jumps between those
scales (the O(1) sums then change their scale and recompute from the ring).
"""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.backend.numba.kernels import DIRECT_MAX
from alphalang.testing.exact import STATISTICS, hard_columns, statistics_source, window_errors

RTOL = 1e-9
T = 100_000
D = 60  # > DIRECT_MAX: the O(1) anchored running-sum path
CHECK_ROWS = (D - 1, 5_000, 30_010, 30_000 + D + 3, 50_000, 70_000 + D - 1, 70_000 + D, T - 2, T - 1)


def assert_accurate(results: dict, close: np.ndarray, volume: np.ndarray, d: int, rows, names=None) -> None:
    bad = [e for e in window_errors(results, close, volume, d, rows) if not e[-1] <= RTOL]
    detail = "\n".join(f"{s} row {t} col {names[j] if names else j}: got {g!r}, exact {w!r} (error/scale {r:.3g})"
                       for s, t, j, g, w, r in bad[:20])
    assert not bad, f"{len(bad)} cells off:\n{detail}"


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(42)
    level = 1e8 + np.cumsum(rng.normal(0, 0.05, (T, 3)), axis=0)  # a slowly drifting 1e8 level
    x = level + rng.normal(0, 1.0, (T, 3))
    x[:, 2] = 1e8 + rng.normal(0, 1e-3, T)  # tiny noise on a huge offset: the hardest case
    x[30_000, 1] = 1e12  # a spike passing through the window
    x = np.column_stack([x, rng.normal(0, 1.0, T), 1e15 + np.cumsum(rng.normal(0, 1.0, T)) + rng.normal(0, 4.0, T),
                         1e300 * (1 + rng.uniform(0, 1, T))])
    x[30_000, 3] = 240.0  # just below the early-recompute threshold (240^2 < 1e3 * ~60): its residue must stay tiny
    x[70_000 :, 5] *= 1e-300  # from 1e300 down to 1: the sums change scale
    y = rng.normal(0, 1.0, (T, 6)) + 0.5 * (x - 1e8)
    y[:, 4] = rng.normal(0, 4.0, T) - x[:, 4]
    y[:, 5] = x[:, 5] * (1 + rng.uniform(0, 1, T))
    return x, y


@pytest.fixture(scope="module")
def results(series):
    x, y = series
    return alphalang.compile(statistics_source(D), backend="numba").run({"close": x, "volume": y})


@pytest.mark.parametrize("asset", range(6))
def test_long_series_match_exact_rationals(series, results, asset):
    x, y = series
    assert_accurate({k: v[:, asset : asset + 1] for k, v in results.items()}, x[:, asset : asset + 1],
                    y[:, asset : asset + 1], D, CHECK_ROWS)


@pytest.fixture(scope="module")
def hard():
    names, close, volume = hard_columns()
    return {j: name for name, j in names.items()}, close, volume


@pytest.mark.parametrize("d", [10, 60])
def test_hard_columns_match_exact_rationals(hard, d):
    """1e15 + noise (down to 8 ulps), 1e300, ±1.7e308, 1e-300 and jumps between them, on both paths."""
    names, close, volume = hard
    got = alphalang.compile(statistics_source(d), backend="numba").run({"close": close, "volume": volume})
    assert_accurate(got, close, volume, d, range(d - 1, len(close), 3), names)


@pytest.mark.parametrize("d", [10, 60])
def test_hard_columns_numba_equals_reference(hard, d):
    """Bitwise on the two-pass path (d <= DIRECT_MAX); within 2e-9 of each output's scale otherwise."""
    _, close, volume = hard
    source = statistics_source(d)
    got = alphalang.compile(source, backend="numba").run({"close": close, "volume": volume})
    want = alphalang.compile(source, backend="reference").run({"close": close, "volume": volume})
    for name in STATISTICS:
        if d <= DIRECT_MAX:
            np.testing.assert_array_equal(got[name], want[name], err_msg=name)
        else:
            both = np.isfinite(want[name])
            np.testing.assert_array_equal(np.isfinite(got[name]), both, err_msg=name)
            np.testing.assert_array_equal(got[name][~both], want[name][~both], err_msg=name)
            scale = np.abs(want[name][both]).max()
            np.testing.assert_allclose(got[name][both], want[name][both], rtol=2 * RTOL, atol=2 * RTOL * scale,
                                       err_msg=name)
