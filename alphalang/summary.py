"""Plain-text summaries of evaluated outputs: coverage after warm-up and basic statistics.

Example:
    >>> import numpy as np
    >>> rows = summarize({"a": np.array([[np.nan], [1.0], [3.0]])}, {"a": 1})
    >>> rows[0]["finite"], rows[0]["mean"]
    (1.0, 2.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

COLUMNS = ("output", "lookback", "finite", "mean", "std", "min", "max")


def summarize(results: Mapping[str, np.ndarray], lookback: Mapping[str, int]) -> list[dict]:
    """One row per output: its lookback, the share of finite cells after warm-up, and their statistics."""
    rows = []
    for name, values in results.items():
        rows_after = values[min(lookback.get(name, 0), len(values)):]
        finite = rows_after[np.isfinite(rows_after)]
        share = finite.size / rows_after.size if rows_after.size else 0.0
        stats = (finite.mean(), finite.std(), finite.min(), finite.max()) if finite.size else (np.nan,) * 4
        rows.append(dict(zip(COLUMNS, (name, lookback.get(name, 0), share, *map(float, stats)), strict=True)))
    return rows


def format_table(rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> str:
    """Render rows as an aligned text table (numbers right-aligned, 4 significant digits)."""

    def cell(value) -> str:
        if isinstance(value, float):
            return "nan" if np.isnan(value) else f"{value:.4g}"
        return str(value)

    body = [[cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(columns, widths,
                                                                                          strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        lines.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths,
                                                                                                 strict=True))))
    return "\n".join(lines)
