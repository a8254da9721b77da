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
