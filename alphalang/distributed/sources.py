"""Where a chunked run reads its rows: an in-memory ``Panel`` or a hive-partitioned long parquet dataset.

A source knows its dates, assets, field and group names, and reads rows ``[first, stop)`` of the fields and
group levels a chunk needs as a ``ChunkData`` holding *every* asset (cross-sectional and group operators
need whole rows). A ``ParquetSource`` scans only the date, asset and text group columns once (for the global
date and asset order), then each chunk reads only its fields, its date range (pushed down as a filter, and
as a ``year`` partition filter when the dataset is partitioned by year) and nothing else; it is a small
picklable description, so the read happens on the worker.

Example:
    >>> import alphalang
    >>> src = as_source(alphalang.demo_panel(30, 4, seed=1))
    >>> src.n_rows, len(src.assets), src.read(5, 9, ("close",), ("sector",)).fields["close"].shape
    (30, 4, (4, 4))
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError

__all__ = ["ChunkData", "ChunkRequest", "PanelSource", "ParquetSource", "as_source", "load"]


@dataclass
class ChunkData:
    """Rows ``first .. first + len`` (absolute) of some fields ((t, N) float64) and group levels ((N,) or
    (t, N) int64 labels)."""

    first: int
    fields: dict[str, np.ndarray]
    groups: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class ChunkRequest:
    """A read to do where the task runs: ``source.read(first, stop, fields, groups)``."""

    source: Any
    first: int
    stop: int
    fields: tuple[str, ...]
    groups: tuple[str, ...]


def load(data: ChunkData | ChunkRequest) -> ChunkData:
    """The chunk's data, reading it now if it is a ``ChunkRequest``."""
    if isinstance(data, ChunkRequest):
        return data.source.read(data.first, data.stop, data.fields, data.groups)
    return data


class PanelSource:
    """An in-memory panel; chunks are row slices (the engine ships each chunk's slice to its task)."""

    lazy = False

    def __init__(self, panel) -> None:
        self.panel = panel
        self.dates, self.assets = panel.dates, panel.assets
        self.fields = tuple(panel.fields)
        self.groups = tuple(panel.groups)
        self.n_rows = panel.n_dates

    def read(self, first: int, stop: int, fields, groups) -> ChunkData:
        raw = self.panel.groups
        return ChunkData(first, {f: self.panel.field(f)[first:stop] for f in fields},
                         {g: raw[g] if raw[g].ndim == 1 else raw[g][first:stop] for g in groups})


def _where(*_args) -> tuple[str, None]:
    return "", None


