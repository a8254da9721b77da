"""The tradable universe: a (T, N) boolean mask of the assets a book may hold on each row.

* ``None``: every asset on every row.
* ``int`` n: on each rebalance row r (0, k, 2k, ... for ``rebalance`` k) the n assets with the largest mean
  dollar volume (close x volume, missing values ignored) over rows ``max(0, r - 20) .. r - 1``; an asset with
  no dollar volume there is not eligible (so nothing is on row 0), ties go to the earlier asset; the choice
  holds until the next rebalance row, and a member also needs a finite close on each row.
* a field name: that field, which must hold 0/1 (NaN = not a member).

Example:
    >>> import numpy as np
    >>> from alphalang.data import Panel
    >>> p = Panel({"close": np.ones((4, 3)), "volume": [[1, 3, 2]] * 4})
    >>> universe_mask(p, 2, rebalance=2).astype(int).tolist()
    [[0, 0, 0], [0, 0, 0], [0, 1, 1], [0, 1, 1]]
"""

from __future__ import annotations

import numpy as np

from alphalang.data import Panel
from alphalang.errors import AlphaDataError

#: rows of dollar volume averaged before each rebalance row
ADV_WINDOW = 20


def universe_mask(panel: Panel, universe: int | str | None, rebalance: int = 20) -> np.ndarray:
    """The (T, N) bool membership mask (see the module doc)."""
    t, n = panel.shape
    if universe is None:
        return np.ones((t, n), dtype=bool)
    if isinstance(universe, str):
        return _field_mask(panel, universe)
    close = panel.field("close")
    dollar = close * panel.field("volume")
    rows = np.arange(0, t, rebalance)
    chosen = _top_liquid(dollar, rows, universe)  # (len(rows), N)
    mask = np.repeat(chosen, rebalance, axis=0)[:t]
    mask &= np.isfinite(close)
    return mask


def _top_liquid(dollar: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    """For each rebalance row, the ``size`` assets of largest mean dollar volume over the prior window."""
    n = dollar.shape[1]
    lags = np.arange(1, ADV_WINDOW + 1)
    back = rows[:, None] - lags[None, :]  # (R, W) rows before each rebalance row
    valid = back >= 0
    window = dollar[np.where(valid, back, 0)]  # (R, W, N)
    window[~valid] = np.nan
    finite = np.isfinite(window)
    count = finite.sum(axis=1)
    total = np.where(finite, window, 0.0).sum(axis=1)
    eligible = count > 0
    mean = np.where(eligible, total / np.maximum(count, 1), -np.inf)
    order = np.argsort(-mean, axis=1, kind="stable")  # stable: equal means keep the earlier asset first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[None, :].repeat(len(rows), axis=0), axis=1)
    return (rank < size) & eligible


def _field_mask(panel: Panel, name: str) -> np.ndarray:
    values = panel.field(name)
    ok = np.isnan(values) | (values == 0) | (values == 1)
    if not ok.all():
        r, c = map(int, np.argwhere(~ok)[0])
        raise AlphaDataError(
            f"universe field '{name}' must hold 0, 1 or NaN; it holds {values[r, c]!r} on row {r}, asset {c}",
            hint="pass a boolean membership field, or universe=N for the N most liquid assets")
    return values == 1
