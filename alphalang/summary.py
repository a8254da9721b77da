"""Plain-text summaries of evaluated outputs: coverage after warm-up and basic statistics.

An output with no finite value after its warm-up (all NaN or infinite, e.g. a formula whose condition never
holds on the data, or a warm-up longer than the data) gets a ``flag``; ``format_table`` shows the flag
column only when some output has one, and ``flagged`` lists them.

Example:
    >>> import numpy as np
    >>> rows = summarize({"a": np.array([[np.nan], [1.0], [3.0]]), "b": np.full((3, 1), np.nan)}, {"a": 1})
    >>> rows[0]["finite"], rows[0]["mean"], rows[0]["flag"], rows[1]["flag"]
    (1.0, 2.0, '', 'no finite values')
    >>> flagged(rows)
    ['b']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

COLUMNS = ("output", "lookback", "finite", "mean", "std", "min", "max")
FLAG = "flag"


def summarize(results: Mapping[str, np.ndarray], lookback: Mapping[str, int]) -> list[dict]:
    """One row per output: its lookback, the share of finite cells after warm-up, and their statistics."""
    rows = []
    for name, values in results.items():
        rows_after = values[min(lookback.get(name, 0), len(values)):]
        finite = rows_after[np.isfinite(rows_after)]
        share = finite.size / rows_after.size if rows_after.size else 0.0
        stats = (finite.mean(), finite.std(), finite.min(), finite.max()) if finite.size else (np.nan,) * 4
        row = dict(zip(COLUMNS, (name, lookback.get(name, 0), share, *map(float, stats)), strict=True))
        row[FLAG] = _flag(finite.size, rows_after.shape[0] if rows_after.ndim else 0)
        rows.append(row)
    return rows


def _flag(n_finite: int, rows_after: int) -> str:
    if n_finite:
        return ""
    return "no finite values" if rows_after else "warm-up longer than the data"


def flagged(rows: Sequence[dict]) -> list[str]:
    """The outputs ``summarize`` flagged (no finite value after warm-up)."""
    return [row["output"] for row in rows if row.get(FLAG)]


def format_table(rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> str:
    """Render rows as an aligned text table (numbers right-aligned, 4 significant digits); the ``flag`` column
    is added after ``columns`` when a row has one."""
    if any(row.get(FLAG) for row in rows) and FLAG not in columns:
        columns = (*columns, FLAG)

    def cell(value) -> str:
        if isinstance(value, float):
            return "nan" if np.isnan(value) else f"{value:.4g}"
        return str(value)

    last = len(columns) - 1 if columns[-1] == FLAG else -1  # the flag is text: left-aligned
    body = [[cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(columns)]

    def line(cells) -> str:
        return "  ".join(v.ljust(w) if i in (0, last) else v.rjust(w)
                         for i, (v, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, body)])
