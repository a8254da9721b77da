"""A corpus of bad and labelled data inputs (issue 8, items 1-3 and the data part of 11).

Each case pins the exact error class and a message fragment (and the exit code for CLI cases); the
alignment cases check the aligned values against an independent oracle: pandas ``reindex`` written here,
or a hand-worked table.
"""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import alphalang
from alphalang.cli import main
from alphalang.data import Panel, load_panel, read_csv, read_parquet, write_parquet
from alphalang.errors import AlphaDataError

SP500 = Path(__file__).resolve().parents[3] / "shared" / "data" / "sp500"
D = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])


def _close() -> pd.DataFrame:
    return pd.DataFrame({"A": [1.0, 2.0, 3.0, 4.0], "B": [10.0, 20.0, 30.0, 40.0], "C": [5.0, 6.0, 7.0, 8.0]},
                        index=D)


def _oracle(frame: pd.DataFrame, dates, assets) -> np.ndarray:
    """The independent oracle: pandas' own label reindex."""
    return frame.reindex(index=dates, columns=assets).to_numpy(dtype=float)


# -- 1. labels: every entry point aligns pandas frames on their labels ------------------------------------
def test_columns_in_another_order_are_aligned_by_label():
    close = _close()
    volume = close[["C", "A", "B"]] * 100  # same labels, another column order
    p = Panel({"close": close, "volume": volume})
    assert list(p.assets) == ["A", "B", "C"] and p.dates.equals(D)
    # hand-worked: volume of asset A on 2020-01-03 is 2.0 * 100
    assert p.field("volume")[1, 0] == 200.0 and p.field("volume")[3, 2] == 800.0
    assert np.array_equal(p.field("volume"), _oracle(volume, D, ["A", "B", "C"]))


def test_different_date_indexes_give_the_sorted_union_with_nan():
    close = _close()
    volume = pd.DataFrame({"B": [7.0, 9.0], "D": [1.0, 2.0]}, index=pd.to_datetime(["2020-01-08", "2020-01-03"]))
    p = Panel({"close": close, "volume": volume})
    dates = D.union(volume.index)  # sorted union, computed by pandas
    assets = ["A", "B", "C", "D"]
    assert p.dates.equals(dates) and list(p.assets) == assets
    assert np.array_equal(p.field("close"), _oracle(close, dates, assets), equal_nan=True)
    assert np.array_equal(p.field("volume"), _oracle(volume, dates, assets), equal_nan=True)
    # hand-worked cells: volume of B on 2020-01-08 is 7; close of D is missing everywhere
    assert p.field("volume")[4, 1] == 7.0 and np.isnan(p.field("close")[:, 3]).all()
    assert isinstance(p.dates, pd.DatetimeIndex)


def test_reversed_dates_are_sorted_with_their_rows():
    close = _close().iloc[::-1]
    p = Panel({"close": close})
    assert p.dates.equals(D)
    assert p.field("close")[:, 0].tolist() == [1.0, 2.0, 3.0, 4.0]  # hand-worked: oldest first
    r = alphalang.evaluate("delta(close, 1)", {"close": close}, backend="reference")
    assert r[1:, 0].tolist() == [1.0, 1.0, 1.0]  # would be -1 if the reversed rows were kept


def test_duplicate_dates_in_one_frame_are_an_error():
    close = _close()
    bad = pd.concat([close, close.iloc[[1]]])
    with pytest.raises(AlphaDataError, match="field 'close' has duplicate date 2020-01-03"):
        Panel({"close": bad})
    with pytest.raises(AlphaDataError, match="field 'volume' has duplicate asset column 'A'"):
        Panel({"close": close, "volume": pd.concat([close, close[["A"]]], axis=1)})


def test_group_series_in_another_order_is_reindexed_by_asset():
    close = _close()
    sector = pd.Series({"C": 7, "A": 5, "Z": 9})  # another order, an extra asset, B missing
    p = Panel({"close": close}, groups={"sector": sector})
    # hand-worked: A -> 5, B -> no group (-1), C -> 7; Z is not an asset of the panel
    assert p.groups["sector"].tolist() == [5, -1, 7]


