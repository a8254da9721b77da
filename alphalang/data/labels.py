"""Label alignment: the one rule every entry point applies to pandas fields and group levels.

A field given as a DataFrame (dates as index, assets as columns) or a 2-D xarray DataArray is placed by its
labels, never by position:

- the panel's dates are the sorted union of the frames' indexes (reversed or unsorted rows move with their
  dates); a date repeated inside one frame is an error;
- the assets are the sorted union of the frames' columns (first-seen order when the labels cannot be sorted);
- a cell a frame lacks is NaN; an ndarray is positional and must already have the aligned (dates, assets) shape;
- a group Series is reindexed by asset label and a group DataFrame by (date, asset); labels it lacks become -1
  ("no group"), labels the panel lacks are ignored, and a group sharing no label with the panel is an error.

Example:
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [1.0, 2.0]}, index=[11, 10])
    >>> fields, dates, assets = align_fields({"close": a, "volume": pd.DataFrame({"y": [5.0]}, index=[11])})
    >>> list(dates), list(assets), fields["volume"].to_numpy().tolist()
    ([10, 11], ['x', 'y'], [[nan, nan], [nan, 5.0]])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError

__all__ = ["align_fields", "align_group", "as_date_index", "fmt_label"]


def fmt_label(value: Any) -> str:
    """A short human rendering of a date or asset label.

    Example:
        >>> fmt_label(pd.Timestamp("2020-01-02")), fmt_label("AAPL"), fmt_label(7)
        ('2020-01-02', "'AAPL'", '7')
    """
    if isinstance(value, pd.Timestamp):
        if value.tz is None and value == value.normalize():
            return str(value.date())
        return str(value)
    if isinstance(value, np.datetime64):
        return fmt_label(pd.Timestamp(value))
    return repr(value) if isinstance(value, str) else str(value)


def as_date_index(dates: Any) -> pd.Index:
    """A pandas Index of the dates; datetime and ``datetime.date`` values become a DatetimeIndex.

    Example:
        >>> import datetime
        >>> type(as_date_index([datetime.date(2020, 1, 2)])).__name__
        'DatetimeIndex'
    """
    idx = pd.Index(dates)
    if idx.dtype == object and len(idx) and idx.inferred_type in ("date", "datetime", "datetime64"):
        try:
            return pd.DatetimeIndex(idx)
        except (TypeError, ValueError):
            return idx
    return idx


def _unique(index: pd.Index, what: str) -> None:
    if not index.is_unique:
        raise AlphaDataError(f"{what} {fmt_label(index[index.duplicated()][0])}",
                             hint="each date and each asset may label one row / one column of a frame")


def _union(indexes: list[pd.Index], what: str, strict: bool) -> pd.Index:
    """The sorted union of ``indexes``; labels that cannot be compared raise (``strict``) or keep first-seen order."""
    out = indexes[0]
    for ix in indexes[1:]:
        if not ix.equals(out):
            out = out.append(ix[~ix.isin(out)])
    if out.is_monotonic_increasing:
        return out
    try:
        return out.sort_values()
    except TypeError:
        if not strict:
            return out
        raise AlphaDataError(f"the frames' {what} labels cannot be compared (mixed types such as text and "
                             f"datetimes?)", hint="give every frame the same kind of index") from None


def _outside(index: pd.Index, target: pd.Index) -> Any | None:
    """The first label of ``index`` missing from ``target`` (None when all are there)."""
    missing = ~index.isin(target)
    return index[missing][0] if missing.any() else None


def align_fields(fields: Mapping[Any, Any], dates: Any = None,
                 assets: Any = None) -> tuple[dict[Any, Any], Any, Any]:
    """Reindex the DataFrame fields on their labels: (fields, dates, assets) for the Panel to store.

    Without DataFrames, everything is returned unchanged. Explicit ``dates``/``assets`` are the target labels:
    a frame label outside them is an error (nothing is dropped silently).
    """
    fields = {name: _from_xarray(v) for name, v in fields.items()}
    frames = {name: v for name, v in fields.items() if isinstance(v, pd.DataFrame)}
    if not frames:
        return dict(fields), dates, assets
    indexes, columns = [], []
    for name, frame in frames.items():
        index = as_date_index(frame.index)
        _unique(index, f"field '{name}' has duplicate date")
        _unique(frame.columns, f"field '{name}' has duplicate asset column")
        if index is not frame.index:
            frame = frame.set_axis(index, axis=0)
            frames[name] = frame
        indexes.append(index)
        columns.append(frame.columns)
    target_dates = _union(indexes, "date", strict=True) if dates is None else as_date_index(dates)
    target_assets = _union(columns, "asset", strict=False) if assets is None else pd.Index(assets)
    out: dict[Any, Any] = {}
    for name, values in fields.items():
        if name not in frames:
            shape = np.shape(values)
            if len(shape) == 2 and shape != (len(target_dates), len(target_assets)):
                raise AlphaDataError(
                    f"field '{name}' is an array of shape {shape} but the labelled fields align to "
                    f"{(len(target_dates), len(target_assets))} (dates, assets)",
                    hint="arrays are positional: give them the aligned shape, or pass a DataFrame with labels")
            out[name] = values
            continue
        frame = frames[name]
        for axis, given, target, what in ((frame.index, dates, target_dates, "date"),
                                          (frame.columns, assets, target_assets, "asset")):
            label = None if given is None else _outside(axis, target)
            if label is not None:
                raise AlphaDataError(f"field '{name}' has {what} {fmt_label(label)}, which is not among the "
                                     f"given {what}s", hint=f"drop it, or leave {what}s= out to take the union")
        if not (frame.index.equals(target_dates) and frame.columns.equals(target_assets)):
            frame = frame.reindex(index=target_dates, columns=target_assets)
        out[name] = frame
    return out, target_dates.rename(None), target_assets.rename(None)


def _from_xarray(values: Any) -> Any:
    """A 2-D xarray DataArray becomes a labelled DataFrame (dates x assets); anything else is returned as is."""
    if type(values).__module__.split(".")[0] != "xarray" or getattr(values, "ndim", 0) != 2:
        return values
    from alphalang.data.xarray_io import data_array_frame

    return data_array_frame(values)


def align_group(level: str, values: Any, dates: pd.Index, assets: pd.Index) -> Any:
    """A group Series (by asset) or DataFrame (by date and asset) reindexed on the panel's labels.

    Labels the group lacks become NaN (read as -1, "no group"); arrays pass through unchanged.

    Example:
        >>> assets = pd.Index(["A", "B", "C"])
        >>> align_group("sector", pd.Series({"B": 2, "A": 1}), pd.RangeIndex(1), assets).tolist()
        [1.0, 2.0, nan]
    """
    if isinstance(values, pd.Series):
        axes = [(values.index, assets, "asset")]
    elif isinstance(values, pd.DataFrame):
        axes = [(as_date_index(values.index), dates, "date"), (values.columns, assets, "asset")]
        values = values.set_axis(axes[0][0], axis=0)
    else:
        return values
    for index, target, what in axes:
        _unique(index, f"group level '{level}' has duplicate {what}")
        if len(target) and len(index) and not index.isin(target).any():
            raise AlphaDataError(
                f"group level '{level}' shares no label with the {what}s "
                f"(it has {fmt_label(index[0])}, the panel {fmt_label(target[0])})",
                hint="index the labels by asset (and date), or pass .to_numpy() for labels in panel order")
    if isinstance(values, pd.Series):
        return values.reindex(assets)
    return values.reindex(index=dates, columns=assets)
