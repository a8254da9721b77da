"""Parsing the columns of a long table read from a file: dates, numbers and ids, naming the cell that failed.

Rules (docs/data.md, "In Python: the labelled-data contract"):

- dates: ISO-8601 (``2020-01-02``, ``2020-01-02T09:30``, ...) unless the reader is given ``date_format``
  (a ``strftime`` pattern such as ``"%d/%m/%Y"``); a value that does not parse is an error naming the file, the
  line and the value. A column holding only whole numbers (no leading zeros) stays integer labels, so
  ``yyyymmdd`` integers need ``date_format="%Y%m%d"`` to become dates.
- numbers: ``true``/``false`` read as 1/0 and empty, ``NA``, ``NaN``, ``null`` as missing; any other cell that is
  not a number is an error naming the column, the line and the value; with
  ``errors="coerce"`` such cells become NaN and one warning says how many. A column where no cell is a number is
  a text column (a label, not a field) and is skipped unless asked for.
- ids: asset ids keep their text ("007" stays "007"); a column holding only whole numbers without leading zeros
  becomes integers.

``where(label, column, value)`` locates a cell for the message: ``(text to append, Span or None)``, e.g. a
Span at ``file:line:col`` for a CSV file, or ``" at row 12 of 'x.parquet'"`` where there is no source text.

Example:
    >>> parse_ids(pd.Series(["007", "7"])).tolist(), parse_ids(pd.Series(["10", "7"])).tolist()
    (['007', '7'], [10, 7])
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from alphalang.errors import AlphaDataError
from alphalang.source import Span

__all__ = ["ERRORS", "check_errors", "is_text", "parse_dates", "parse_ids", "parse_numbers"]

ERRORS = ("raise", "coerce")
Where = Callable[[Any, str, Any], "tuple[str, Span | None]"]
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
#: text cells read as values: booleans, and the spellings of "missing" (CSV readers already map most of these)
_WORDS = {"true": 1.0, "false": 0.0, "": np.nan, "nan": np.nan, "na": np.nan, "n/a": np.nan, "null": np.nan,
          "none": np.nan}


def check_errors(errors: str) -> str:
    """Validate the ``errors=`` option.

    Example:
        >>> check_errors("coerce")
        'coerce'
    """
    if errors not in ERRORS:
        raise AlphaDataError(f"errors must be 'raise' or 'coerce', got {errors!r}")
    return errors


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col.dtype)


def _whole_numbers(col: pd.Series) -> bool:
    values = col.dropna()
    return len(values) > 0 and all(isinstance(v, str) and _INTEGER.fullmatch(v) for v in values)


def parse_ids(col: pd.Series) -> pd.Series:
    """Text ids as read; integers when every id is a whole number written without leading zeros."""
    if _is_text(col) and _whole_numbers(col):
        return col.astype(np.int64)
    return col


def parse_dates(col: pd.Series, name: str, date_format: str | None, where: Where) -> pd.Series:
    """Text dates -> datetime64 by ISO-8601 or ``date_format``; an error names the first value that fails.

    Example:
        >>> parse_dates(pd.Series(["02/01/2020"]), "date", "%d/%m/%Y", lambda *a: ("", None)).dt.day.tolist()
        [2]
    """
    if not _is_text(col):
        return col
    missing = col.isna()
    if missing.any():
        at, span = where(col.index[int(np.flatnonzero(missing.to_numpy())[0])], name, "")
        raise AlphaDataError(f"missing date in column '{name}'{at}", span)
    if date_format is None and _whole_numbers(col):
        return col.astype(np.int64)
    rule = "ISO-8601" if date_format is None else repr(date_format)
    hint = ("dates are read as ISO-8601 (2020-01-31) unless you give date_format= (CLI: --date-format), "
            "e.g. '%d/%m/%Y'")
    try:
        parsed = pd.to_datetime(col, format=date_format or "ISO8601", errors="coerce")
    except (TypeError, ValueError) as exc:  # e.g. mixed time zones
        raise AlphaDataError(f"cannot parse the dates in column '{name}' as {rule}: {exc}", hint=hint) from None
    bad = parsed.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        value = col.iloc[pos]
        at, span = where(col.index[pos], name, value)
        raise AlphaDataError(f"cannot parse date {value!r} in column '{name}' as {rule}{at}", span, hint=hint)
    return parsed


def is_text(col: pd.Series) -> bool:
    """True for a text column where no cell reads as a number (a label column, not a field).

    Example:
        >>> is_text(pd.Series(["Apple", None])), is_text(pd.Series(["1.5", "x"]))
        (True, False)
    """
    if not _is_text(col):
        return False
    values = col.dropna()
    return len(values) > 0 and bool(pd.to_numeric(values, errors="coerce").isna().all())


def parse_numbers(col: pd.Series, name: str, errors: str, where: Where) -> pd.Series:
    """A numeric column as is; text cells that are not numbers raise (naming the first) or become NaN.

    Example:
        >>> with warnings.catch_warnings(record=True):
        ...     parse_numbers(pd.Series(["1", "x"]), "close", "coerce", lambda *a: ("", None)).tolist()
        [1.0, nan]
    """
    if not _is_text(col):
        return col
    cells = col.map(lambda v: _WORDS.get(v.strip().lower(), v) if isinstance(v, str) else v)
    numbers = pd.to_numeric(cells, errors="coerce").astype(np.float64)
    bad = (numbers.isna() & cells.notna()).to_numpy()
    if bad.any():
        if errors == "raise":
            pos = int(np.flatnonzero(bad)[0])
            value = col.iloc[pos]
            at, span = where(col.index[pos], name, value)
            raise AlphaDataError(
                f"cannot read {value!r} in column '{name}' as a number{at} ({int(bad.sum())} such cell(s))",
                span,
                hint="fix the cell, leave it empty for a missing value, or pass errors='coerce' to read it as NaN")
        warnings.warn(f"coerced {int(bad.sum())} cell(s) of column '{name}' to NaN (errors='coerce')",
                      UserWarning, stacklevel=4)
    return numbers
