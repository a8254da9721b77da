"""Every registry operator's reference implementation against its independent oracles, on nasty
hypothesis-generated data (``alphalang.testing`` strategies)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ref_oracles import ORACLES, RTOL, assert_matches

from alphalang.ops import REGISTRY
from alphalang.ops.spec import ArgKind, ResultKind
from alphalang.testing import group_labels, series_arrays

CASES = [(op, label) for op in sorted(ORACLES) for label in sorted(ORACLES[op])]
_SCALARS = st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.5, 3.0, np.nan, np.inf, -np.inf, 1e8, 1e-9])


@st.composite
def arguments(draw, op: str) -> tuple:
    """Arguments for ``REGISTRY[op].reference`` from its parameter kinds (statics last)."""
    spec = REGISTRY[op]
    t = draw(st.integers(1, 30))
    n = draw(st.integers(1, 6))
    series, statics = [], []
    for p in spec.params:
        if p.kind is ArgKind.SERIES:
            if spec.result is ResultKind.ELEMENTWISE and series and draw(st.integers(0, 3)) == 0:
                series.append(draw(_SCALARS))  # a folded constant operand
            else:
                series.append(draw(series_arrays(t, n)))
        elif p.kind is ArgKind.GROUP:
            series.append(draw(group_labels(t, n)))
        elif p.kind is ArgKind.WINDOW:
            statics.append(draw(st.integers(1, 7)))
        elif p.kind is ArgKind.LAG:
            statics.append(draw(st.integers(0, 5)))
        elif p.kind in (ArgKind.TEXT, ArgKind.CHOICE):  # a string option: its default
            statics.append(p.default)
        elif p.positive:
            statics.append(draw(st.sampled_from([0.25, 0.5, 1.0, 2.5, 10.0])))
        else:
            statics.append(p.nearest(draw(st.sampled_from([1.0, 2.0, 0.5, -1.0, 0.0]))))
    return (*series, *statics)


@pytest.mark.parametrize(("op", "label"), CASES, ids=[f"{op}-{label}" for op, label in CASES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reference_matches_oracle(op: str, label: str, data) -> None:
    args = data.draw(arguments(op), label="args")
    oracle = ORACLES[op][label]
    actual = REGISTRY[op].reference(*args)
    expected, atol = oracle(*args)
    assert_matches(actual, expected, atol, getattr(oracle, "rtol", RTOL), what=f"{op} vs {label}")