class ParquetSource:
    """A long parquet file or hive-partitioned directory (``year=``/``date=``/``asset=`` keys), read per chunk.

    ``date``/``asset`` name the key columns; ``groups`` the group-level columns (default: those recorded by
    ``write_parquet``, else whichever of sector/industry/subindustry exist). Text group labels are coded by
    their sorted order over the whole dataset, as ``load_panel`` codes them.
    """

    lazy = True

    def __init__(self, path: str | os.PathLike, date: str = "date", asset: str = "asset", groups=None) -> None:
        from alphalang.data.io import GROUPS_METADATA_KEY, _hive_keys, _select_columns
        from alphalang.data.panel import DEFAULT_GROUP_LEVELS

        self.path = str(Path(path).expanduser())
        if not Path(self.path).exists():
            raise AlphaDataError(f"no such dataset: {path}")
        dataset = self._dataset()
        schema = dataset.schema
        meta = schema.metadata or {}
        default_groups = list(DEFAULT_GROUP_LEVELS)
        if GROUPS_METADATA_KEY in meta:
            import json

            default_groups = [str(g).lower() for g in json.loads(meta[GROUPS_METADATA_KEY])]
        self.partition_keys = tuple(_hive_keys(Path(self.path), getattr(dataset, "files", [])))
        field_cols, group_cols, _ = _select_columns(schema.names, date, asset, None, groups, default_groups,
                                                    skip=self.partition_keys, source=f"'{path}'")
        self.date_col = next(c for c in schema.names if c.lower() == date.lower())
        self.asset_col = next(c for c in schema.names if c.lower() == asset.lower())
        numeric = [c for c in field_cols if _is_number(schema.field(c).type)]
        self.field_cols = {c.lower(): c for c in numeric}
        self.group_cols = {c.lower().removeprefix("indclass."): c for c in group_cols}
        self.fields = tuple(self.field_cols)
        self.groups = tuple(self.group_cols)
        self.date_type = schema.field(self.date_col).type
        self._scan(dataset)

    def _dataset(self):
        import pyarrow.dataset as ds

        from alphalang.data.io import PARQUET_FORMAT

        return ds.dataset(self.path, format=PARQUET_FORMAT, partitioning="hive")

    def _scan(self, dataset) -> None:
        """The sorted dates, assets and text group categories, from those columns only, batch by batch."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from alphalang.data.columns import parse_dates

        text_groups = [c for c in self.group_cols.values() if not _is_number(dataset.schema.field(c).type)]
        seen: dict[str, list] = {c: [] for c in (self.date_col, self.asset_col, *text_groups)}
        for batch in dataset.to_batches(columns=list(seen)):
            for c in seen:
                seen[c].append(pc.unique(batch.column(c)))
        uniq = {c: pc.unique(pa.chunked_array(v, type=dataset.schema.field(c).type)).drop_null() if v else None
                for c, v in seen.items()}
        if uniq[self.date_col] is None or len(uniq[self.date_col]) == 0:
            raise AlphaDataError(f"the dataset {self.path} has no rows")
        raw = pd.Series(uniq[self.date_col].to_pandas())
        parsed = pd.DatetimeIndex(parse_dates(raw, self.date_col, None, _where))
        order = np.argsort(parsed.asi8, kind="stable")
        self.dates = parsed[order]
        self._raw_dates = raw.to_numpy()[order] if self._text_dates else None
        self.assets = pd.Index(np.sort(uniq[self.asset_col].to_numpy(zero_copy_only=False)))
        self.categories = {c: np.sort(uniq[c].to_numpy(zero_copy_only=False)) for c in text_groups}
        self.n_rows = len(self.dates)

    @property
    def _text_dates(self) -> bool:
        import pyarrow as pa

        return pa.types.is_string(self.date_type) or pa.types.is_large_string(self.date_type)

    def _filter(self, first: int, stop: int):
        import pyarrow.dataset as ds

        from alphalang.data.io import _bound_scalar

        lo, hi = self.dates[first], self.dates[stop - 1]
        if self._text_dates:
            expr = ds.field(self.date_col).isin(list(self._raw_dates[first:stop]))
        else:
            expr = ((ds.field(self.date_col) >= _bound_scalar(lo, self.date_type, "start"))
                    & (ds.field(self.date_col) <= _bound_scalar(hi, self.date_type, "end")))
        if "year" in self.partition_keys:  # prune whole year directories
            expr = expr & (ds.field("year") >= lo.year) & (ds.field("year") <= hi.year)
        return expr

    def _asset_positions(self, column) -> np.ndarray:
        """Each value's position in ``self.assets``, matched by arrow (no Python objects per row)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if getattr(self, "_asset_array", None) is None:
            self._asset_array = pa.array(self.assets.to_numpy())
        values = pc.cast(column, self._asset_array.type)
        return pc.index_in(values, value_set=self._asset_array).fill_null(-1).to_numpy(zero_copy_only=False)

    def read(self, first: int, stop: int, fields, groups) -> ChunkData:
        """Rows ``[first, stop)`` of ``fields`` and ``groups`` for every asset (NaN / -1 where a cell is absent)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        cols = [self.field_cols[f] for f in fields]
        gcols = [self.group_cols[g] for g in groups]
        table = self._dataset().to_table(columns=[self.date_col, self.asset_col, *cols, *gcols],
                                         filter=self._filter(first, stop), use_threads=False)
        dates = self.dates[first:stop]
        raw = table.column(self.date_col).to_pandas()
        if self._text_dates:
            raw = pd.Series(pd.Index(self._raw_dates[first:stop]).get_indexer(raw))
            row = raw.to_numpy()
        else:
            row = dates.get_indexer(pd.DatetimeIndex(raw))
        t, n = stop - first, len(self.assets)
        cell = row * n + self._asset_positions(table.column(self.asset_col))  # flat (row, asset) index, once
        out_fields = {}
        for name, c in zip(fields, cols, strict=True):
            a = np.full(t * n, np.nan)
            a[cell] = pc.cast(table.column(c), pa.float64()).to_numpy(zero_copy_only=False)
            out_fields[name] = a.reshape(t, n)
        out_groups = {}
        for name, c in zip(groups, gcols, strict=True):
            values = table.column(c)
            if c in self.categories:
                cats = self.categories[c]
                v = values.to_numpy(zero_copy_only=False)
                valid = ~pd.isna(v)
                codes = np.full(len(v), -1, dtype=np.int64)
                codes[valid] = np.searchsorted(cats, v[valid])
            else:
                v = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
                codes = np.where(np.isnan(v), -1, np.nan_to_num(v, nan=-1)).astype(np.int64)
            g = np.full(t * n, -1, dtype=np.int64)
            g[cell] = codes
            out_groups[name] = g.reshape(t, n)
        return ChunkData(first, out_fields, out_groups)


def _is_number(typ) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ)


def as_source(source, **options) -> PanelSource | ParquetSource:
    """A source from a ``Panel`` (or anything ``Program.run`` takes) or a parquet path (``options``: date,
    asset, groups)."""
    if isinstance(source, PanelSource | ParquetSource):
        return source
    if isinstance(source, str | os.PathLike):
        return ParquetSource(source, **options)
    from alphalang.data import as_panel

    return PanelSource(as_panel(source))
