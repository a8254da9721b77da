"""All 101 stdlib alphas: numba equals the reference on demo data."""

from __future__ import annotations

from nb_support import assert_matches

import alphalang


def test_wq101_matches_reference(wq101):
    numba_program, reference = wq101
    panel = alphalang.demo_panel(260, 40, seed=5)
    got = numba_program.run(panel)
    want = reference.run(panel)
    assert set(got) == set(want) and len(got) == 101
    assert_matches(got, want)
