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

import bz2
import gzip
import itertools
import json
import lzma
import os
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from alphalang.data.columns import check_errors, is_text, parse_dates, parse_ids, parse_numbers
from alphalang.data.panel import DEFAULT_GROUP_LEVELS, Panel, _names_list, _suggest
from alphalang.errors import AlphaDataError
from alphalang.source import Span

__all__ = ["attach_groups", "load_panel", "read_csv", "read_groups", "read_parquet", "with_group_file", "write_csv",
           "write_parquet"]

#: schema metadata key listing which columns of a parquet file are group levels
GROUPS_METADATA_KEY = b"alphalang.groups"
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")

PathLike = str | os.PathLike[str]

#: parquet pages written with a CRC (write_parquet writes one) are verified on read
PARQUET_FORMAT = ds.ParquetFileFormat(
    default_fragment_scan_options=ds.ParquetFragmentScanOptions(page_checksum_verification=True))
#: what a damaged file can raise while it is read (decompression, decoding, arrow)
READ_ERRORS = (OSError, ValueError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, pa.ArrowException)


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
    date, asset = _key_columns(available, date, asset, source)

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


#: column names that usually hold the dates or the asset ids, suggested when the expected column is absent
KEY_ALIASES = {"date": ("date", "datetime", "time", "timestamp", "trade_date", "trading_date", "day"),
               "asset": ("asset", "ticker", "symbol", "instrument", "code", "stock", "permno", "secid", "name")}
#: the command-line option that names each key column
KEY_OPTIONS = {"date": "--date-col", "asset": "--asset-col"}


def _key_columns(available: Sequence[str], date: str, asset: str, source: str) -> tuple[str, str]:
    return key_column(available, date, "date", source), key_column(available, asset, "asset", source)


