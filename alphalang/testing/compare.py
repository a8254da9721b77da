"""Array comparison for backend and oracle tests: NaN and ±inf must sit in the same cells; finite values
must agree within ``atol + rtol * |expected|`` (``atol`` may be an array, e.g. scaled by the data).

Example:
    >>> import numpy as np
    >>> assert_matches(np.array([1.0, np.nan, np.inf]), np.array([1.0 + 1e-12, np.nan, np.inf]))
"""

from __future__ import annotations

import numpy as np

__all__ = ["assert_matches"]


def assert_matches(actual, expected, atol=0.0, rtol: float = 1e-9, what: str = "") -> None:
    """Raise ``AssertionError`` (naming the first differing cell) unless ``actual`` matches ``expected``."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    bad = np.isnan(actual) != np.isnan(expected)
    where = np.argwhere(bad)[:5].tolist()
    assert not bad.any(), f"{what}: NaN mismatch at {where}\nactual={actual}\nexpected={expected}"
    inf_a, inf_e = np.isinf(actual), np.isinf(expected)
    bad = (inf_a | inf_e) & ~((actual == expected) & inf_a)
    where = np.argwhere(bad)[:5].tolist()
    assert not bad.any(), f"{what}: inf mismatch at {where}\nactual={actual}\nexpected={expected}"
    atol = np.broadcast_to(np.asarray(atol, dtype=np.float64), expected.shape)
    with np.errstate(all="ignore"):
        err = np.abs(actual - expected)
        lim = atol + rtol * np.abs(expected)
    bad = np.isfinite(expected) & ~(err <= lim)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} values differ; first at {idx}: actual={actual[idx]!r} "
                             f"expected={expected[idx]!r} err={err[idx]:.3g} allowed={lim[idx]:.3g}")
