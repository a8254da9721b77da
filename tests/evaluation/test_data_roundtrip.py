"""Round trips long <-> wide <-> parquet <-> xarray keep values, dates, assets and NaN (and results)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.data import Panel, read_parquet, write_parquet

xr = pytest.importorskip("xarray")
from alphalang.data.xarray_io import panel_from_xarray, panel_to_xarray, results_from_xarray  # noqa: E402


def _panel(dates, assets, seed=0) -> Panel:
    rng = np.random.default_rng(seed)
    shape = (len(dates), len(assets))
    close = rng.lognormal(3, 0.3, shape)
    close[rng.random(shape) < 0.15] = np.nan
    close[:, 1] = np.nan  # an asset with no data at all
    volume = rng.integers(0, 1000, shape).astype(float)
    volume[0] = np.nan
    return Panel({"close": close, "volume": volume}, groups={"sector": np.arange(shape[1]) % 3},
                 dates=dates, assets=assets)


def _same(a: Panel, b: Panel) -> None:
    assert sorted(a.fields) == sorted(b.fields)
    for name in a.fields:
        np.testing.assert_array_equal(a.field(name), b.field(name))  # NaN compares equal here
    assert list(a.dates) == list(b.dates)
    assert list(a.assets) == list(b.assets)
    for level in a.groups:
        np.testing.assert_array_equal(a.group(level), b.group(level))


CASES = [
    (pd.bdate_range("2020-01-01", periods=15), [f"S{i:02d}" for i in range(6)]),
    (pd.Index(np.arange(20100101, 20100113)), [101, 205, 307, 409]),
]


@pytest.mark.parametrize("dates, assets", CASES)
def test_long_wide_parquet_xarray_chain(tmp_path, dates, assets):
    original = _panel(dates, assets)
    long = original.to_long(include_groups=True)
    step1 = Panel.from_long(long, groups=["sector"])
    _same(original, step1)
    wide = {name: step1.to_wide(name) for name in step1.fields}
    step2 = Panel.from_wide(wide, groups={"sector": pd.Series(step1.group("sector")[0], index=step1.assets)})
    _same(original, step2)
    path = tmp_path / "p.parquet"
    write_parquet(step2, path)
    step3 = read_parquet(path)
    _same(original, step3)
    ds = panel_to_xarray(step3)
    assert ds["close"].dims == ("date", "asset")
    step4 = panel_from_xarray(ds)
    _same(original, step4)
    # and through netCDF-like serialisation of the Dataset itself
    again = panel_from_xarray(xr.Dataset.from_dict(ds.to_dict()))
    _same(original, again)


def test_results_round_trip_through_xarray():
    panel = alphalang.demo_panel(30, 5)
    results = alphalang.compile("mom = rank(delta(close, 5))\nvol = ts_std(returns, 10)").run(panel)
    ds = panel_to_xarray(panel, results)
    assert ds["mom"].attrs["alphalang"] == "result" and ds["sector"].attrs["alphalang"] == "group"
    back = results_from_xarray(ds)
    for name, values in results.items():
        np.testing.assert_array_equal(back[name], values)
    assert "mom" not in panel_from_xarray(ds).fields
    assert "mom" in panel_from_xarray(ds, include_results=True).fields
    long = panel.to_long(results)  # results as a long frame with a (date, asset) MultiIndex
    np.testing.assert_array_equal(long["vol"].unstack().to_numpy(), results["vol"])


def test_xarray_input_in_another_layout():
    panel = alphalang.demo_panel(12, 4)
    ds = panel_to_xarray(panel).rename({"date": "time", "asset": "symbol"}).transpose("symbol", "time")
    back = panel_from_xarray(ds, fields=["close", "volume"])
    np.testing.assert_array_equal(back.field("close"), panel.field("close"))
    assert sorted(back.fields) == ["close", "volume"]
    one = panel_from_xarray(ds["close"])  # a named DataArray is one field
    assert list(one.fields) == ["close"]


def test_xarray_errors():
    panel = alphalang.demo_panel(5, 2)
    with pytest.raises(alphalang.AlphaDataError, match="clashes"):
        panel_to_xarray(panel, {"close": panel.field("close")})
    bad = xr.Dataset({"x": (("a", "b"), np.zeros((2, 2)))})
    with pytest.raises(alphalang.AlphaDataError, match="which dimension"):
        panel_from_xarray(bad)
    with pytest.raises(alphalang.AlphaDataError, match="needs a name"):
        panel_from_xarray(xr.DataArray(np.zeros((2, 2)), dims=("date", "asset")))