def test_group_series_sharing_no_label_is_an_error():
    with pytest.raises(AlphaDataError, match="group level 'sector' shares no label with the assets"):
        Panel({"close": _close()}, groups={"sector": pd.Series([1, 2, 3])})


def test_time_varying_group_frame_is_reindexed():
    close = _close()
    sector = pd.DataFrame({"B": [1, 2], "A": [3, 4]}, index=D[[3, 0]])
    p = Panel({"close": close}, groups={"sector": sector})
    expected = sector.reindex(index=D, columns=["A", "B", "C"]).fillna(-1).astype(np.int64).to_numpy()
    assert np.array_equal(p.groups["sector"], expected)
    assert p.groups["sector"][0].tolist() == [4, 2, -1]  # hand-worked: row of 2020-01-02


def test_ndarray_mixed_with_frames_must_match_the_aligned_shape():
    close = _close()
    p = Panel({"close": close, "ones": np.ones((4, 3))})
    assert p.field("ones").shape == (4, 3)
    other = pd.DataFrame({"D": [1.0]}, index=D[:1])
    with pytest.raises(AlphaDataError, match=r"field 'ones' is an array of shape \(4, 3\) but the labelled "
                                             r"fields align to \(4, 4\)"):
        Panel({"close": close, "volume": other, "ones": np.ones((4, 3))})


def test_with_fields_aligns_a_frame_on_the_panel_labels():
    close = _close()
    p = Panel({"close": close}, groups={"sector": pd.Series({"A": 1, "B": 2, "C": 3})})
    volume = close[["B", "C", "A"]].iloc[::-1] * 10
    q = p.with_fields(volume=volume)
    assert np.array_equal(q.field("volume"), _oracle(volume, D, ["A", "B", "C"]))
    assert q.groups["sector"].tolist() == [1, 2, 3]
    extra = pd.DataFrame({"D": [1.0]}, index=D[:1])  # a new asset: the union grows, groups get -1
    r = p.with_fields(extra=extra)
    assert list(r.assets) == ["A", "B", "C", "D"] and r.groups["sector"].tolist() == [1, 2, 3, -1]
    assert np.isnan(r.field("close")[:, 3]).all() and r.field("extra")[0, 3] == 1.0


def test_program_run_and_evaluate_align_frames():
    close = _close()
    volume = close[["C", "B", "A"]].iloc[::-1] * 3
    expected = (close * (volume.reindex(index=close.index, columns=close.columns))).to_numpy()
    program = alphalang.compile("x = close * volume", backend="reference")
    assert np.array_equal(program.run({"close": close, "volume": volume})["x"], expected)
    got = alphalang.evaluate("close * volume", {"close": close, "volume": volume}, backend="reference")
    assert np.array_equal(got, expected)


def test_from_wide_keeps_the_same_rule():
    close = _close()
    volume = close[["C", "A", "B"]]
    assert np.array_equal(Panel.from_wide({"close": close, "volume": volume}).field("volume"),
                          Panel({"close": close, "volume": volume}).field("volume"))
    with pytest.raises(AlphaDataError, match="field 'close' has duplicate date"):
        Panel.from_wide({"close": pd.concat([close, close.iloc[[0]]])})


def test_xarray_dataset_with_reversed_dates_is_sorted():
    xr = pytest.importorskip("xarray")
    close = _close()
    ds = xr.Dataset({"close": (("date", "asset"), close.to_numpy()[::-1])},
                    coords={"date": D[::-1], "asset": ["A", "B", "C"]})
    from alphalang.data.xarray_io import panel_from_xarray

    p = panel_from_xarray(ds)
    assert p.dates.equals(D) and np.array_equal(p.field("close"), close.to_numpy())
    r = alphalang.compile("x = close", backend="reference").run(ds)["x"]  # Program.run takes a Dataset too
    assert np.array_equal(r, close.to_numpy())


