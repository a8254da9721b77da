"""The clean-up reference against its oracles where the registry-wide property test cannot reach: every
quantile driver (that test draws string options at their default) and dates built to be awkward (all equal, a
single finite value, one regime across the whole date)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ref_oracles import ORACLES, RTOL, assert_matches

from alphalang.backend.reference import cleanup
from alphalang.testing.strategies import REGIMES, series_arrays

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dates(draw) -> np.ndarray:
    """(T, N) values whose dates mix or share regimes, some dates all equal, some with one finite value."""
    t, n = draw(st.integers(1, 10)), draw(st.integers(1, 9))
    regimes = draw(st.sampled_from([REGIMES, ("offset",), ("integers",), ("tiny", "normal")]))
    x = draw(series_arrays(t, n, regimes=regimes)).copy()
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    for r in range(t):
        kind = rng.integers(0, 6)
        if kind == 0:
            x[r] = x[r, 0]
        elif kind == 1:
            x[r, rng.permutation(n)[1:]] = np.nan
    return x


@pytest.mark.parametrize("driver", cleanup.DRIVERS)
@SETTINGS
@given(x=dates())
def test_quantile_matches_scipy_for_every_driver(driver: str, x: np.ndarray) -> None:
    for sigma in (1.0, 0.3):
        expected, atol = ORACLES["quantile"]["scipy.stats ppf"](x, driver, sigma)
        assert_matches(cleanup.quantile(x, driver, sigma), expected, atol, RTOL, what=f"quantile {driver}")


@pytest.mark.parametrize(("op", "statics"), [("winsorize", (1.0,)), ("normalize", (1.0, 1.5)),
                                             ("truncate", (0.2,)), ("scale_down", (0.5,)), ("cs_std", ()),
                                             ("cs_median", ()), ("regression_neut", ()), ("vector_neut", ())])
@SETTINGS
@given(x=dates(), y=dates())
def test_awkward_dates_match_the_oracles(op: str, statics: tuple, x: np.ndarray, y: np.ndarray) -> None:
    args = (x, np.resize(y, x.shape)) if op.endswith("_neut") else (x,)
    for label, oracle in ORACLES[op].items():
        expected, atol = oracle(*args, *statics)
        assert_matches(getattr(cleanup, op)(*args, *statics), expected, atol, RTOL, what=f"{op} vs {label}")
