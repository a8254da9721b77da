"""Read and write panels as long tables (one row per (date, asset)) in parquet or CSV.

Parquet reading goes through ``pyarrow.dataset``: only the date, asset, requested field and group columns are
read, and the ``[start, end]`` date filter is pushed down. A path may be a file or a directory of files
(hive partitions such as ``year=2015/`` are fine).

Example:
    >>> import tempfile, os
    >>> from alphalang.data.demo import demo_panel
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.parquet")
    >>> write_parquet(demo_panel(10, 3), path)
    >>> load_panel(path, fields=["close"], start="2015-01-05").shape
    (9, 3)
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from alphalang.data.panel import DEFAULT_GROUP_LEVELS, Panel, _suggest
from alphalang.errors import AlphaDataError

__all__ = ["read_parquet", "read_csv", "write_parquet", "write_csv", "load_panel"]

#: schema metadata key listing which columns of a parquet file are group levels
GROUPS_METADATA_KEY = b"alphalang.groups"
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")

PathLike = str | os.PathLike[str]


def _existing(path: PathLike) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        raise AlphaDataError(f"data path '{path}' does not exist", hint="check the path (relative to cwd)")
    return p


def _as_list(names: str | Sequence[str] | None) -> list[str] | None:
    if names is None:
        return None
    return [names] if isinstance(names, str) else list(names)


def _select_columns(
    available: Sequence[str],
    date: str,
    asset: str,
    fields: Sequence[str] | None,
    groups: Sequence[str] | None,
    default_groups: Sequence[str],
    skip: Sequence[str] = (),
    source: str = "the data",
) -> tuple[list[str], list[str], list[str]]:
    """Map requested names (case-insensitive) onto actual column names: (fields, groups, columns to read)."""
    by_lower: dict[str, str] = {}
    for c in available:
        by_lower.setdefault(str(c).lower(), c)
    for col, what in ((date, "date"), (asset, "asset")):
        if col not in available:
            raise AlphaDataError(
                f"{source} has no {what} column '{col}'",
                hint=f"columns are: {', '.join(map(str, available))}; pass {what}='<column name>'",
            )

    def resolve(name: str, what: str) -> str:
        key = name.lower().removeprefix("indclass.") if what == "group" else name.lower()
        if key not in by_lower:
            choices = [k for k in by_lower if k not in (date.lower(), asset.lower())]
            hint = _suggest(key, choices, "columns")
            raise AlphaDataError(f"{source} has no {what} column '{name}'", hint=hint)
        return by_lower[key]

    group_list = _as_list(groups)
    if group_list is None:
        group_cols = [by_lower[g] for g in default_groups if g in by_lower]
    else:
        group_cols = [resolve(g, "group") for g in group_list]
    field_list = _as_list(fields)
    if field_list is None:
        taken = {date, asset, *group_cols, *skip}
        field_cols = [c for c in available if c not in taken]
    else:
        field_cols = [resolve(f, "field") for f in field_list]
    columns = list(dict.fromkeys([date, asset, *field_cols, *group_cols]))
    return field_cols, group_cols, columns


def _timestamp(value: Any, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        raise AlphaDataError(f"cannot read {what}={value!r} as a date") from None


def _bound_scalar(value: Any, typ: pa.DataType, what: str) -> pa.Scalar:
    """``value`` as an arrow scalar comparable with a date column of type ``typ``."""
    if pa.types.is_timestamp(typ):
        ts = _timestamp(value, what)
        if typ.tz is not None and ts.tzinfo is None:
            ts = ts.tz_localize(typ.tz)
        elif typ.tz is None and ts.tzinfo is not None:
            ts = ts.tz_convert(None)
        ns = pa.scalar(ts.as_unit("ns").value, type=pa.int64()).cast(pa.timestamp("ns", tz=typ.tz))
        return ns.cast(typ, safe=False)
    if pa.types.is_date(typ):
        return pa.scalar(_timestamp(value, what).date(), type=typ)
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        if isinstance(value, str):
            return pa.scalar(value, type=typ)
        return pa.scalar(str(_timestamp(value, what).date()), type=typ)
    try:
        return pa.scalar(value).cast(typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        raise AlphaDataError(
            f"{what}={value!r} cannot be compared with the date column (type {typ})"
        ) from None


def _hive_keys(root: Path, files: Sequence[str]) -> list[str]:
    """Names of hive partition keys (``key=value`` directories) under ``root``."""
    if not root.is_dir():
        return []
    keys: dict[str, None] = {}
    for f in files:
        try:
            parts = Path(f).relative_to(root).parts[:-1]
        except ValueError:
            parts = Path(f).parts[:-1]
        for part in parts:
            if "=" in part:
                keys.setdefault(part.split("=", 1)[0], None)
    return list(keys)


def _scan(dataset: ds.Dataset, columns: list[str], filter: ds.Expression | None) -> pa.Table:
    """Read the projected, filtered table (a separate function so tests can observe the projection)."""
    return dataset.to_table(columns=columns, filter=filter)


def read_parquet(
    path: PathLike,
    fields: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    date: str = "date",
    asset: str = "asset",
    groups: Sequence[str] | None = None,
) -> Panel:
    """Read a long parquet file or directory into a Panel, reading only the needed columns and dates.

    Args:
        path: a ``.parquet`` file or a directory of parquet files (hive partitions allowed).
        fields: field columns to read (case-insensitive); default every column that is not the date, the
            asset, a group level or a partition key (non-numeric columns are skipped).
        start, end: inclusive date bounds, pushed down as a filter.
        date, asset: the names of the date and asset columns.
        groups: group-level columns; default the levels recorded by :func:`write_parquet`, else whichever of
            sector, industry, subindustry exist.

    Example:
        >>> # panel = read_parquet("prices/", fields=["close", "volume"], start="2020-01-01")
    """
    p = _existing(path)
    try:
        dataset = ds.dataset(str(p), format="parquet", partitioning="hive")
    except (pa.ArrowInvalid, OSError) as exc:
        raise AlphaDataError(f"cannot read '{path}' as parquet: {exc}") from None
    schema = dataset.schema
    default_groups: list[str] = list(DEFAULT_GROUP_LEVELS)
    meta = schema.metadata or {}
    if GROUPS_METADATA_KEY in meta:
        try:
            default_groups = [str(g).lower() for g in json.loads(meta[GROUPS_METADATA_KEY])]
        except ValueError:
            pass
    partition_keys = _hive_keys(p, getattr(dataset, "files", []))
    field_cols, group_cols, columns = _select_columns(
        schema.names, date, asset, fields, groups, default_groups, skip=partition_keys, source=f"'{path}'"
    )
    expr: ds.Expression | None = None
    typ = schema.field(date).type
    if start is not None:
        expr = ds.field(date) >= _bound_scalar(start, typ, "start")
    if end is not None:
        upper = ds.field(date) <= _bound_scalar(end, typ, "end")
        expr = upper if expr is None else expr & upper
    table = _scan(dataset, columns, expr)
    df = table.to_pandas()
    return _from_frame(df, date, asset, field_cols, group_cols, explicit_fields=fields is not None)


def _from_frame(
    df: pd.DataFrame,
    date: str,
    asset: str,
    field_cols: list[str],
    group_cols: list[str],
    explicit_fields: bool,
) -> Panel:
    if not explicit_fields:
        field_cols = [
            c for c in field_cols
            if pd.api.types.is_numeric_dtype(df[c].dtype) or pd.api.types.is_bool_dtype(df[c].dtype)
        ]
    if df[date].dtype == object or pd.api.types.is_string_dtype(df[date].dtype):
        df[date] = _parse_dates(df[date])
    return Panel.from_long(df, date=date, asset=asset, groups=group_cols, fields=field_cols)


def _parse_dates(col: pd.Series) -> pd.Series:
    """Text dates -> datetime64 when every value parses; otherwise leave the column alone."""
    try:
        return pd.to_datetime(col, format="ISO8601")
    except (TypeError, ValueError):
        try:
            return pd.to_datetime(col)
        except (TypeError, ValueError):
            return col


def read_csv(
    path: PathLike,
    fields: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    date: str = "date",
    asset: str = "asset",
    groups: Sequence[str] | None = None,
) -> Panel:
    """Read a long CSV file (columns date, asset, fields...) into a Panel; same options as read_parquet.

    Text dates are parsed to datetimes when they all parse. Only the needed columns are parsed. CSV keeps no
    metadata, so group levels other than sector/industry/subindustry must be named in ``groups``.

    Example:
        >>> # panel = read_csv("prices.csv", fields=["close"], start="2020-01-01", end="2020-12-31")
    """
    p = _existing(path)
    try:
        header = pd.read_csv(p, nrows=0)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise AlphaDataError(f"cannot read '{path}' as CSV: {exc}") from None
    field_cols, group_cols, columns = _select_columns(
        list(header.columns), date, asset, fields, groups, DEFAULT_GROUP_LEVELS, source=f"'{path}'"
    )
    try:
        df = pd.read_csv(p, usecols=columns)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise AlphaDataError(f"cannot read '{path}' as CSV: {exc}") from None
    if start is not None or end is not None:
        dates = df[date]
        if dates.dtype == object or pd.api.types.is_string_dtype(dates.dtype):
            dates = _parse_dates(dates)
            df[date] = dates
        keep = np.ones(len(df), dtype=bool)
        for bound, what in ((start, "start"), (end, "end")):
            if bound is None:
                continue
            value: Any = bound
            if pd.api.types.is_datetime64_any_dtype(dates.dtype):
                value = _timestamp(bound, what)
                tz = getattr(dates.dt, "tz", None)
                if tz is not None and value.tzinfo is None:
                    value = value.tz_localize(tz)
            try:
                keep &= (dates >= value).to_numpy() if what == "start" else (dates <= value).to_numpy()
            except TypeError:
                msg = f"{what}={bound!r} cannot be compared with the dates in '{path}'"
                raise AlphaDataError(msg) from None
        df = df.loc[keep]
    return _from_frame(df, date, asset, field_cols, group_cols, explicit_fields=fields is not None)


def _long_frame(data: Panel | pd.DataFrame, date: str, asset: str) -> tuple[pd.DataFrame, list[str]]:
    if isinstance(data, Panel):
        return data.to_long(include_groups=True, date=date, asset=asset).reset_index(), list(data.groups)
    if isinstance(data, pd.DataFrame):
        df = data
        names = [n for n in (df.index.names or []) if n is not None]
        if names:
            df = df.reset_index()
        return df, [c for c in df.columns if str(c).lower() in DEFAULT_GROUP_LEVELS]
    raise AlphaDataError(f"can only write a Panel or a DataFrame, got {type(data).__name__}")


def write_parquet(
    data: Panel | pd.DataFrame,
    path: PathLike,
    *,
    date: str = "date",
    asset: str = "asset",
    partition_by: str | Sequence[str] | None = None,
) -> None:
    """Write a Panel (as a long table, groups included) or a DataFrame to parquet.

    With ``partition_by`` the path is a directory written hive-style (``year=2015/...``); the column(s) must
    exist (for a Panel, ``"year"`` is derived from datetime dates).

    Example:
        >>> # write_parquet(panel, "prices.parquet"); write_parquet(panel, "prices/", partition_by="year")
    """
    df, group_levels = _long_frame(data, date, asset)
    parts = _as_list(partition_by)
    if parts and isinstance(data, Panel) and "year" in parts and "year" not in df.columns:
        if not pd.api.types.is_datetime64_any_dtype(df[date].dtype):
            raise AlphaDataError("partition_by='year' needs datetime dates")
        df["year"] = df[date].dt.year
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[GROUPS_METADATA_KEY] = json.dumps([str(g) for g in group_levels]).encode()
    table = table.replace_schema_metadata(meta)
    out = Path(path).expanduser()
    if parts:
        missing = [c for c in parts if c not in df.columns]
        if missing:
            raise AlphaDataError(f"cannot partition by missing column(s): {', '.join(missing)}")
        out.mkdir(parents=True, exist_ok=True)
        pq.write_to_dataset(table, root_path=str(out), partition_cols=parts)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, str(out))


def write_csv(
    data: Panel | pd.DataFrame, path: PathLike, *, date: str = "date", asset: str = "asset"
) -> None:
    """Write a Panel (as a long table, groups included) or a DataFrame to CSV.

    Example:
        >>> # write_csv(panel, "prices.csv")
    """
    df, _ = _long_frame(data, date, asset)
    out = Path(path).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)


def load_panel(path: PathLike, **kw: Any) -> Panel:
    """Read a Panel from a parquet file/directory or a CSV file, choosing by the path's suffix.

    Keyword arguments go to :func:`read_parquet` or :func:`read_csv`.

    Example:
        >>> # panel = load_panel("prices.parquet", fields=["close"], start="2020-01-01")
    """
    p = _existing(path)
    name = p.name.lower()
    if p.is_dir() or name.endswith(PARQUET_SUFFIXES):
        return read_parquet(p, **kw)
    if name.endswith(CSV_SUFFIXES):
        return read_csv(p, **kw)
    raise AlphaDataError(
        f"cannot tell the format of '{path}' from its suffix",
        hint=f"use a directory or one of: {', '.join(PARQUET_SUFFIXES + CSV_SUFFIXES)}",
    )