def test_notebook_magic_aligns_a_dict_of_frames():
    from alphalang.notebook import find_panel

    close = _close()
    volume = close[["C", "A", "B"]] * 2
    panel = find_panel({"data": {"close": close, "volume": volume}}, "data")
    assert np.array_equal(panel.field("volume"), _oracle(volume, D, ["A", "B", "C"]))


def test_real_prices_frames_in_another_order_align():
    if not (SP500 / "prices.parquet").exists():
        pytest.skip(f"real S&P 500 prices not found at {SP500}")
    long = pd.read_parquet(SP500 / "prices.parquet", columns=["date", "asset", "close", "volume"])
    long = long[long["asset"].isin(["AAPL", "MSFT", "GOOGL", "AMZN", "XOM", "JPM"])]
    long["date"] = pd.to_datetime(long["date"])
    close = long.pivot(index="date", columns="asset", values="close").iloc[:80]
    volume = long.pivot(index="date", columns="asset", values="volume").iloc[40:120]
    volume = volume[volume.columns[::-1]].iloc[::-1]  # reversed columns and dates
    p = Panel({"close": close, "volume": volume})
    dates, assets = close.index.union(volume.index), sorted(close.columns)
    assert p.dates.equals(dates) and list(p.assets) == assets
    assert np.array_equal(p.field("volume"), _oracle(volume, dates, assets), equal_nan=True)
    assert np.array_equal(p.field("close"), _oracle(close, dates, assets), equal_nan=True)


