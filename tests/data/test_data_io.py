"""Parquet and CSV readers/writers: round trips, projection, date filters, dispatch and errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from data_strategies import assert_panels_equal, panels
from hypothesis import given, settings

from alphalang.data import Panel, demo_panel, io, load_panel, read_csv, read_parquet, write_csv, write_parquet
from alphalang.errors import AlphaDataError


@pytest.fixture(scope="module")
def demo() -> Panel:
    return demo_panel(40, 6, seed=3)


@settings(max_examples=25, deadline=None)
@given(panels(allow_inf=True))
def test_parquet_roundtrip(p):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.parquet"
        write_parquet(p, path)
        assert_panels_equal(p, read_parquet(path))


@settings(max_examples=25, deadline=None)
@given(panels(allow_inf=True))
def test_csv_roundtrip(p):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.csv"
        write_csv(p, path)
        q = read_csv(path, groups=list(p.groups))
        assert_panels_equal(p, q)


def test_demo_roundtrip_all_formats(demo, tmp_path):
    write_parquet(demo, tmp_path / "d.parquet")
    write_csv(demo, tmp_path / "d.csv")
    assert_panels_equal(demo, load_panel(tmp_path / "d.parquet"))
    q = load_panel(tmp_path / "d.csv")  # sector/industry/subindustry detected by name
    assert_panels_equal(demo, q)
    assert isinstance(q.dates, pd.DatetimeIndex)


def test_parquet_projection_and_date_filter(demo, tmp_path, monkeypatch):
    path = tmp_path / "d.parquet"
    write_parquet(demo, path)
    seen = []
    real_scan = io._scan

    def spy(dataset, columns, filter):
        seen.append((list(columns), filter))
        return real_scan(dataset, columns, filter)

    monkeypatch.setattr(io, "_scan", spy)
    start, end = demo.dates[5], demo.dates[14]
    p = read_parquet(path, fields=["Close", "volume"], start=str(start.date()), end=end, groups=["sector"])
    (columns, filt), = seen
    assert columns == ["date", "asset", "close", "volume", "sector"]
    assert filt is not None and "date" in str(filt)
    assert set(p.fields) == {"close", "volume"} and set(p.groups) == {"sector"}
    assert p.dates.equals(demo.dates[5:15]) and p.assets.equals(demo.assets)
    assert np.array_equal(p.field("close"), demo.field("close")[5:15], equal_nan=True)
    assert np.array_equal(p.group("sector"), demo.group("sector")[5:15])


def test_parquet_directory_and_hive_partitions(demo, tmp_path):
    root = tmp_path / "hive"
    write_parquet(demo, root, partition_by="year")
    assert any(child.name.startswith("year=") for child in root.iterdir())
    p = read_parquet(root)  # the partition key 'year' is not a field
    assert_panels_equal(demo, p)
    q = load_panel(root, fields=["close"], start=demo.dates[10])
    assert q.dates.equals(demo.dates[10:]) and set(q.fields) == {"close"}

    plain = tmp_path / "plain"
    plain.mkdir()
    long = demo.to_long(include_groups=True).reset_index()
    half = len(long) // 2
    pq.write_table(pa.Table.from_pandas(long.iloc[:half], preserve_index=False), plain / "a.parquet")
    pq.write_table(pa.Table.from_pandas(long.iloc[half:], preserve_index=False), plain / "b.parquet")
    assert_panels_equal(demo, read_parquet(plain))


def test_parquet_string_dates_and_custom_columns(tmp_path):
    df = pd.DataFrame(
        {
            "Day": ["2020-01-03", "2020-01-02", "2020-01-03", "2020-01-02"],
            "ticker": ["X", "X", "Y", "Y"],
            "px": [2.0, 1.0, 4.0, 3.0],
            "label": ["a", "b", "c", "d"],
        }
    )
    path = tmp_path / "s.parquet"
    write_parquet(df, path)
    p = read_parquet(path, date="Day", asset="ticker", end="2020-01-02")
    assert isinstance(p.dates, pd.DatetimeIndex) and list(p.dates) == [pd.Timestamp("2020-01-02")]
    assert set(p.fields) == {"px"} and p.field("px").tolist() == [[1.0, 3.0]]


def test_csv_filter_and_projection(demo, tmp_path):
    path = tmp_path / "d.csv"
    write_csv(demo, path)
    p = read_csv(path, fields=["vwap"], start=demo.dates[3], end=demo.dates[7], groups=[])
    assert set(p.fields) == {"vwap"} and p.groups == {} and p.dates.equals(demo.dates[3:8])
    assert np.allclose(p.field("vwap"), demo.field("vwap")[3:8], equal_nan=True, rtol=1e-15, atol=0)


def test_write_multiindex_frame(tmp_path):
    df = pd.DataFrame(
        {"close": [1.0, 2.0]}, index=pd.MultiIndex.from_tuples([(1, "a"), (1, "b")], names=["date", "asset"])
    )
    write_parquet(df, tmp_path / "m.parquet")
    assert read_parquet(tmp_path / "m.parquet").field("close").tolist() == [[1.0, 2.0]]


def test_io_errors(demo, tmp_path):
    with pytest.raises(AlphaDataError, match="does not exist"):
        load_panel(tmp_path / "nope.parquet")
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(AlphaDataError, match="cannot tell the format") as exc:
        load_panel(tmp_path / "x.txt")
    assert ".parquet" in str(exc.value) and ".csv" in str(exc.value)
    path = tmp_path / "d.parquet"
    write_parquet(demo, path)
    with pytest.raises(AlphaDataError, match="(?s)no field column 'clsoe'.*did you mean 'close'"):
        read_parquet(path, fields=["clsoe"])
    with pytest.raises(AlphaDataError, match="no group column 'country'"):
        read_parquet(path, groups=["country"])
    with pytest.raises(AlphaDataError, match="no date column 'day'"):
        read_parquet(path, date="day")
    with pytest.raises(AlphaDataError, match="cannot read start="):
        read_parquet(path, start="not a date")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(AlphaDataError, match="cannot read"):
        read_parquet(tmp_path / "bad.parquet")
    csv = tmp_path / "d.csv"
    write_csv(demo, csv)
    with pytest.raises(AlphaDataError, match="no asset column 'ticker'"):
        read_csv(csv, asset="ticker")
    dup = pd.concat([demo.to_long().reset_index()] * 2)
    write_parquet(dup, tmp_path / "dup.parquet")
    with pytest.raises(AlphaDataError, match="duplicate rows for date 2015-01-02"):
        read_parquet(tmp_path / "dup.parquet")
    with pytest.raises(AlphaDataError, match="Panel or a DataFrame"):
        write_parquet([1, 2], tmp_path / "z.parquet")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "dates, start, end, expected",
    [
        (pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06"]).date, "2020-01-03", None, 2),  # date32
        (pd.date_range("2020-01-02", periods=3, tz="US/Eastern"), "2020-01-03", "2020-01-03", 1),  # tz-aware
        ([20200102, 20200103, 20200106], 20200103, None, 2),  # yyyymmdd integers
        ([20200102, 20200103, 20200106], None, "20200103", 2),
    ],
)
def test_parquet_date_filter_types(tmp_path, dates, start, end, expected):
    df = pd.DataFrame({"date": dates, "asset": "A", "x": [1.0, 2.0, 3.0]})
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    p = read_parquet(path, start=start, end=end)
    assert p.n_dates == expected
    assert p.field("x")[:, 0].tolist() == ([2.0, 3.0] if start is not None else [1.0, 2.0])[:expected]
