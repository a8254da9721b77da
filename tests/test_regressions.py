"""Bugs found by random exploration (``--hypothesis-profile=explore``), pinned as explicit cases."""

from __future__ import annotations

import numpy as np
import pytest

import alphalang
from alphalang.ir import Graph


@pytest.mark.parametrize("text, expected", [
    ("log(0)", -np.inf),   # folds to -inf: node descriptions once crashed converting it to int
    ("log(-1)", np.nan),   # folds to NaN: same crash
    ("-log(0)", np.inf),
])
def test_non_finite_folded_constants_compile_in_both_backends(text: str, expected: float) -> None:
    panel = alphalang.demo_panel(6, 3, seed=0)
    for backend in ("reference", "numba"):
        out = alphalang.evaluate(text, panel, backend=backend)
        np.testing.assert_array_equal(np.asarray(out), np.full(panel.shape, expected))


def test_descriptions_of_non_finite_constants() -> None:
    graph = Graph()
    const = [graph.add("const", (), (value,), "scalar") for value in (float("nan"), float("-inf"), 2.0)]
    assert [graph.describe(c) for c in const] == ["nan", "-1e999", "2"]


def test_zscores_of_tiny_and_huge_rows_do_not_underflow_or_overflow():
    """Squared deviations of 1e-182 underflow to 0 and of 1e300 overflow: the z-scores (scale-invariant) must
    still equal scipy's on the same rows scaled to ordinary magnitudes."""
    import scipy.stats

    import alphalang

    rows = np.array([[0.0, 4.9e-182, 1e-182, 3e-182], [1e300, -1e300, 0.0, 5e299], [1.0, 2.0, 3.0, 7.0]])
    ordinary = rows / np.array([[1e-182], [1e300], [1.0]])
    expected = scipy.stats.zscore(ordinary, axis=1)
    panel = alphalang.Panel({"x": rows}, groups={"one": np.zeros(4, dtype=np.int64)})
    for backend in ("reference", "numba"):
        for text in ("cs_zscore(x)", "group_zscore(x, IndClass.one)"):
            np.testing.assert_allclose(alphalang.evaluate(text, panel, backend=backend), expected, rtol=1e-12,
                                       err_msg=f"{text} on {backend}")
