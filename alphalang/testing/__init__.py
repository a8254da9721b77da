"""Test helpers shared by the project's test suites: hypothesis strategies for panels, arrays, formula text
and ASTs (see ``alphalang.testing.strategies``), and ``assert_matches`` for NaN/inf-exact array comparison."""

from alphalang.testing.compare import assert_matches
from alphalang.testing.strategies import (
    ASSETS,
    DAYS,
    FIELDS,
    GROUP_LEVELS,
    REGIMES,
    asts,
    expressions,
    group_labels,
    numbers,
    panels,
    series_arrays,
)

__all__ = ["ASSETS", "DAYS", "FIELDS", "GROUP_LEVELS", "REGIMES", "assert_matches", "asts", "expressions",
           "group_labels", "numbers", "panels", "series_arrays"]
