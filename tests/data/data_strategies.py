"""Hypothesis strategies for small panels (NaN, ±inf, group levels, datetime or integer dates)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from alphalang.data import Panel

FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e12, max_value=1e12),
    st.just(np.nan),
    st.sampled_from([0.0, 1.0, -2.5, 1e-300, 123456789.125]),
)


@st.composite
def panels(draw, max_t: int = 6, max_n: int = 5, allow_inf: bool = False) -> Panel:
    t = draw(st.integers(1, max_t))
    n = draw(st.integers(1, max_n))
    elems = FLOATS if not allow_inf else st.one_of(FLOATS, st.sampled_from([np.inf, -np.inf]))
    choices = st.sampled_from(["close", "volume", "x_1", "ret"])
    names = draw(st.lists(choices, min_size=1, max_size=3, unique=True))
    fields = {k: np.array(draw(st.lists(elems, min_size=t * n, max_size=t * n))).reshape(t, n) for k in names}
    if draw(st.booleans()):
        start = draw(st.datetimes(min_value=pd.Timestamp("1990-01-01"), max_value=pd.Timestamp("2030-01-01")))
        freq = draw(st.sampled_from(["D", "B"]))
        dates = pd.date_range(pd.Timestamp(start).normalize(), periods=t, freq=freq)
    else:
        dates = pd.Index(np.cumsum(draw(st.lists(st.integers(1, 5), min_size=t, max_size=t))))
    if draw(st.booleans()):
        assets = pd.Index([f"A{i:03d}" for i in draw(st.permutations(range(n)))])
        assets = assets.sort_values()
    else:
        assets = pd.Index(np.arange(n) * 3 + 10)
    groups = {}
    if draw(st.booleans()):
        groups["sector"] = np.array(draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n)))
    if draw(st.booleans()):
        labels = draw(st.lists(st.integers(-1, 5), min_size=t * n, max_size=t * n))
        groups["industry"] = np.array(labels).reshape(t, n)
    return Panel(fields, groups=groups, dates=dates, assets=assets)


def assert_panels_equal(p: Panel, q: Panel, check_index_types: bool = True) -> None:
    """Same fields (values and NaN), same dates and assets, same (T, N)-broadcast group labels."""
    assert p.shape == q.shape, (p.shape, q.shape)
    assert list(p.dates) == list(q.dates), (p.dates, q.dates)
    assert list(p.assets) == list(q.assets), (p.assets, q.assets)
    if check_index_types:
        assert isinstance(p.dates, pd.DatetimeIndex) == isinstance(q.dates, pd.DatetimeIndex)
    assert set(p.fields) == set(q.fields), (set(p.fields), set(q.fields))
    for k in p.fields:
        assert np.array_equal(p.field(k), q.field(k), equal_nan=True), k
    assert set(p.groups) == set(q.groups), (set(p.groups), set(q.groups))
    for k in p.groups:
        assert np.array_equal(p.group(k), q.group(k)), k
