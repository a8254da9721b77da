"""Panels as xarray Datasets and back (xarray is an optional dependency: ``pip install xarray``).

Fields and results become float64 ``(date, asset)`` variables; group levels become int64 variables over
``asset`` or ``(date, asset)``. Each variable carries ``attrs["alphalang"]`` = "field", "result" or "group",
so a round trip keeps every role.

Example:
    >>> from alphalang.data import demo_panel
    >>> p = demo_panel(20, 4)
    >>> ds = panel_to_xarray(p, {"mom": p.field("close") * 0})
    >>> sorted(ds.data_vars)[:3], ds["close"].dims
    (['cap', 'close', 'high'], ('date', 'asset'))
    >>> panel_from_xarray(ds).shape
    (20, 4)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alphalang.data.panel import DEFAULT_GROUP_LEVELS, Panel
from alphalang.errors import AlphaDataError

__all__ = ["data_array_frame", "panel_to_xarray", "panel_from_xarray", "results_from_xarray"]

ROLE = "alphalang"
DATE_DIMS = ("date", "time", "datetime", "dates")
ASSET_DIMS = ("asset", "assets", "symbol", "instrument", "ticker", "stock", "id")


def _xr():
    try:
        import xarray
    except ImportError:
        raise AlphaDataError("xarray is not installed", hint="pip install xarray") from None
    return xarray


def panel_to_xarray(panel: Panel, results: Mapping[str, Any] | None = None, *, date: str = "date",
                    asset: str = "asset", include_fields: bool = True):
    """An ``xarray.Dataset`` of the panel's fields, group levels and (optionally) results.

    Example:
        >>> from alphalang.data import demo_panel
        >>> panel_to_xarray(demo_panel(5, 2), include_fields=False)["sector"].dims
        ('asset',)
    """
    xr = _xr()
    data_vars: dict[str, Any] = {}
    if include_fields:
        for name, values in panel.fields.items():
            data_vars[name] = xr.Variable((date, asset), values, attrs={ROLE: "field"})
    for level, labels in panel.groups.items():
        dims = (asset,) if labels.ndim == 1 else (date, asset)
        if level in data_vars:
            raise AlphaDataError(f"group level {level!r} clashes with a field of the same name")
        data_vars[level] = xr.Variable(dims, labels, attrs={ROLE: "group"})
    for name, values in (results or {}).items():
        if name in data_vars:
            raise AlphaDataError(f"result {name!r} clashes with a field or group level of the same name",
                                 hint="rename the output, or pass include_fields=False")
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != panel.shape:
            raise AlphaDataError(f"result {name!r} has shape {arr.shape} but the panel is {panel.shape}")
        data_vars[name] = xr.Variable((date, asset), arr, attrs={ROLE: "result"})
    return xr.Dataset(data_vars, coords={date: np.asarray(panel.dates), asset: np.asarray(panel.assets)})


def _pick_dim(dims: Sequence[str], choices: Sequence[str], given: str | None, what: str) -> str:
    if given is not None:
        if given not in dims:
            raise AlphaDataError(f"the dataset has no {what} dimension {given!r}", hint=f"dimensions: {list(dims)}")
        return given
    for d in dims:
        if str(d).lower() in choices:
            return d
    raise AlphaDataError(f"cannot tell which dimension holds the {what}s among {list(dims)}",
                         hint=f"pass {what}='<dimension name>'")


def panel_from_xarray(data, *, date: str | None = None, asset: str | None = None,
                      fields: Sequence[str] | None = None, groups: Sequence[str] | None = None,
                      include_results: bool = False) -> Panel:
    """A ``Panel`` from a Dataset (or a named DataArray) with a date and an asset dimension.

    Variables marked as groups (``attrs["alphalang"] == "group"``) or integer variables named like a standard
    level (sector, industry, subindustry) become group levels; other numeric variables become fields.
    Results (``attrs["alphalang"] == "result"``) are skipped unless ``include_results``. Variables are placed
    by their coordinates, as DataFrames are in ``Panel`` (dates sorted with their rows; duplicates refused).
    """
    xr = _xr()
    if isinstance(data, xr.DataArray):
        if data.name is None:
            raise AlphaDataError("a DataArray needs a name to become a field", hint="da.rename('close')")
        data = data.to_dataset()
    if not isinstance(data, xr.Dataset):
        raise AlphaDataError(f"expected an xarray Dataset or DataArray, got {type(data).__name__}")
    dims = list(data.dims)
    date_dim = _pick_dim(dims, DATE_DIMS, date, "date")
    asset_dim = _pick_dim([d for d in dims if d != date_dim], ASSET_DIMS, asset, "asset")
    out_fields: dict[str, pd.DataFrame] = {}
    out_groups: dict[str, pd.Series | pd.DataFrame] = {}
    wanted_fields = {f.lower() for f in fields} if fields is not None else None
    wanted_groups = {g.lower() for g in groups} if groups is not None else None
    for name, var in data.data_vars.items():
        key = str(name).lower()
        role = var.attrs.get(ROLE)
        extra = set(var.dims) - {date_dim, asset_dim}
        if extra:
            raise AlphaDataError(f"variable {name!r} has extra dimensions {sorted(extra)}",
                                 hint="select or drop them first, e.g. ds.sel(...)")
        is_group = role == "group" or (wanted_groups is not None and key in wanted_groups) or (
            role is None and key in DEFAULT_GROUP_LEVELS and np.issubdtype(var.dtype, np.integer))
        if is_group:
            if wanted_groups is None or key in wanted_groups:
                out_groups[key] = _labelled(var, date_dim, asset_dim)
            continue
        if role == "result" and not include_results:
            continue
        if wanted_fields is not None and key not in wanted_fields:
            continue
        if not (np.issubdtype(var.dtype, np.number) or np.issubdtype(var.dtype, np.bool_)):
            continue
        missing = [d for d in (date_dim, asset_dim) if d not in var.dims]
        if missing:  # a per-date or per-asset (or scalar) variable: repeat it over the missing dimension
            var = var.expand_dims({d: _labels(data, d) for d in missing})
        out_fields[key] = _labelled(var, date_dim, asset_dim)
    if wanted_fields is not None:
        missing = sorted(wanted_fields - set(out_fields))
        if missing:
            raise AlphaDataError(f"the dataset has no field {missing[0]!r}",
                                 hint=f"variables: {', '.join(map(str, data.data_vars))}")
    if out_fields:  # labelled frames: the Panel aligns them (dates sorted with their rows)
        return Panel(out_fields, groups=out_groups)
    return Panel({}, groups=out_groups, dates=_labels(data, date_dim), assets=_labels(data, asset_dim))


def data_array_frame(da) -> pd.DataFrame:
    """A 2-D DataArray as a DataFrame (dates x assets) labelled by its coordinates.

    Example:
        >>> import xarray as xr
        >>> da = xr.DataArray([[1.0, 2.0]], dims=("asset", "date"), coords={"asset": ["A"], "date": [5, 6]})
        >>> data_array_frame(da).to_dict()
        {'A': {5: 1.0, 6: 2.0}}
    """
    dims = list(da.dims)
    date_dim = _pick_dim(dims, DATE_DIMS, None, "date")
    asset_dim = _pick_dim([d for d in dims if d != date_dim], ASSET_DIMS, None, "asset")
    return _labelled(da, date_dim, asset_dim)


def _labels(data, dim: str):
    return data.indexes[dim] if dim in data.indexes else pd.RangeIndex(data.sizes[dim])


def _labelled(var, date_dim: str, asset_dim: str) -> pd.Series | pd.DataFrame:
    """A variable as a pandas object labelled by its coordinates (a Series over assets, else a frame)."""
    if var.dims == (asset_dim,):
        return pd.Series(var.values, index=_labels(var, asset_dim))
    var = var.transpose(date_dim, asset_dim)
    return pd.DataFrame(var.values, index=_labels(var, date_dim), columns=_labels(var, asset_dim))


def results_from_xarray(ds, *, date: str = "date", asset: str = "asset") -> dict[str, np.ndarray]:
    """The ``(date, asset)`` arrays of the variables marked as results.

    Example:
        >>> from alphalang.data import demo_panel
        >>> p = demo_panel(5, 2)
        >>> list(results_from_xarray(panel_to_xarray(p, {"a": p.field("close")})))
        ['a']
    """
    return {str(k): np.ascontiguousarray(v.transpose(date, asset).values)
            for k, v in ds.data_vars.items() if v.attrs.get(ROLE) == "result"}
