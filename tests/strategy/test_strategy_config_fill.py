"""Price cleaning in strategy configs never looks ahead."""

from __future__ import annotations

import numpy as np
import pytest

from alphalang.errors import AlphaDataError
from alphalang.strategy.config import _fill_prices


def test_prices_are_forward_filled_and_leading_gaps_trimmed_not_back_filled():
    prices = np.array([[np.nan, 1.0], [2.0, np.nan], [np.nan, 3.0], [4.0, 5.0]])
    out, first = _fill_prices(prices, "cfg")
    assert first == 1
    np.testing.assert_array_equal(out, [[2.0, 1.0], [2.0, 3.0], [4.0, 5.0]])


def test_an_asset_without_prices_is_an_error():
    with pytest.raises(AlphaDataError, match="no date has a finite price"):
        _fill_prices(np.array([[np.nan, 1.0], [np.nan, 2.0]]), "cfg")
