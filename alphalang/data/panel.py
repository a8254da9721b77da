"""The Panel: dense float64 (dates x assets) fields plus integer group labels, with dates and assets indexes.

Every field is a C-contiguous float64 array of shape (T, N): row t is a date (oldest first), column i an
asset; NaN means missing. Group levels (sector, industry, ...) are int64 labels of shape (N,) or (T, N), a
negative label meaning "no group". Field and level names are case-insensitive (stored lower-case).

Example:
    >>> import numpy as np
    >>> p = Panel({"Close": np.ones((3, 2))}, groups={"sector": [0, 1]}, assets=["AAA", "BBB"])
    >>> p.shape, p.field("close").dtype, p.group("SECTOR").shape
    ((3, 2), dtype('float64'), (3, 2))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alphalang.data.labels import align_fields, align_group
from alphalang.data.labels import as_date_index as _as_date_index
from alphalang.data.labels import fmt_label as _fmt
from alphalang.errors import AlphaDataError
from alphalang.suggest import suggest

DEFAULT_GROUP_LEVELS: tuple[str, ...] = ("sector", "industry", "subindustry")

__all__ = ["Panel", "DEFAULT_GROUP_LEVELS", "as_panel"]


def _names_list(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    if not names:
        return "(none)"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def _suggest(name: str, choices: Iterable[str], what: str) -> str:
    choices = sorted(choices)
    close = suggest(name.lower(), choices)
    avail = f"available {what}: {_names_list(choices)}"
    return f"{close} {avail}" if close else avail


def _norm_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise AlphaDataError(f"{what} names must be non-empty strings, got {name!r}")
    key = name.strip().lower()
    if what == "group level" and key.startswith("indclass."):
        key = key[len("indclass.") :]
    return key


def _to_float_array(name: str, values: Any) -> np.ndarray:
    """Coerce one field to a C-contiguous float64 ndarray (any ndim; the caller checks the shape)."""
    if isinstance(values, (pd.DataFrame, pd.Series)):
        try:
            return np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan), order="C")
        except (TypeError, ValueError) as exc:
            raise AlphaDataError(
                f"field '{name}' is not numeric: {exc}",
                hint="fields must hold numbers (int, float or bool); convert or drop text columns",
            ) from None
    arr = np.asarray(values)
    kind = arr.dtype.kind
    if kind in "biuf":
        return np.asarray(arr, dtype=np.float64, order="C")
    if kind == "O":
        try:
            return np.asarray(arr.astype(np.float64), order="C")
        except (TypeError, ValueError) as exc:
            raise AlphaDataError(
                f"field '{name}' holds values that are not numbers ({exc})",
                hint="fields must hold numbers (int, float or bool); use NaN for missing values",
            ) from None
    kinds = {"U": "strings", "S": "bytes", "M": "datetimes", "m": "timedeltas", "c": "complex numbers"}
    raise AlphaDataError(
        f"field '{name}' has dtype {arr.dtype} ({kinds.get(kind, 'not numbers')}); fields must be numeric",
        hint="fields must hold numbers (int, float or bool); convert text with pd.to_numeric first",
    )


def _to_group_array(level: str, values: Any) -> np.ndarray:
    """Coerce one group level to int64 labels (NaN -> -1); shape checked by the caller."""
    if isinstance(values, (pd.DataFrame, pd.Series)):
        values = values.to_numpy()
    arr = np.asarray(values)
    kind = arr.dtype.kind
    if kind in "iub":
        return np.asarray(arr, dtype=np.int64, order="C")
    if kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise AlphaDataError(
                f"group level '{level}' holds non-numeric labels",
                hint="group labels must be integers (negative = no group); "
                "encode text labels with pd.factorize(labels)[0]",
            ) from None
        kind = "f"
    if kind != "f":
        raise AlphaDataError(
            f"group level '{level}' has dtype {arr.dtype}; group labels must be integers",
            hint="encode text labels with pd.factorize(labels)[0] (missing labels become -1)",
        )
    finite = np.isfinite(arr)
    bad_inf = np.isinf(arr)
    if bad_inf.any():
        raise AlphaDataError(f"group level '{level}' contains infinite labels", hint="use -1 for 'no group'")
    frac = finite & (arr != np.round(np.where(finite, arr, 0.0)))
    if frac.any():
        example = float(arr[frac].flat[0])
        raise AlphaDataError(
            f"group level '{level}' has non-integer label {example!r}",
            hint="group labels must be whole numbers (negative or NaN = no group)",
        )
    out = np.where(finite, arr, -1.0)
    if out.size and np.abs(out).max() > 2**62:
        raise AlphaDataError(f"group level '{level}' has labels too large for int64")
    return np.asarray(out.astype(np.int64), order="C")


def _check_index(idx: pd.Index, what: str, expected_len: int, axis: str) -> None:
    if len(idx) != expected_len:
        raise AlphaDataError(
            f"{what} has {len(idx)} labels but the fields have {expected_len} {axis}",
            hint=f"pass one {what[:-1]} label per {axis[:-1]} (fields are (dates, assets) arrays)",
        )
    if idx.hasnans:
        pos = int(np.flatnonzero(np.asarray(idx.isna()))[0])
        raise AlphaDataError(f"{what} has a missing label at position {pos}")


def _validate_dates(dates: pd.Index) -> None:
    if len(dates) < 2 or (dates.is_monotonic_increasing and dates.is_unique):
        return
    try:
        ok = np.asarray(dates[1:] > dates[:-1], dtype=bool)
    except TypeError as exc:
        raise AlphaDataError(
            f"dates cannot be ordered ({exc})", hint="use one date type throughout (e.g. datetime64)"
        ) from None
    bad = np.flatnonzero(~ok)
    if bad.size == 0:  # pragma: no cover - monotonic check and comparison disagree
        return
    i = int(bad[0]) + 1
    cur, prev = dates[i], dates[i - 1]
    if cur == prev:
        raise AlphaDataError(
            f"duplicate date {_fmt(cur)} at rows {i - 1} and {i}; dates must be unique",
            hint="aggregate or drop duplicate rows so each date appears once",
        )
    raise AlphaDataError(
        f"dates must be strictly increasing: date {_fmt(cur)} at row {i} "
        f"is not after {_fmt(prev)} at row {i - 1}",
        hint="sort the rows by date (oldest first), e.g. df.sort_index()",
    )


def _validate_assets(assets: pd.Index) -> None:
    if assets.is_unique:
        return
    dups = pd.unique(np.asarray(assets[assets.duplicated()], dtype=object))
    raise AlphaDataError(
        f"duplicate assets: {_names_list([_fmt(a) for a in dups], limit=8)}",
        hint="each asset must label exactly one column",
    )


class Panel:
    """Dense (T dates x N assets) float64 fields, group labels, and the dates/assets indexes.

    Args:
        fields: name -> (T, N) array-like (ints, bools, floats; NaN = missing), or a DataFrame (dates x
            assets) placed by its labels. Names are case-insensitive.
        groups: level -> (N,) or (T, N) integer labels (negative = no group; float NaN becomes -1), or a
            Series by asset / DataFrame by (date, asset), reindexed on the panel's labels (missing -> -1).
        dates: T labels, strictly increasing (default ``np.arange(T)``, or the sorted union of the frames'
            indexes); datetimes become a DatetimeIndex.
        assets: N unique labels (default ``np.arange(N)``, or the sorted union of the frames' columns).

    DataFrames are aligned on their labels (see :mod:`alphalang.data.labels`: sorted union of dates, NaN where
    a frame lacks a cell); plain arrays are positional. Arrays already float64 and C-contiguous are stored
    without copying.

    Example:
        >>> import numpy as np
        >>> p = Panel({"close": [[1.0, 2.0], [1.5, np.nan]]}, dates=["2020-01-02", "2020-01-03"])
        >>> p.n_dates, p.n_assets, "CLOSE" in p
        (2, 2, True)
    """

    __slots__ = ("_fields", "_groups", "_dates", "_assets", "_shape")

    def __init__(
        self,
        fields: Mapping[str, Any],
        groups: Mapping[str, Any] | None = None,
        dates: Any = None,
        assets: Any = None,
    ) -> None:
        if not isinstance(fields, Mapping):
            raise AlphaDataError(
                f"fields must be a mapping of name -> (T, N) array, got {type(fields).__name__}",
                hint="e.g. Panel({'close': close_array})",
            )
        fields, dates, assets = align_fields(fields, dates, assets)
        stored: dict[str, np.ndarray] = {}
        shape: tuple[int, int] | None = None
        first = ""
        for raw, values in fields.items():
            name = _norm_name(raw, "field")
            if name in stored:
                raise AlphaDataError(
                    f"field '{raw}' is given twice (names are case-insensitive)",
                    hint="rename one of the fields",
                )
            arr = _to_float_array(name, values)
            if arr.ndim != 2:
                raise AlphaDataError(
                    f"field '{name}' has shape {arr.shape}; fields must be 2-D (dates, assets) arrays",
                    hint="reshape a single series with x.reshape(-1, 1)" if arr.ndim == 1 else None,
                )
            if shape is None:
                shape, first = (int(arr.shape[0]), int(arr.shape[1])), name
            elif arr.shape != shape:
                raise AlphaDataError(
                    f"field '{name}' has shape {arr.shape} but field '{first}' has shape {shape}",
                    hint="every field must share one (dates, assets) shape",
                )
            stored[name] = arr
        if shape is None:
            if dates is None or assets is None:
                raise AlphaDataError(
                    "a Panel needs at least one field (or both dates and assets to fix its shape)"
                )
            shape = (len(pd.Index(dates)), len(pd.Index(assets)))
        t, n = shape

        date_index = pd.Index(np.arange(t)) if dates is None else _as_date_index(dates)
        _check_index(date_index, "dates", t, "rows")
        _validate_dates(date_index)
        asset_index = pd.Index(np.arange(n)) if assets is None else pd.Index(assets)
        _check_index(asset_index, "assets", n, "columns")
        _validate_assets(asset_index)

        group_store: dict[str, np.ndarray] = {}
        for raw, values in (groups or {}).items():
            level = _norm_name(raw, "group level")
            if level in group_store:
                raise AlphaDataError(f"group level '{raw}' is given twice (names are case-insensitive)")
            arr = _to_group_array(level, align_group(level, values, date_index, asset_index))
            if arr.shape not in ((n,), (t, n)):
                raise AlphaDataError(
                    f"group level '{level}' has shape {arr.shape}; expected ({n},) or ({t}, {n})",
                    hint="give one label per asset, or one per (date, asset) cell",
                )
            group_store[level] = arr

        self._fields = stored
        self._groups = group_store
        self._dates = date_index
        self._assets = asset_index
        self._shape = (t, n)

    @classmethod
    def _trusted(
        cls, fields: dict[str, np.ndarray], groups: dict[str, np.ndarray], dates: pd.Index, assets: pd.Index
    ) -> Panel:
        """Build without validation from parts that are already valid (internal)."""
        self = object.__new__(cls)
        self._fields = fields
        self._groups = groups
        self._dates = dates
        self._assets = assets
        self._shape = (len(dates), len(assets))
        return self

    # -- basic properties -------------------------------------------------------------------------------
    @property
    def fields(self) -> dict[str, np.ndarray]:
        """Field name -> (T, N) float64 array (a new dict; the arrays are shared)."""
        return dict(self._fields)

    @property
    def groups(self) -> dict[str, np.ndarray]:
        """Group level -> int64 labels as given: (N,) or (T, N)."""
        return dict(self._groups)

    @property
    def dates(self) -> pd.Index:
        return self._dates

    @property
    def assets(self) -> pd.Index:
        return self._assets

    @property
    def shape(self) -> tuple[int, int]:
        return self._shape

    @property
    def n_dates(self) -> int:
        return self._shape[0]

    @property
    def n_assets(self) -> int:
        return self._shape[1]

    # -- access -----------------------------------------------------------------------------------------
    def field(self, name: str) -> np.ndarray:
        """The (T, N) float64 array of a field (case-insensitive); AlphaDataError with a suggestion."""
        key = name.lower() if isinstance(name, str) else name
        try:
            return self._fields[key]
        except (KeyError, TypeError):
            raise AlphaDataError(
                f"the data has no field '{name}'", hint=_suggest(str(name), self._fields, "fields")
            ) from None

    def has_field(self, name: str) -> bool:
        return isinstance(name, str) and name.lower() in self._fields

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.has_field(name)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.field(name)

    def has_group(self, level: str) -> bool:
        if not isinstance(level, str):
            return False
        key = level.lower()
        return key.removeprefix("indclass.") in self._groups

    def group(self, level: str) -> np.ndarray:
        """The (T, N) int64 labels of a group level (a read-only broadcast view when stored as (N,))."""
        key = level.lower().removeprefix("indclass.") if isinstance(level, str) else level
        try:
            arr = self._groups[key]
        except (KeyError, TypeError):
            levels = sorted(self._groups)
            raise AlphaDataError(
                f"the data has no group level '{level}'",
                hint=(
                    _suggest(str(key), levels, "group levels")
                    if levels
                    else "the data has no group levels; pass groups={'sector': labels, ...} to Panel"
                ),
            ) from None
        if arr.ndim == 1:
            return np.broadcast_to(arr, self._shape)
        return arr

    # -- derived panels ---------------------------------------------------------------------------------
    def slice_rows(self, start: int | None = None, stop: int | None = None) -> Panel:
        """A new Panel of rows ``start:stop`` (Python slice semantics); arrays are views.

        Example:
            >>> import numpy as np
            >>> Panel({"x": np.zeros((5, 2))}).slice_rows(1, 3).dates.tolist()
            [1, 2]
        """
        sl = slice(start, stop)
        fields = {k: v[sl] for k, v in self._fields.items()}
        groups = {k: (v[sl] if v.ndim == 2 else v) for k, v in self._groups.items()}
        return Panel._trusted(fields, groups, self._dates[sl], self._assets)

    def with_fields(self, **arrays: Any) -> Panel:
        """A new Panel with fields added or replaced (names case-insensitive).

        Example:
            >>> import numpy as np
            >>> p = Panel({"close": np.ones((2, 2))}).with_fields(volume=np.full((2, 2), 10))
            >>> sorted(p.fields)
            ['close', 'volume']

        A DataFrame is aligned on its labels together with this panel's (union of dates and assets).
        """
        fields: dict[str, Any] = dict(self._fields)
        new = {_norm_name(name, "field"): values for name, values in arrays.items()}
        if not any(isinstance(v, pd.DataFrame) for v in new.values()):
            return Panel({**fields, **new}, groups=self._groups, dates=self._dates, assets=self._assets)
        # labelled values: this panel's fields and groups join the alignment with their own labels
        fields = {k: self.to_wide(v) for k, v in fields.items()}
        groups = {k: pd.Series(v, index=self._assets) if v.ndim == 1 else self.to_wide(v)
                  for k, v in self._groups.items()}
        return Panel({**fields, **new}, groups=groups)

    def with_groups(self, **levels: Any) -> Panel:
        """A new Panel with group levels added or replaced."""
        groups: dict[str, Any] = dict(self._groups)
        for name, values in levels.items():
            groups[_norm_name(name, "group level")] = values
        return Panel(self._fields, groups=groups, dates=self._dates, assets=self._assets)

    def __repr__(self) -> str:
        t, n = self._shape
        span = f", {_fmt(self._dates[0])} .. {_fmt(self._dates[-1])}" if t else ""
        groups = ", ".join(
            f"{k}{'(T,N)' if v.ndim == 2 else ''}" for k, v in self._groups.items()
        ) or "none"
        return (
            f"Panel({t} dates x {n} assets{span}; fields: {_names_list(list(self._fields))}; "
            f"groups: {groups})"
        )

    # -- pandas conversion ------------------------------------------------------------------------------
    @classmethod
    def from_long(
        cls,
        df: pd.DataFrame | pd.Series,
        date: str = "date",
        asset: str = "asset",
        groups: Sequence[str] | None = None,
        fields: Sequence[str] | None = None,
    ) -> Panel:
        """Build a Panel from a long table: one row per (date, asset), one column per field.

        ``date``/``asset`` may be columns or index levels. Numeric columns become fields (or only those
        named in ``fields``); columns named in ``groups`` (default: whichever of sector, industry,
        subindustry exist) become (T, N) group levels, with -1 where a cell is missing and text labels
        encoded by sorted order. Missing (date, asset) cells are NaN; dates and assets are sorted.

        Example:
            >>> df = pd.DataFrame({"date": [1, 1, 2], "asset": ["a", "b", "a"], "close": [1.0, 2.0, 3.0]})
            >>> Panel.from_long(df).field("close").tolist()
            [[1.0, 2.0], [3.0, nan]]
        """
        if isinstance(df, pd.Series):
            df = df.to_frame(name=df.name if df.name is not None else "value")
        if not isinstance(df, pd.DataFrame):
            raise AlphaDataError(f"from_long needs a pandas DataFrame, got {type(df).__name__}")
        index_levels = [lv for lv in (date, asset) if lv in (df.index.names or []) and lv not in df.columns]
        if index_levels:
            df = df.reset_index(level=index_levels)
        for col, what in ((date, "date"), (asset, "asset")):
            if col not in df.columns:
                raise AlphaDataError(
                    f"the long table has no {what} column '{col}'",
                    hint=f"columns are: {_names_list([str(c) for c in df.columns])}; "
                    f"pass {what}='<column name>'",
                )
        # case-insensitive column lookup (date/asset excluded)
        lower: dict[str, Any] = {}
        for c in df.columns:
            if c in (date, asset):
                continue
            key = str(c).lower()
            if key in lower:
                raise AlphaDataError(f"columns '{lower[key]}' and '{c}' differ only in case")
            lower[key] = c

        if groups is None:
            group_cols = [lv for lv in DEFAULT_GROUP_LEVELS if lv in lower]
        else:
            group_cols = []
            for g in [groups] if isinstance(groups, str) else groups:
                key = _norm_name(g, "group level")
                if key not in lower:
                    raise AlphaDataError(
                        f"the long table has no group column '{g}'", hint=_suggest(key, lower, "columns")
                    )
                group_cols.append(key)
        if fields is None:
            field_cols = [
                k for k, c in lower.items()
                if k not in group_cols and _is_numeric(df[c])
            ]
        else:
            field_cols = []
            for f in [fields] if isinstance(fields, str) else fields:
                key = _norm_name(f, "field")
                if key not in lower:
                    raise AlphaDataError(
                        f"the long table has no field column '{f}'", hint=_suggest(key, lower, "columns")
                    )
                field_cols.append(key)

        date_vals, asset_vals = df[date], df[asset]
        for col, vals in ((date, date_vals), (asset, asset_vals)):
            if vals.isna().any():
                row = int(np.flatnonzero(vals.isna().to_numpy())[0])
                raise AlphaDataError(f"column '{col}' has a missing value at row {row}")
        try:
            di, dates = pd.factorize(date_vals, sort=True)
        except TypeError:
            raise AlphaDataError(f"dates in column '{date}' cannot be sorted (mixed types?)") from None
        try:
            ai, assets = pd.factorize(asset_vals, sort=True)
        except TypeError:
            ai, assets = pd.factorize(asset_vals, sort=False)
        t, n = len(dates), len(assets)
        flat = di.astype(np.int64) * n + ai
        counts = np.bincount(flat, minlength=t * n) if len(flat) else np.zeros(0, dtype=np.int64)
        if len(flat) and counts.max() > 1:
            first = int(np.flatnonzero(counts[flat] > 1)[0])
            count = int((counts[counts > 1] - 1).sum())
            raise AlphaDataError(
                f"duplicate rows for date {_fmt(date_vals.iloc[first])}, "
                f"asset {_fmt(asset_vals.iloc[first])} "
                f"({count} duplicate (date, asset) row(s) in all)",
                hint="each (date, asset) pair must appear once; aggregate or drop duplicates first",
            )
        out_fields: dict[str, np.ndarray] = {}
        for key in field_cols:
            values = _to_float_array(key, df[lower[key]])
            arr = np.full(t * n, np.nan)
            arr[flat] = values
            out_fields[key] = arr.reshape(t, n)
        out_groups: dict[str, np.ndarray] = {}
        for key in group_cols:
            col = df[lower[key]]
            if _is_numeric(col):
                labels = _to_group_array(key, col)
            else:
                labels, _ = pd.factorize(col, sort=True)
                labels = labels.astype(np.int64)
            arr = np.full(t * n, -1, dtype=np.int64)
            arr[flat] = labels
            out_groups[key] = arr.reshape(t, n)
        return cls(out_fields, groups=out_groups, dates=pd.Index(dates, name=None),
                   assets=pd.Index(assets, name=None))

    @classmethod
    def from_wide(
        cls, frames: Mapping[str, pd.DataFrame], groups: Mapping[str, Any] | None = None
    ) -> Panel:
        """Build a Panel from one DataFrame per field (dates as index, assets as columns).

        Frames are aligned by the rule of :mod:`alphalang.data.labels` (as ``Panel(frames)``): the dates are
        the sorted union of all indexes, the assets the sorted union of all columns; cells a frame lacks are
        NaN. ``groups`` values may be arrays of shape (N,) / (T, N) in that aligned
        order, a Series indexed by asset, or a DataFrame by (date, asset) (missing labels become -1).

        Example:
            >>> a = pd.DataFrame({"x": [1.0, 2.0]}, index=[10, 11])
            >>> b = pd.DataFrame({"y": [5.0]}, index=[11])
            >>> Panel.from_wide({"close": a, "volume": b}).field("volume").tolist()
            [[nan, nan], [nan, 5.0]]
        """
        if not isinstance(frames, Mapping) or not frames:
            raise AlphaDataError("from_wide needs a non-empty mapping of field name -> DataFrame")
        for name, frame in frames.items():
            if isinstance(frame, pd.Series):
                raise AlphaDataError(
                    f"field '{name}' is a Series; from_wide needs a DataFrame (dates x assets)",
                    hint="use series.unstack() for a (date, asset) Series, or Panel.from_long",
                )
            if not isinstance(frame, pd.DataFrame):
                raise AlphaDataError(f"field '{name}' is a {type(frame).__name__}, not a DataFrame")
        return cls(frames, groups=groups)

    def _check_result(self, name: str, values: Any) -> np.ndarray:
        arr = _to_float_array(name, values) if not isinstance(values, np.ndarray) else values
        if arr.shape != self._shape:
            raise AlphaDataError(
                f"result '{name}' has shape {arr.shape} but the panel is {self._shape} (dates, assets)",
                hint="results must be (dates, assets) arrays computed on this panel",
            )
        return arr

    def to_long(
        self,
        results: Mapping[str, Any] | None = None,
        *,
        include_groups: bool = False,
        date: str = "date",
        asset: str = "asset",
    ) -> pd.DataFrame:
        """A long DataFrame indexed by (date, asset), one column per result (default: the fields).

        Every cell is kept (NaN included); rows are date-major. ``include_groups`` adds the group levels
        as int64 columns.

        Example:
            >>> import numpy as np
            >>> Panel({"x": np.arange(4.0).reshape(2, 2)}).to_long().loc[(1, 0), "x"]
            np.float64(2.0)
        """
        results = self._fields if results is None else results
        index = pd.MultiIndex.from_product([self._dates, self._assets], names=[date, asset])
        cols: dict[str, Any] = {}
        for name, values in results.items():
            if name in (date, asset):
                raise AlphaDataError(f"result name '{name}' clashes with the index level '{name}'")
            cols[name] = self._check_result(name, values).reshape(-1)
        if include_groups:
            for level in self._groups:
                if level in cols:
                    raise AlphaDataError(f"group level '{level}' clashes with a field of the same name")
                cols[level] = np.ascontiguousarray(self.group(level)).reshape(-1)
        return pd.DataFrame(cols, index=index)

    def to_wide(self, values: Any) -> pd.DataFrame:
        """A (T, N) array (or a field name) as a DataFrame with dates as index and assets as columns.

        Example:
            >>> import numpy as np
            >>> Panel({"x": np.zeros((2, 3))}).to_wide("x").shape
            (2, 3)
        """
        arr = self.field(values) if isinstance(values, str) else self._check_result("array", values)
        return pd.DataFrame(arr, index=self._dates.copy(), columns=self._assets.copy())


def as_panel(data: Any) -> Panel:
    """The Panel an entry point was given: a Panel, a mapping of fields (arrays or labelled DataFrames, aligned
    as in ``Panel``), or an xarray Dataset.

    Example:
        >>> frame = pd.DataFrame({"A": [2.0, 1.0]}, index=[1, 0])
        >>> as_panel({"close": frame}).field("close").tolist()
        [[1.0], [2.0]]
    """
    if isinstance(data, Panel):
        return data
    if type(data).__module__.split(".")[0] == "xarray":  # before Mapping: a Dataset is a mapping too
        from alphalang.data.xarray_io import panel_from_xarray

        return panel_from_xarray(data)
    if isinstance(data, Mapping):
        return Panel(fields=data)
    raise AlphaDataError(f"expected a Panel, a mapping of field arrays or an xarray Dataset, got "
                         f"{type(data).__name__}",
                         hint="build one with alphalang.Panel(fields={...}) or alphalang.demo_panel()")


def _is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype)
