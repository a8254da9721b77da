"""The shared strategies (``alphalang.testing``) produce what they promise."""

from __future__ import annotations

import re
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alphalang
from alphalang.ops import callable_ops
from alphalang.syntax import parse_expr, to_text
from alphalang.testing import FIELDS, asts, expressions, panels, series_arrays


@settings(max_examples=60, deadline=None)
@given(series_arrays())
def test_series_arrays_are_small_float64_panels(x: np.ndarray) -> None:
    assert x.dtype == np.float64 and x.ndim == 2
    assert 1 <= x.shape[0] <= 40 and 1 <= x.shape[1] <= 8


@settings(max_examples=30, deadline=None)
@given(panels())
def test_panels_have_all_fields_and_groups(panel) -> None:
    assert set(panel.fields) == set(FIELDS)
    assert set(panel.groups) == {"sector", "industry"}
    for level in panel.groups:
        assert panel.group(level).shape == panel.shape


def test_series_arrays_are_nasty_in_aggregate() -> None:
    """Across draws: NaN runs, ±inf, exact ties, flat windows, 1e8 offsets and tiny values all occur."""
    seen = {k: False for k in ("nan", "posinf", "neginf", "tie", "flat", "offset", "tiny", "negative")}

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(series_arrays())
    def collect(x):
        fin = x[np.isfinite(x)]
        seen["nan"] |= bool(np.isnan(x).any())
        seen["posinf"] |= bool(np.isposinf(x).any())
        seen["neginf"] |= bool(np.isneginf(x).any())
        seen["tie"] |= len(np.unique(fin)) < len(fin)
        seen["flat"] |= bool((x[1:] == x[:-1]).any())
        seen["offset"] |= bool((np.abs(fin) > 9e7).any())
        seen["tiny"] |= bool(((np.abs(fin) < 1e-8) & (fin != 0)).any())
        seen["negative"] |= bool((fin < 0).any())

    collect()
    assert all(seen.values()), seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(n_days=st.integers(1, 12), n_assets=st.integers(1, 4)), expressions(max_depth=3))
def test_expressions_compile_and_run_in_both_profiles(panel, text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning may escape the reference backend
        for profile in ("paper", "pandas-ref"):
            assert alphalang.evaluate(text, panel, profile=profile).shape == panel.shape


def test_expressions_reach_every_callable_operator() -> None:
    """Derived from the registry: every user-callable operator shows up (by name or alias); label-valued ones
    (bucket, densify) are no output and are drawn by tests/numba/test_numba_groups instead."""
    spellings = {spec.name: {spec.name, *spec.aliases} for spec in callable_ops() if not spec.labels}
    seen: set[str] = set()

    @settings(max_examples=6000, deadline=None, derandomize=True)  # ~190 operators: 2000 draws miss some
    @given(expressions(max_depth=3))
    def collect(text):
        seen.update(m.lower() for m in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\(", text))

    collect()
    missing = sorted(op for op, names in spellings.items() if not names & seen)
    assert not missing, missing


@settings(max_examples=300, deadline=None)
@given(asts())
def test_asts_round_trip_through_the_printer(tree) -> None:
    assert parse_expr(to_text(tree)) == tree
