"""Property: Panel(frames) places every cell by its (date, asset) labels, whatever the frames' order and extent.

The oracle is a dictionary of cells keyed by (date, asset), built from the frames with plain Python loops,
and the sorted union of labels computed with ``sorted(set(...))`` -- no pandas alignment involved.
"""

from __future__ import annotations

import numpy as np
from data_strategies import panels
from hypothesis import given, settings
from hypothesis import strategies as st

from alphalang.data import Panel


@st.composite
def shuffled_frames(draw):
    """Wide frames of a random panel, each with its rows and columns permuted and some of them dropped."""
    p = draw(panels(max_t=6, max_n=5))
    frames = {}
    for name, values in p.fields.items():
        frame = p.to_wide(values)
        rows = draw(st.permutations(range(p.n_dates)))[: draw(st.integers(1, p.n_dates))]
        cols = draw(st.permutations(range(p.n_assets)))[: draw(st.integers(1, p.n_assets))]
        frames[name] = frame.iloc[list(rows), list(cols)]
    return frames


@settings(max_examples=60, deadline=None)
@given(shuffled_frames())
def test_cells_are_placed_by_label(frames):
    p = Panel(frames)
    dates = sorted({d for f in frames.values() for d in f.index})
    assets = sorted({a for f in frames.values() for a in f.columns})
    assert list(p.dates) == dates and list(p.assets) == assets
    for name, frame in frames.items():
        cells = {(d, a): frame.values[i, j] for i, d in enumerate(frame.index) for j, a in enumerate(frame.columns)}
        expected = np.array([[cells.get((d, a), np.nan) for a in assets] for d in dates], dtype=float)
        assert np.array_equal(p.field(name), expected, equal_nan=True), name
