"""Hypothesis profiles for the whole suite.

``ci`` (the default) is derandomised: every run explores the same examples, so a red CI is reproducible and a
green one is not luck. ``explore`` draws fresh random examples on every run and is how new bugs are hunted:

    python -m pytest --hypothesis-profile=explore tests/test_fuzz.py tests/reference/test_ref_strategies.py

Bugs found while exploring become explicit regression tests (see ``tests/test_regressions.py``).
"""

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile("ci")
