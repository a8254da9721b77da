"""Hand alphalang results to alphalens-reloaded: the MultiIndex factor and wide prices it wants.

``alphalens_inputs`` needs only pandas; ``to_alphalens`` also runs alphalens' own cleaning
(``get_clean_factor_and_forward_returns``) and so needs ``pip install alphalens-reloaded``.

Warm-up rows and missing cells are dropped from the factor before alphalens sees it, so its ``max_loss``
check only counts what alphalens itself drops (the last ``max(periods)`` dates, which have no forward return).

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(60, 5)
    >>> factor, prices = alphalens_inputs(alphalang.evaluate("rank(delta(close, 5))", panel), panel)
    >>> factor.index.names, factor.index.get_level_values("date").min() == panel.dates[5]
    (FrozenList(['date', 'asset']), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError

__all__ = ["alphalens_inputs", "to_alphalens"]


def _wide_prices(prices: Any, price_field: str) -> pd.DataFrame:
    from alphalang.data import Panel

    if isinstance(prices, Panel):
        return prices.to_wide(price_field)
    if isinstance(prices, pd.DataFrame):
        return prices
    raise AlphaDataError(f"prices must be a Panel or a wide DataFrame (dates x assets), got {type(prices).__name__}")


def alphalens_inputs(result: Any, prices: Any, *, price_field: str = "close") -> tuple[pd.Series, pd.DataFrame]:
    """``(factor, prices)`` in alphalens' layout: a finite factor Series indexed by (date, asset), wide prices.

    Args:
        result: a (T, N) array aligned with ``prices``, a wide DataFrame (dates x assets), or a Series indexed
            by (date, asset).
        prices: a ``Panel`` (its ``price_field``) or a wide price DataFrame.
    """
    wide = _wide_prices(prices, price_field)
    if isinstance(result, pd.Series):
        factor = result.copy()
    else:
        if isinstance(result, np.ndarray):
            if result.shape != wide.shape:
                raise AlphaDataError(f"result has shape {result.shape} but the prices are {wide.shape}",
                                     hint="pass a result computed on the same panel, or a labelled DataFrame")
            result = pd.DataFrame(result, index=wide.index, columns=wide.columns)
        if not isinstance(result, pd.DataFrame):
            raise AlphaDataError(f"result must be an array, a wide DataFrame or a (date, asset) Series, "
                                 f"got {type(result).__name__}")
        index = pd.MultiIndex.from_product([result.index, result.columns])
        factor = pd.Series(result.to_numpy(dtype=np.float64, na_value=np.nan).ravel(), index=index)
    if factor.index.nlevels != 2:
        raise AlphaDataError("the factor needs a (date, asset) index")
    factor.index = factor.index.set_names(["date", "asset"])
    factor = factor.astype(np.float64)
    factor = factor[np.isfinite(factor.to_numpy())]
    factor.name = "factor"
    if not isinstance(wide.index, pd.DatetimeIndex):
        raise AlphaDataError("alphalens needs datetime dates", hint="build the panel with datetime dates")
    return factor, wide


def to_alphalens(result: Any, prices: Any, *, periods: Sequence[int] = (1, 5, 10), quantiles: int = 5,
                 price_field: str = "close", **kwargs: Any) -> pd.DataFrame:
    """alphalens' ``factor_data`` (forward returns, factor, factor_quantile) ready for its tear sheets.

    Extra keyword arguments go to ``alphalens.utils.get_clean_factor_and_forward_returns``.

    Example:
        >>> import alphalens                                   # doctest: +SKIP
        >>> data = to_alphalens(results["mom"], panel)          # doctest: +SKIP
        >>> alphalens.tears.create_full_tear_sheet(data)        # doctest: +SKIP
    """
    try:
        from alphalens.utils import get_clean_factor_and_forward_returns
    except ImportError:
        raise AlphaDataError("to_alphalens needs alphalens-reloaded",
                             hint="pip install alphalens-reloaded (or use alphalens_inputs for the raw data)") from None
    factor, wide = alphalens_inputs(result, prices, price_field=price_field)
    return get_clean_factor_and_forward_returns(factor, wide, periods=tuple(periods), quantiles=quantiles, **kwargs)
