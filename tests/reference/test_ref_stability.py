"""Accuracy of the reference backend's window statistics against exact rationals (``alphalang.testing.exact``:
``fractions`` arithmetic on the same float inputs, rounded once).

Target (docs/kernels.md, "Accuracy"): normwise relative error <= 1e-9 for every statistic on offsets of 1e15
with noise from 1e-3 of the level down to a few ulps, and finite, correct values (±inf / 0 only where the true
value itself over- or underflows) for magnitudes near 1e300, near the largest float and near 1e-300.
"""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.testing.exact import hard_columns, statistics_source, window_errors

RTOL = 1e-9


def assert_accurate(results: dict, close: np.ndarray, volume: np.ndarray, d: int, rows) -> None:
    names = {j: name for name, j in hard_columns()[0].items()}
    bad = [e for e in window_errors(results, close, volume, d, rows) if not e[-1] <= RTOL]
    detail = "\n".join(f"{s} row {t} [{names[j]}]: got {g!r}, exact {w!r} (error/scale {r:.3g})"
                       for s, t, j, g, w, r in bad[:20])
    assert not bad, f"{len(bad)} cells off:\n{detail}"


@pytest.mark.parametrize("d", [10, 60])
def test_reference_window_statistics_match_exact_rationals(d):
    _, close, volume = hard_columns()
    results = alphalang.compile(statistics_source(d), backend="reference").run({"close": close, "volume": volume})
    assert_accurate(results, close, volume, d, range(d - 1, len(close), 3))


def test_std_near_1e300_is_finite_and_exact():
    """The issue's example: values near 1e300 have a representable spread; their variance (~1e599) is not."""
    x = np.array([[1e300], [1.5e300], [2e300], [1.25e300]])
    ref = alphalang.compile("s = ts_std(close, 4)\nv = ts_var(close, 4)", backend="reference").run({"close": x})
    assert ref["s"][-1, 0] == pytest.approx(np.std([1.0, 1.5, 2.0, 1.25], ddof=1) * 1e300, rel=1e-15)
    assert ref["v"][-1, 0] == np.inf
