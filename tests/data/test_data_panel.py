"""Panel construction, validation errors and pandas long/wide conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from data_strategies import assert_panels_equal, panels
from hypothesis import given, settings
from hypothesis import strategies as st

from alphalang.data import Panel
from alphalang.errors import AlphaDataError, AlphaError


def _p(t: int = 4, n: int = 3, **kw) -> Panel:
    return Panel({"close": np.arange(t * n, dtype=float).reshape(t, n)}, **kw)


# -- construction -------------------------------------------------------------------------------------------
def test_basic_properties_and_defaults():
    p = _p(groups={"Sector": [0, 1, 1]})
    assert p.shape == (4, 3) and p.n_dates == 4 and p.n_assets == 3
    assert list(p.dates) == [0, 1, 2, 3] and list(p.assets) == [0, 1, 2]
    assert isinstance(p.dates, pd.Index) and isinstance(p.assets, pd.Index)
    assert set(p.fields) == {"close"} and set(p.groups) == {"sector"}
    assert p.groups["sector"].shape == (3,) and p.groups["sector"].dtype == np.int64
    g = p.group("SECTOR")
    assert g.shape == (4, 3) and g.dtype == np.int64 and (g == [0, 1, 1]).all()
    assert p.group("IndClass.sector").shape == (4, 3)
    assert p.has_group("sector") and not p.has_group("industry")


def test_fields_coerced_to_c_contiguous_float64():
    ints = np.arange(6).reshape(2, 3)
    p = Panel(
        {
            "a": ints,
            "b": ints.astype(np.float32),
            "c": ints > 2,
            "d": np.asfortranarray(ints.astype(float)),
            "e": [[1, 2, 3], [4, None, 6]],
            "f": pd.DataFrame(ints).astype("Int64").where(ints != 4),
        }
    )
    for name, arr in p.fields.items():
        assert arr.dtype == np.float64 and arr.flags.c_contiguous, name
        assert arr.shape == (2, 3)
    assert np.isnan(p.field("e")[1, 1]) and np.isnan(p.field("f")[1, 1])
    assert p.field("c").tolist() == [[0, 0, 0], [1, 1, 1]]


def test_float64_input_is_not_copied():
    x = np.zeros((3, 2))
    assert Panel({"x": x}).field("x") is x


def test_names_are_case_insensitive():
    p = Panel({"Close": np.ones((2, 2)), "VWAP": np.ones((2, 2))})
    assert set(p.fields) == {"close", "vwap"}
    assert p.field("CLOSE") is p.field("close") is p["Close"]
    assert "cLoSe" in p and p.has_field("vwap") and "volume" not in p and 3 not in p


def test_case_duplicate_field_is_error():
    with pytest.raises(AlphaDataError, match="given twice"):
        Panel({"close": np.ones((2, 2)), "CLOSE": np.ones((2, 2))})


@pytest.mark.parametrize(
    "value, needle",
    [
        (np.ones(3), r"field 'x' has shape \(3,\).*2-D"),
        (np.ones((2, 2, 2)), r"field 'x' has shape \(2, 2, 2\)"),
        (np.float64(1.0), r"field 'x' has shape \(\)"),
        (np.array([["a", "b"], ["c", "d"]]), "field 'x' has dtype <U1 \\(strings\\)"),
        (np.array([[object(), 1.0]], dtype=object), "field 'x' holds values that are not numbers"),
        (np.ones((2, 2), dtype=complex), "complex"),
        (pd.DataFrame({"a": ["x", "y"]}), "field 'x' is not numeric"),
    ],
)
def test_bad_field_values(value, needle):
    with pytest.raises(AlphaDataError, match=needle):
        Panel({"x": value})


def test_mismatched_field_shapes_name_both_fields():
    msg = r"field 'volume' has shape \(3, 2\) but field 'close' has shape \(4, 2\)"
    with pytest.raises(AlphaDataError, match=msg):
        Panel({"close": np.ones((4, 2)), "volume": np.ones((3, 2))})


def test_fields_must_be_a_mapping_and_names_strings():
    with pytest.raises(AlphaDataError, match="mapping"):
        Panel([np.ones((2, 2))])  # type: ignore[arg-type]
    with pytest.raises(AlphaDataError, match="non-empty strings"):
        Panel({"": np.ones((2, 2))})
    with pytest.raises(AlphaDataError, match="at least one field"):
        Panel({})


def test_no_fields_but_dates_and_assets():
    p = Panel({}, dates=[1, 2, 3], assets=["a", "b"])
    assert p.shape == (3, 2) and p.fields == {}


# -- dates and assets ---------------------------------------------------------------------------------------
def test_datetime_dates_stay_datetimeindex():
    dates = pd.date_range("2020-01-01", periods=4)
    p = _p(dates=dates)
    assert isinstance(p.dates, pd.DatetimeIndex) and p.dates.equals(dates)
    p2 = _p(dates=list(dates.to_pydatetime()))
    assert isinstance(p2.dates, pd.DatetimeIndex)
    p3 = _p(dates=np.array(dates, dtype="datetime64[D]"))
    assert isinstance(p3.dates, pd.DatetimeIndex)
    p4 = _p(dates=[d.date() for d in dates])
    assert isinstance(p4.dates, pd.DatetimeIndex) and p4.dates.equals(dates)
    assert _p(dates=["b", "c", "d", "e"]).dates.tolist() == ["b", "c", "d", "e"]  # text stays text


def test_non_monotonic_dates_name_first_offender():
    dates = pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-02", "2020-01-04"])
    with pytest.raises(AlphaDataError) as exc:
        _p(dates=dates)
    msg = str(exc.value)
    assert "strictly increasing" in msg and "2020-01-02 at row 2" in msg and "2020-01-03 at row 1" in msg
    assert "hint:" in msg and "sort" in msg


def test_duplicate_dates_named():
    with pytest.raises(AlphaDataError, match="duplicate date 7 at rows 1 and 2"):
        _p(dates=[5, 7, 7, 9])


def test_wrong_number_of_dates_or_assets():
    with pytest.raises(AlphaDataError, match="dates has 3 labels but the fields have 4 rows"):
        _p(dates=[1, 2, 3])
    with pytest.raises(AlphaDataError, match="assets has 2 labels but the fields have 3 columns"):
        _p(assets=["a", "b"])


def test_missing_date_label():
    with pytest.raises(AlphaDataError, match="missing label at position 1"):
        _p(dates=pd.to_datetime(["2020-01-01", None, "2020-01-03", "2020-01-04"]))


def test_unorderable_dates():
    with pytest.raises(AlphaDataError, match="cannot be ordered|strictly increasing"):
        _p(dates=pd.Index([1, "b", 3, "a"], dtype=object))


def test_duplicate_assets_named():
    with pytest.raises(AlphaDataError, match="duplicate assets: 'AAA'") as exc:
        _p(assets=["AAA", "BBB", "AAA"])
    assert "'BBB'" not in str(exc.value).split("\n")[0]


# -- fields and groups --------------------------------------------------------------------------------------
def test_missing_field_suggests():
    p = Panel({"close": np.ones((2, 2)), "volume": np.ones((2, 2))})
    with pytest.raises(AlphaDataError) as exc:
        p.field("clsoe")
    msg = str(exc.value)
    assert "no field 'clsoe'" in msg and "did you mean 'close'" in msg and "volume" in msg
    assert isinstance(exc.value, AlphaError) and exc.value.span is None
    with pytest.raises(AlphaDataError, match="available fields: close, volume"):
        p.field("zzz")


def test_missing_group_lists_levels():
    p = _p(groups={"sector": [0, 0, 1], "industry": [0, 1, 2]})
    with pytest.raises(AlphaDataError) as exc:
        p.group("subindustry")
    msg = str(exc.value)
    assert "no group level 'subindustry'" in msg and "industry" in msg and "sector" in msg
    with pytest.raises(AlphaDataError, match="no group levels"):
        _p().group("sector")


def test_group_coercions():
    p = _p(
        groups={
            "a": np.array([1.0, np.nan, 3.0]),
            "b": np.array([0, 1, 2], dtype=np.int32),
            "c": np.array([[0, 1, 2]] * 4, dtype=np.uint8),
            "d": pd.Series([0.0, 1.0, None], dtype=object),
        }
    )
    assert p.groups["a"].tolist() == [1, -1, 3] and p.groups["a"].dtype == np.int64
    assert p.groups["b"].dtype == np.int64
    assert p.groups["c"].shape == (4, 3) and p.group("c") is p.groups["c"]
    assert p.groups["d"].tolist() == [0, 1, -1]


@pytest.mark.parametrize(
    "labels, needle",
    [
        (np.array([0.5, 1.0, 2.0]), "group level 'sector' has non-integer label 0.5"),
        (np.array([0.0, np.inf, 1.0]), "group level 'sector' contains infinite labels"),
        (np.array(["tech", "bank", "tech"]), "group level 'sector' has dtype <U4"),
        (np.array(["tech", None, "x"], dtype=object), "group level 'sector' holds non-numeric labels"),
        (np.zeros(4, dtype=int), r"group level 'sector' has shape \(4,\); expected \(3,\) or \(4, 3\)"),
        (np.zeros((3, 3), dtype=int), r"has shape \(3, 3\)"),
        (np.zeros((4, 3, 1), dtype=int), r"has shape \(4, 3, 1\)"),
    ],
)
def test_bad_group_arrays(labels, needle):
    with pytest.raises(AlphaDataError, match=needle) as exc:
        _p(groups={"sector": labels})
    if labels.dtype.kind in "UO":
        assert "factorize" in str(exc.value)


# -- derived panels -----------------------------------------------------------------------------------------
def test_slice_rows():
    groups = {"s": [0, 1, 2], "tn": np.arange(18).reshape(6, 3)}
    p = _p(t=6, groups=groups, dates=pd.date_range("2021", periods=6))
    q = p.slice_rows(2, 5)
    assert q.shape == (3, 3) and q.dates.equals(p.dates[2:5]) and q.assets.equals(p.assets)
    assert (q.field("close") == p.field("close")[2:5]).all()
    assert (q.groups["tn"] == p.groups["tn"][2:5]).all() and (q.groups["s"] == p.groups["s"]).all()
    assert p.slice_rows(-2).n_dates == 2 and p.slice_rows(None, 1).n_dates == 1


def test_with_fields_and_repr():
    p = _p(dates=pd.date_range("2021-03-01", periods=4), groups={"sector": [0, 1, 1]})
    q = p.with_fields(Volume=np.full((4, 3), 5), close=np.zeros((4, 3)))
    assert set(q.fields) == {"close", "volume"} and (q.field("close") == 0).all()
    assert (p.field("close") != 0).any()  # original untouched
    with pytest.raises(AlphaDataError, match="shape"):
        p.with_fields(bad=np.ones((2, 3)))
    r = repr(q)
    assert "4 dates x 3 assets" in r and "2021-03-01 .. 2021-03-04" in r and "volume" in r and "sector" in r
    assert q.with_groups(industry=[1, 2, 3]).has_group("industry")


# -- pandas long / wide -------------------------------------------------------------------------------------
def _long_df():
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-03", "2020-01-02", "2020-01-02", "2020-01-03"]),
            "asset": ["B", "A", "B", "A"],
            "Close": [4.0, 1.0, 2.0, 3.0],
            "volume": [40, 10, 20, 30],
            "name": ["b", "a", "b", "a"],
            "sector": ["tech", "bank", "tech", "bank"],
            "industry": [1.0, 2.0, np.nan, 2.0],
        }
    )


def test_from_long_columns():
    p = Panel.from_long(_long_df())
    assert list(p.assets) == ["A", "B"] and isinstance(p.dates, pd.DatetimeIndex)
    assert list(p.dates) == list(pd.to_datetime(["2020-01-02", "2020-01-03"]))
    assert p.field("close").tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert set(p.fields) == {"close", "volume"}  # text column 'name' skipped
    assert p.groups["sector"].tolist() == [[0, 1], [0, 1]]  # bank < tech
    assert p.groups["industry"].tolist() == [[2, -1], [2, 1]]


def test_from_long_multiindex_and_missing_cells():
    df = _long_df().drop(index=[0]).set_index(["date", "asset"])
    p = Panel.from_long(df, groups=["sector"], fields=["close"])
    assert np.isnan(p.field("close")[1, 1]) and p.groups["sector"][1, 1] == -1
    assert set(p.fields) == {"close"} and set(p.groups) == {"sector"}
    s = df["Close"].rename("factor")
    q = Panel.from_long(s)
    assert set(q.fields) == {"factor"}


def test_from_long_errors():
    df = _long_df()
    with pytest.raises(AlphaDataError, match="duplicate rows for date 2020-01-03, asset 'B'"):
        Panel.from_long(pd.concat([df, df.iloc[[0]]]))
    with pytest.raises(AlphaDataError, match="no date column 'when'"):
        Panel.from_long(df, date="when")
    with pytest.raises(AlphaDataError, match="no group column 'subindustry'"):
        Panel.from_long(df, groups=["subindustry"])
    with pytest.raises(AlphaDataError, match="(?s)no field column 'clsoe'.*did you mean 'close'"):
        Panel.from_long(df, fields=["clsoe"])
    with pytest.raises(AlphaDataError, match="missing value at row 1"):
        Panel.from_long(df.assign(asset=["A", None, "B", "A"]))


def test_from_wide_aligns_by_union():
    d = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"])
    close = pd.DataFrame({"B": [1.0, 2.0, 3.0], "A": [4.0, 5.0, 6.0]}, index=d)
    vol = pd.DataFrame({"C": [7.0]}, index=d[[1]])
    p = Panel.from_wide(
        {"close": close, "Volume": vol.iloc[::-1]},
        groups={"sector": pd.Series({"A": 1, "B": 2}), "fixed": [0, 0, 1]},
    )
    assert list(p.assets) == ["A", "B", "C"] and p.dates.equals(d)
    assert np.array_equal(p.field("close"), [[4, 1, np.nan], [5, 2, np.nan], [6, 3, np.nan]], equal_nan=True)
    assert np.isnan(p.field("volume")).sum() == 8 and p.field("volume")[1, 2] == 7
    assert p.groups["sector"].tolist() == [1, 2, -1] and p.groups["fixed"].tolist() == [0, 0, 1]
    # unsorted input dates are sorted
    q = Panel.from_wide({"close": close.iloc[::-1]})
    assert q.dates.equals(d) and q.field("close")[0, 0] == 4.0


def test_from_wide_errors():
    d = pd.to_datetime(["2020-01-01", "2020-01-01"])
    with pytest.raises(AlphaDataError, match="field 'close' has duplicate date 2020-01-01"):
        Panel.from_wide({"close": pd.DataFrame({"A": [1.0, 2.0]}, index=d)})
    with pytest.raises(AlphaDataError, match="Series"):
        Panel.from_wide({"close": pd.Series([1.0])})
    with pytest.raises(AlphaDataError, match="non-empty"):
        Panel.from_wide({})


def test_to_long_and_to_wide():
    p = _p(t=2, n=2, dates=["d1", "d2"], assets=["x", "y"], groups={"sector": [3, 4]})
    long = p.to_long()
    assert list(long.index.names) == ["date", "asset"] and list(long.columns) == ["close"]
    assert long.loc[("d2", "x"), "close"] == 2.0
    res = p.to_long({"alpha": np.ones((2, 2))}, include_groups=True)
    assert list(res.columns) == ["alpha", "sector"] and res["sector"].tolist() == [3, 4, 3, 4]
    with pytest.raises(AlphaDataError, match=r"result 'alpha' has shape \(3, 2\) but the panel is \(2, 2\)"):
        p.to_long({"alpha": np.ones((3, 2))})
    w = p.to_wide(p.field("close"))
    assert list(w.index) == ["d1", "d2"] and list(w.columns) == ["x", "y"] and w.loc["d2", "y"] == 3.0
    assert p.to_wide("close").equals(w)
    with pytest.raises(AlphaDataError, match="shape"):
        p.to_wide(np.ones(4))


@settings(max_examples=40, deadline=None)
@given(panels())
def test_long_roundtrip(p):
    q = Panel.from_long(p.to_long(include_groups=True).reset_index(), groups=list(p.groups))
    assert_panels_equal(p, q)


@settings(max_examples=40, deadline=None)
@given(panels())
def test_wide_roundtrip(p):
    frames = {k: p.to_wide(v) for k, v in p.fields.items()}
    q = Panel.from_wide(frames, groups=p.groups)
    assert_panels_equal(p, q)


@settings(max_examples=30, deadline=None)
@given(panels(), st.integers(0, 6), st.integers(0, 6))
def test_slice_matches_numpy(p, a, b):
    q = p.slice_rows(a, b)
    assert q.dates.equals(p.dates[a:b])
    for k in p.fields:
        assert np.array_equal(q.field(k), p.field(k)[a:b], equal_nan=True)
