"""The REPL's ``:sim EXPR [SETTING=VALUE ...]``: simulate an expression's book and show its metrics.

Settings are written as ``decay=4`` or ``--decay 4`` (the CLI flag spelling; ``-`` and ``_`` alike) after the
expression; their names, defaults and checks come from ``alphalang.simulation.settings.SETTINGS``.

Example:
    >>> split_settings("rank(-returns) decay=4 --neutralization subindustry")
    ('rank(-returns)', {'decay': '4', 'neutralization': 'subindustry'})
    >>> split_settings("bucket(rank(x), range=\\"0,1,0.1\\")")
    ('bucket(rank(x), range="0,1,0.1")', {})
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from alphalang.errors import AlphaDataError

__all__ = ["chartable", "check_prices", "format_simulation", "split_settings"]

# a trailing ``name=value`` (value without brackets, commas or quotes, so a keyword argument of the formula
# never matches) or ``--name value``
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_TRAILING = re.compile(rf"(?:^|\s)(?:--)?({_NAME})=([^\s()=,'\"]+)\s*$|(?:^|\s)--({_NAME})\s+([^\s()=,'\"]+)\s*$")


def split_settings(text: str) -> tuple[str, dict[str, str]]:
    """Peel trailing settings off ``EXPR SETTING=VALUE ...``: (the expression text, name -> value text)."""
    given: dict[str, str] = {}
    rest = text.strip()
    while match := _TRAILING.search(rest):
        name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        given.setdefault(name.replace("-", "_").lower(), value)
        rest = rest[: match.start()].strip()
    return rest, dict(reversed(given.items()))


def _number(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def format_simulation(sim: Any, title: str, chart: Path | None) -> str:
    """Metrics, in/out-of-sample and yearly tables, coverage and warnings of a ``Simulation`` as text."""
    from alphalang.simulation.settings import SETTINGS, as_dict

    chosen = as_dict(sim.settings)
    changed = [f"{s.name}={chosen[s.name]}" for s in SETTINGS if getattr(sim.settings, s.name) != s.default]
    lines = [title, f"  settings: {', '.join(changed) + ' (others default)' if changed else 'defaults'}",
             "  " + "  ".join(f"{k} {_number(v)}" for k, v in sim.metrics.items()),
             f"  coverage {sim.coverage:.1%}; {sim.live_days} live dates; {sim.days_per_year:g} periods per year"]
    if sim.warnings:
        lines.append("  warnings: " + "; ".join(sim.warnings))
    for label, frame in (("in-sample / out-of-sample", sim.split), ("per year", sim.yearly)):
        if frame is not None and len(frame):
            lines += ["", f"{label}:", frame.to_string(float_format=_number)]
    if chart is not None:
        lines += ["", f"wrote {chart}"]
    else:
        lines += ["", f"no chart: {'; '.join(sim.warnings) or 'sharpe undefined'}"]
    return "\n".join(lines)


def chartable(sim: Any) -> bool:
    """Whether a PnL curve means anything: never draw one beside an undefined Sharpe."""
    return math.isfinite(sim.metrics["sharpe"])


def check_prices(panel: Any) -> None:
    """The simulation needs close prices for its returns."""
    if not panel.has_field("close"):
        raise AlphaDataError("the data has no 'close' field to compute the book's returns from")
