"""Test helpers shared by the project's test suites: hypothesis strategies for panels, arrays, formula text
and ASTs (see ``alphalang.testing.strategies``)."""

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

__all__ = ["ASSETS", "DAYS", "FIELDS", "GROUP_LEVELS", "REGIMES", "asts", "expressions", "group_labels", "numbers",
           "panels",
           "series_arrays"]
