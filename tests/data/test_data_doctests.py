"""The data layer's docstring examples run (they document the data contract)."""

from __future__ import annotations

import doctest

import pytest

from alphalang.data import columns, io, labels, panel, xarray_io


@pytest.mark.parametrize("module", [columns, io, labels, panel, xarray_io], ids=lambda m: m.__name__)
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