def key_column(available: Sequence[str], column: str, what: str, source: str = "the data") -> str:
    """The actual name of the ``what`` ("date" or "asset") column ``column``: exact, else the one column equal to
    it ignoring case; an error lists the columns and suggests the likely one and how to name it.

    Example:
        >>> key_column(["Date", "Ticker", "close"], "date", "date")
        'Date'
        >>> key_column(["Date", "Ticker", "close"], "asset", "asset")
        Traceback (most recent call last):
        ...
        alphalang.errors.AlphaDataError: error: the data has no asset column 'asset'
          hint: columns are: Date, Ticker, close; 'Ticker' looks like the asset column: pass --asset-col Ticker \
(Python: asset='Ticker')
    """
    if column in available:
        return column
    same = [c for c in available if str(c).lower() == str(column).lower()]
    if len(same) == 1:
        return same[0]
    likely = [c for c in available if str(c).lower() in KEY_ALIASES[what]]
    option = KEY_OPTIONS[what]
    advice = (f"'{likely[0]}' looks like the {what} column: pass {option} {likely[0]} (Python: {what}='{likely[0]}')"
              if likely else f"name it with {option} NAME (Python: {what}='NAME')")
    raise AlphaDataError(f"{source} has no {what} column '{column}'",
                         hint=f"columns are: {', '.join(map(str, available))}; {advice}")


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
    date_format: str | None = None,
    errors: str = "raise",
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
        date_format: how text dates are written (``strftime`` pattern); default ISO-8601.
        errors: ``"raise"`` (default) on a text cell in a field column, or ``"coerce"`` it to NaN with a warning.

    A damaged file (or one damaged file of a directory) raises ``AlphaDataError`` naming that file.

    Example:
        >>> # panel = read_parquet("prices/", fields=["close", "volume"], start="2020-01-01")
    """
    check_errors(errors)
    p = _existing(path)
    try:
        dataset = ds.dataset(str(p), format=PARQUET_FORMAT, partitioning="hive")
    except READ_ERRORS as exc:
        raise _unreadable_parquet(p, exc) from None
    schema = dataset.schema
    default_groups: list[str] = list(DEFAULT_GROUP_LEVELS)
    meta = schema.metadata or {}
    if GROUPS_METADATA_KEY in meta:
        try:
            default_groups = [str(g).lower() for g in json.loads(meta[GROUPS_METADATA_KEY])]
        except ValueError:
            pass
    partition_keys = _hive_keys(p, getattr(dataset, "files", []))
    date, asset = _key_columns(schema.names, date, asset, f"'{path}'")
    field_cols, group_cols, columns = _select_columns(
        schema.names, date, asset, fields, groups, default_groups, skip=partition_keys, source=f"'{path}'"
    )
    expr: ds.Expression | None = None
    typ = schema.field(date).type
    text_dates = pa.types.is_string(typ) or pa.types.is_large_string(typ)
    if start is not None and not text_dates:  # text dates are filtered once parsed (text order is not time)
        expr = ds.field(date) >= _bound_scalar(start, typ, "start")
    if end is not None and not text_dates:
        upper = ds.field(date) <= _bound_scalar(end, typ, "end")
        expr = upper if expr is None else expr & upper
    try:
        df = _scan(dataset, columns, expr).to_pandas()
    except READ_ERRORS as exc:
        raise _unreadable_parquet(p, exc) from None
    where = _row_locator(path)
    df[date] = parse_dates(df[date], date, date_format, where)
    if text_dates:
        df = _between(df, date, start, end, path)
    return _from_frame(df, date, asset, field_cols, group_cols, fields is not None, errors, where)


def _unreadable_parquet(path: Path, exc: BaseException) -> AlphaDataError:
    """The error for a parquet file or directory that cannot be read, naming the first damaged file."""
    files = sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith(("_", "."))) \
        if path.is_dir() else [path]
    for f in files:
        try:
            pq.ParquetFile(f, page_checksum_verification=True).read()
        except READ_ERRORS as file_exc:
            where = f"'{f}'" if f == path else f"'{f}' (in '{path}')"
            return AlphaDataError(f"cannot read {where} as parquet: {file_exc}",
                                  hint="the file is damaged or not parquet; rewrite it or move it away")
    return AlphaDataError(f"cannot read '{path}' as parquet: {exc}")


def _row_locator(path: PathLike):
    """Cells of a table without source text are located by row (1-based)."""
    return lambda label, column, value: (f" at row {int(label) + 1} of '{path}'", None)


def _csv_locator(path: Path, shown: PathLike, header: list[str]):
    """Cells of a CSV file are located by ``file:line:col`` with the line and a caret (one line per row)."""

    def where(label: Any, column: str, value: Any) -> tuple[str, Span | None]:
        line = int(label) + 2  # line 1 is the header
        text = _csv_line(path, line)
        if text is None:
            return f" at line {line} of '{shown}'", None
        cells, k = text.split(","), header.index(column) if column in header else -1
        if len(cells) == len(header) and k >= 0:
            offset = sum(len(c) + 1 for c in cells[:k])
        else:
            offset = max(text.find(str(value)), 0)
        start = line - 1 + offset
        return "", Span(str(shown), "\n" * (line - 1) + text, line, offset + 1, start, start + len(str(value)))

    return where


def _csv_line(path: Path, line: int) -> str | None:
    """The text of one (1-based) line of a plain or compressed text file, or None."""
    openers = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    opener = openers.get(path.suffix.lower(), open)
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            got = next(itertools.islice(f, line - 1, None), None)
    except READ_ERRORS:
        return None
    return None if got is None else got.rstrip("\r\n")


def _between(df: pd.DataFrame, date: str, start: Any, end: Any, path: PathLike) -> pd.DataFrame:
    """The rows of ``df`` whose (parsed) date lies in ``[start, end]``."""
    if start is None and end is None:
        return df
    dates = df[date]
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
            raise AlphaDataError(f"{what}={bound!r} cannot be compared with the dates in '{path}'") from None
    return df.loc[keep]


def _from_frame(df: pd.DataFrame, date: str, asset: str, field_cols: list[str], group_cols: list[str],
                explicit_fields: bool, errors: str, where) -> Panel:
    """Numbers parsed (text-only columns skipped unless asked for), then the long table -> Panel."""
    if not explicit_fields:
        field_cols = [c for c in field_cols if not is_text(df[c])]
    for c in field_cols:
        df[c] = parse_numbers(df[c], c, errors, where)
    return Panel.from_long(df, date=date, asset=asset, groups=group_cols, fields=field_cols)


def _read_csv(path: Path, shown: PathLike, **kw: Any) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kw)
    except READ_ERRORS as exc:
        raise AlphaDataError(f"cannot read '{shown}' as CSV: {exc}",
                             hint="CSV files must be UTF-8 text with a header line") from None


def read_csv(
    path: PathLike,
    fields: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    date: str = "date",
    asset: str = "asset",
    groups: Sequence[str] | None = None,
    date_format: str | None = None,
    errors: str = "raise",
) -> Panel:
    """Read a long CSV file (columns date, asset, fields...) into a Panel; same options as read_parquet.

    Dates are ISO-8601 unless ``date_format`` is given; a date, or a field cell, that does not parse is an error
    at ``file:line:col`` (``errors="coerce"`` reads bad field cells as NaN, with one warning). Asset ids keep
    their text. Only the needed columns are parsed. CSV keeps no metadata, so group levels other than
    sector/industry/subindustry must be named in ``groups``.

    Example:
        >>> # panel = read_csv("prices.csv", fields=["close"], start="2020-01-01", end="2020-12-31")
    """
    check_errors(errors)
    p = _existing(path)
    header = list(_read_csv(p, path, nrows=0).columns)
    date, asset = _key_columns(header, date, asset, f"'{path}'")
    field_cols, group_cols, columns = _select_columns(
        header, date, asset, fields, groups, DEFAULT_GROUP_LEVELS, source=f"'{path}'"
    )
    df = _read_csv(p, path, usecols=columns, dtype={date: str, asset: str}, skip_blank_lines=False)
    df = df.dropna(how="all")  # blank lines (kept above so that row i is line i + 2)
    where = _csv_locator(p, path, header)
    df[asset] = parse_ids(df[asset])
    df[date] = parse_dates(df[date], date, date_format, where)
    df = _between(df, date, start, end, path)
    return _from_frame(df, date, asset, field_cols, group_cols, fields is not None, errors, where)


def read_groups(
    path: PathLike,
    asset: str = "asset",
    date: str = "date",
    levels: Sequence[str] | None = None,
    date_format: str | None = None,
) -> dict[str, pd.Series | pd.DataFrame]:
    """Group labels kept apart from the prices: a CSV or parquet file with an asset column and one column per
    group level (``asset, sector, industry``), or, for labels that change over time, also a date column (each
    row holds from its date until the asset's next row).

    The asset column is ``asset`` (or the one column named like an asset id: ticker, symbol, ...). Returns
    level -> integer codes (text labels numbered in sorted order, an empty cell -1 = no group): a Series
    by asset, or a (dates x assets) DataFrame; give them to ``Panel.with_groups`` (or use ``with_group_file``).
    ``levels`` picks some columns (default: every column but the asset and date).

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "sectors.csv")
        >>> _ = open(path, "w").write("asset,sector\\nB,Energy\\nA,Utilities\\nC,\\n")
        >>> read_groups(path)["sector"].to_dict()
        {'B': 0, 'A': 1, 'C': -1}
    """
    p = _existing(path)
    name = p.name.lower()
    if name.endswith(CSV_SUFFIXES):
        table = _read_csv(p, path, dtype=str, keep_default_na=False, na_values=[""])
    elif p.is_dir() or name.endswith(PARQUET_SUFFIXES):
        try:
            table = pd.read_parquet(p)
        except READ_ERRORS as exc:
            raise _unreadable_parquet(p, exc) from None
    else:
        raise AlphaDataError(f"cannot tell the format of the groups file '{path}' from its suffix",
                             hint=f"use one of: {', '.join(PARQUET_SUFFIXES + CSV_SUFFIXES)}")
    source = f"the groups file '{path}'"
    aliases = [c for c in table.columns if str(c).lower() in KEY_ALIASES["asset"]]
    if asset not in table.columns and len(aliases) == 1:  # named unlike the prices' asset column, yet plain
        asset = aliases[0]
    asset = key_column(list(table.columns), asset, "asset", source)
    dated = date in table.columns or any(str(c).lower() == date.lower() for c in table.columns)
    date = key_column(list(table.columns), date, "date", source) if dated else None
    keys = [c for c in (asset, date) if c is not None]
    by_lower = {str(c).lower(): c for c in table.columns if c not in keys}
    if levels is None:
        columns = list(by_lower.values())
    else:
        columns = []
        for level in levels:
            key = level.lower().removeprefix("indclass.")
            if key not in by_lower:
                raise AlphaDataError(f"{source} has no group column '{level}'", hint=_suggest(key, by_lower, "columns"))
            columns.append(by_lower[key])
    if not columns:
        raise AlphaDataError(f"{source} has no group column",
                             hint=f"columns are: {', '.join(map(str, table.columns))}; expected the asset column "
                             "and one column per group level, e.g. asset,sector,industry")
    ids = parse_ids(table[asset]) if name.endswith(CSV_SUFFIXES) else table[asset]
    index: pd.Index | pd.MultiIndex = pd.Index(ids)
    if date is not None:
        dates = parse_dates(table[date], date, date_format, _row_locator(path))
        index = pd.MultiIndex.from_arrays([dates, ids])
    if index.duplicated().any():
        first = index[index.duplicated()][0]
        raise AlphaDataError(f"{source} lists {'(date, asset)' if date else 'asset'} {first!r} more than once",
                             hint="each asset needs one row" + (" per date" if date else ""))
    out: dict[str, pd.Series | pd.DataFrame] = {}
    for column in columns:
        codes = pd.Series(_group_codes(table[column]), index=index)
        out[str(column).lower()] = codes if date is None else codes.unstack().sort_index()
    return out


def _group_codes(labels: pd.Series) -> np.ndarray:
    """Integer codes of group labels: whole numbers as they are, text numbered in sorted order; missing -> -1."""
    numbers = pd.to_numeric(labels, errors="coerce")
    if labels.notna().sum() == numbers.notna().sum() and (numbers.dropna() % 1 == 0).all():
        return numbers.fillna(-1).to_numpy(np.int64)
    codes, _ = pd.factorize(labels, sort=True)
    return codes.astype(np.int64)


def with_group_file(panel: Panel, path: PathLike, **kw: Any) -> Panel:
    """``panel`` with the group levels of a separate file (``read_groups``; keyword arguments go there): labels
    by asset, or as of each date when the file has a date column. An asset the file does not list has no group
    (-1); a file that names none of the panel's assets is an error (asset ids spelled differently?).

    Example:
        >>> # panel = with_group_file(load_panel("prices.csv.gz"), "sectors.csv")
    """
    return attach_groups(panel, read_groups(path, **kw), path)


def attach_groups(panel: Panel, levels: dict[str, pd.Series | pd.DataFrame], path: PathLike = "the groups file"
                  ) -> Panel:
    """``panel`` with the group levels ``read_groups`` returned (see ``with_group_file``)."""
    if not levels:
        return panel
    first = next(iter(levels.values()))
    listed = first.index if isinstance(first, pd.Series) else first.columns
    if not panel.assets.isin(listed).any():
        raise AlphaDataError(
            f"none of the {panel.n_assets} assets of the data is listed in the groups file '{path}'",
            hint=f"the data's assets look like {_names_list(map(repr, panel.assets[:3]))}, the file's like "
            f"{_names_list(map(repr, listed[:3]))}; the asset columns must hold the same ids")
    aligned = {level: codes if isinstance(codes, pd.Series) else
               codes.reindex(codes.index.union(panel.dates)).ffill().reindex(panel.dates).fillna(-1)
               for level, codes in levels.items()}
    return panel.with_groups(**aligned)


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
        pq.write_to_dataset(table, root_path=str(out), partition_cols=parts, write_page_checksum=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, str(out), write_page_checksum=True)


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