# -- 2. CSV dates ----------------------------------------------------------------------------------------
def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_one_non_iso_date_names_file_line_and_value(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n2020-01-02,A,1\n2020-01-03,A,2\n01/06/2020,A,3\n")
    message = r"p\.csv:4:1: error: cannot parse date '01/06/2020' in column 'date'"
    with pytest.raises(AlphaDataError, match=message) as e:
        read_csv(path)
    assert "ISO-8601" in str(e.value) and "date_format" in str(e.value)


def test_date_format_reads_non_iso_dates_in_time_order(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n02/01/2020,A,1\n10/01/2020,A,3\n03/01/2020,A,2\n")
    p = read_csv(path, date_format="%d/%m/%Y")
    assert list(p.dates) == list(pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-10"]))
    assert p.field("close")[:, 0].tolist() == [1.0, 2.0, 3.0]  # hand-worked: time order, not text order


def test_mixed_formats_name_the_first_offender(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n02/01/2020,A,1\n2020-01-03,A,2\n2020-01-04,A,2\n")
    with pytest.raises(AlphaDataError, match=r"p\.csv:3:1: error: cannot parse date '2020-01-03'.*'%d/%m/%Y'"):
        read_csv(path, date_format="%d/%m/%Y")


def test_cli_date_format_and_exit_codes(tmp_path, capsys):
    path = _write(tmp_path / "p.csv", "date,asset,close\n02/01/2020,A,1\n03/01/2020,A,2\n06/01/2020,A,4\n")
    formula = _write(tmp_path / "f.alpha", "x = delta(close, 1)\n")
    assert main(["run", str(formula), "--data", str(path), "--quiet"]) == 1
    assert "cannot parse date '02/01/2020'" in capsys.readouterr().err
    assert main(["run", str(formula), "--data", str(path), "--date-format", "%d/%m/%Y", "--json"]) == 0
    assert '"shape": [\n  3,\n  1\n ]' in capsys.readouterr().out


def test_missing_date_names_the_line(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n2020-01-02,A,1\n,A,2\n")
    with pytest.raises(AlphaDataError, match=r"p\.csv:3:1: error: missing date in column 'date'"):
        read_csv(path)


# -- 3. text cells and asset ids -------------------------------------------------------------------------
def test_text_cell_names_column_line_and_value(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close,volume\n2020-01-02,A,1.5,10\n2020-01-03,A,n/a!,20\n")
    with pytest.raises(AlphaDataError, match=r"p\.csv:3:14: error: cannot read 'n/a!' in column 'close' as a number"):
        read_csv(path)
    with pytest.raises(AlphaDataError, match=r"p\.csv:3:14: error: cannot read 'n/a!' in column 'close'"):
        read_csv(path, fields=["close"])


def test_errors_coerce_turns_bad_cells_into_nan_and_warns(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n2020-01-02,A,1.5\n2020-01-03,A,x\n2020-01-06,A,oops\n")
    with pytest.warns(UserWarning, match="coerced 2 cell\\(s\\) of column 'close' to NaN"):
        p = read_csv(path, errors="coerce")
    assert np.array_equal(p.field("close")[:, 0], [1.5, np.nan, np.nan], equal_nan=True)
    with pytest.raises(AlphaDataError, match="errors must be 'raise' or 'coerce'"):
        read_csv(path, errors="ignore")


def test_pure_text_column_is_a_label_not_a_field(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,name,close\n2020-01-02,A,Apple,1\n2020-01-03,A,Apple,2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = read_csv(path)
    assert set(p.fields) == {"close"}


def test_asset_ids_keep_their_text(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n2020-01-02,007,1\n2020-01-02,7,2\n2020-01-02,0100,3\n")
    p = read_csv(path)
    assert list(p.assets) == ["007", "0100", "7"]  # text, sorted as text; nothing merged or renumbered
    assert p.field("close")[0].tolist() == [1.0, 3.0, 2.0]


def test_duplicate_rows_in_long_csv_name_the_first_duplicate(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n2020-01-02,A,1\n2020-01-02,B,2\n2020-01-02,A,3\n")
    with pytest.raises(AlphaDataError, match="duplicate rows for date 2020-01-02, asset 'A'"):
        read_csv(path)
    formula = _write(tmp_path / "f.alpha", "x = close\n")
    assert main(["run", str(formula), "--data", str(path), "--quiet"]) == 1


# -- 11. corrupt files -------------------------------------------------------------------------------------
def _long_frame(n_dates: int = 50) -> pd.DataFrame:
    dates = pd.date_range("2020-01-01", periods=n_dates)
    return pd.DataFrame({"date": np.repeat(dates, 2), "asset": np.tile(["A", "B"], n_dates),
                         "close": np.arange(2.0 * n_dates)})


def test_corrupt_parquet_page_header_names_the_file(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pandas(_long_frame(), preserve_index=False), path)
    raw = bytearray(path.read_bytes())
    raw[4:40] = b"\xff" * 36  # the first page header, right after the 'PAR1' magic
    path.write_bytes(bytes(raw))
    with pytest.raises(AlphaDataError, match=r"cannot read '.*p\.parquet' as parquet: .*thrift"):
        read_parquet(path)


def test_flipped_value_in_a_page_is_caught_by_its_checksum(tmp_path):
    path = tmp_path / "p.parquet"
    write_parquet(_long_frame(), path)  # written with page checksums
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(2)  # the 'close' column
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    raw = bytearray(path.read_bytes())
    raw[start + chunk.total_compressed_size // 2] ^= 0x01  # one flipped bit: without a CRC, one value changes
    path.write_bytes(bytes(raw))
    with pytest.raises(AlphaDataError, match=r"cannot read '.*p\.parquet' as parquet: .*CRC"):
        read_parquet(path)


def test_folder_with_one_corrupt_file_names_that_file(tmp_path):
    root = tmp_path / "prices"
    root.mkdir()
    frame = _long_frame()
    pq.write_table(pa.Table.from_pandas(frame.iloc[:50], preserve_index=False), root / "a.parquet")
    pq.write_table(pa.Table.from_pandas(frame.iloc[50:], preserve_index=False), root / "b.parquet")
    raw = (root / "b.parquet").read_bytes()
    (root / "b.parquet").write_bytes(raw[: len(raw) // 2])  # truncated
    with pytest.raises(AlphaDataError, match=r"b\.parquet"):
        load_panel(root)
    formula = _write(tmp_path / "f.alpha", "x = close\n")
    assert main(["run", str(formula), "--data", str(root), "--quiet"]) == 1


def test_truncated_gzip_csv_is_a_data_error(tmp_path):
    path = tmp_path / "p.csv.gz"
    with gzip.open(path, "wt") as f:
        _long_frame(2000).to_csv(f, index=False)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(AlphaDataError, match=r"cannot read .*p\.csv\.gz"):
        read_csv(path)


def test_roundtrip_keeps_integer_assets_and_dates(tmp_path):
    p = Panel({"close": np.arange(6.0).reshape(3, 2)}, dates=[3, 5, 9], assets=[10, 13])
    write_parquet(p, tmp_path / "p.parquet")
    alphalang.data.write_csv(p, tmp_path / "p.csv")
    q = read_csv(tmp_path / "p.csv")
    assert list(q.assets) == [10, 13] and list(q.dates) == [3, 5, 9]


# -- more corners of the same rules -----------------------------------------------------------------------
def test_explicit_labels_reorder_frames_and_refuse_labels_outside_them():
    close = _close()
    p = Panel({"close": close}, assets=["C", "A", "B"])
    assert np.array_equal(p.field("close"), close[["C", "A", "B"]].to_numpy())
    with pytest.raises(AlphaDataError, match="field 'close' has asset 'C', which is not among the given assets"):
        Panel({"close": close}, assets=["A", "B"])


def test_frames_with_incomparable_date_labels_are_an_error():
    text = pd.DataFrame({"A": [1.0]}, index=["2020-01-02"])
    with pytest.raises(AlphaDataError, match="date labels cannot be compared"):
        Panel({"close": _close(), "volume": text})


def test_parquet_text_cell_names_the_row(tmp_path):
    frame = pd.DataFrame({"date": ["2020-01-02", "2020-01-03"], "asset": ["A", "A"], "close": ["1.5", "bad"]})
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    with pytest.raises(AlphaDataError, match=r"cannot read 'bad' in column 'close' as a number at row 2 of"):
        read_parquet(path, fields=["close"])
    with pytest.warns(UserWarning, match="coerced 1 cell"):
        p = load_panel(path, fields=["close"], errors="coerce")
    assert np.array_equal(p.field("close")[:, 0], [1.5, np.nan], equal_nan=True)


def test_csv_date_filter_uses_the_parsed_dates(tmp_path):
    path = _write(tmp_path / "p.csv", "date,asset,close\n31/12/2019,A,1\n02/01/2020,A,2\n10/01/2020,A,3\n")
    p = read_csv(path, date_format="%d/%m/%Y", start="2020-01-01")
    assert list(p.dates) == list(pd.to_datetime(["2020-01-02", "2020-01-10"]))  # not text order
    assert p.field("close")[:, 0].tolist() == [2.0, 3.0]


def test_parquet_text_dates_are_filtered_in_time_order(tmp_path):
    frame = pd.DataFrame({"date": ["31/12/2019", "02/01/2020", "10/01/2020"], "asset": "A", "close": [1.0, 2.0, 3.0]})
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    p = read_parquet(path, date_format="%d/%m/%Y", start="2020-01-01")  # as text, '02/01/2020' < '2020-01-01'
    assert list(p.dates) == list(pd.to_datetime(["2020-01-02", "2020-01-10"]))
    assert p.field("close")[:, 0].tolist() == [2.0, 3.0]


def test_mapping_of_data_arrays_is_aligned_on_coordinates():
    xr = pytest.importorskip("xarray")
    close = _close()
    da = xr.DataArray(close.to_numpy().T[::-1], dims=("asset", "date"), coords={"asset": ["C", "B", "A"], "date": D})
    got = alphalang.evaluate("close", {"close": da, "volume": close}, backend="reference")
    assert np.array_equal(got, close.to_numpy())
