"""Shared helpers for the strategy tests: the QuantAMM reference fixtures and tolerance checks."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

import alphalang.strategy  # noqa: F401  (enables float64 before any jax array is made)

DATA = Path(__file__).parent / "data"
RTOL = 1e-9


@cache
def ref() -> dict[str, np.ndarray]:
    with np.load(DATA / "quantamm_reference.npz") as z:
        return {k: z[k] for k in z.files}


@cache
def summary() -> dict:
    return json.loads((DATA / "quantamm_summary.json").read_text())


def minute_prices() -> np.ndarray:
    return np.repeat(ref()["prices"], 60, axis=0)


def assert_rel(actual, expected, rtol: float = RTOL, scale_atol: float = 1e-13) -> None:
    """Relative error <= rtol elementwise; entries that are exactly ~0 in the reference are compared with an
    absolute tolerance of scale_atol times the array's largest magnitude."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    atol = scale_atol * float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
