"""Every simulation setting, declared once: name, default, parser, check and doc. The API (``simulate(...,
**settings)``), the CLI flags (``--universe 500``) and the docs table (``docs/simulation.md``) all derive
from ``SETTINGS``.

Example:
    >>> s = resolve({"decay": 4, "neutralization": "Subindustry"})
    >>> s.decay, s.neutralization, s.delay, s.booksize
    (4, 'subindustry', 1, 20000000.0)
    >>> try:
    ...     resolve({"decya": 4})
    ... except AlphaTypeError as err:
    ...     print(err.message, "/", err.hint.split("?")[0])
    unknown simulation setting 'decya' / did you mean 'decay' or 'delay'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, make_dataclass
from typing import Any

import pandas as pd

from alphalang.errors import AlphaTypeError
from alphalang.suggest import suggest


def _bad(name: str, value: Any, expected: str) -> AlphaTypeError:
    return AlphaTypeError(f"simulation setting {name}={value!r} is invalid: expected {expected}")


def _int(lo: int, hi: float = math.inf) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise _bad(name, value, f"a whole number >= {lo}") from None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise _bad(name, value, f"a whole number >= {lo}")
        if not lo <= value <= hi:
            raise _bad(name, value, f"a whole number in [{lo}, {hi}]" if hi < math.inf else f"a whole number >= {lo}")
        return int(value)

    return check


def _float(lo: float, hi: float = math.inf, lo_open: bool = False) -> Callable[[str, Any], float]:
    what = f"a number in {'(' if lo_open else '['}{lo:g}, {hi:g}]" if hi < math.inf else f"a number >= {lo:g}"

    def check(name: str, value: Any) -> float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise _bad(name, value, what) from None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _bad(name, value, what)
        if value < lo or value > hi or (lo_open and value == lo):
            raise _bad(name, value, what)
        return float(value)

    return check


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(value, bool | int) and value in (0, 1):
        return bool(value)
    raise _bad(name, value, "True or False")


def _universe(name: str, value: Any) -> int | str | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "all")):
        return None
    if isinstance(value, str) and not value.strip().lstrip("+").isdigit():
        return value.strip().lower()
    return _int(1)(name, value)


def _level(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(name, value, "'none', 'market' or a group level name such as 'subindustry'")
    return value.strip().lower().removeprefix("indclass.")


def _split(name: str, value: Any) -> Any:
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise _bad(name, value, "a date such as '2019-01-01'") from None


def _optional(check: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    def parse(name: str, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and value.lower() == "none") else check(name, value)

    return parse


@dataclass(frozen=True)
class Setting:
    """One setting: its default, how a value (Python or command-line text) is checked, and its doc line."""

    name: str
    default: Any
    parse: Callable[[str, Any], Any]
    doc: str
    metavar: str = "VALUE"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("universe", None, _universe,
            "None (every asset), N (the N assets of largest mean close x volume over the up to 20 rows before each "
            "rebalance row; members need a finite close) or the name of a 0/1 field", "N|FIELD"),
    Setting("universe_rebalance", 20, _int(1), "rows between universe rebalances (rows 0, 20, 40, ...)", "ROWS"),
    Setting("delay", 1, _int(0), "weights held from close t to close t+1 use the alpha of row t - delay", "ROWS"),
    Setting("pasteurize", True, _bool, "alpha outside the universe is missing before decay", "BOOL"),
    Setting("decay", 0, _int(0, 10_000), "linear decay over this many rows (0 or 1: none)", "ROWS"),
    Setting("neutralization", "none", _level, "'none', 'market' or a group level (sector, subindustry, ...)",
            "LEVEL"),
    Setting("truncation", 0.0, _float(0.0, 1.0), "max |weight| per asset (0: off)", "FRACTION"),
    Setting("booksize", 20e6, _float(0.0, lo_open=True), "gross dollar size of the book", "DOLLARS"),
    Setting("cost_bps", 0.0, _float(0.0), "trading cost per dollar traded, in basis points", "BPS"),
    Setting("split", None, _split, "in-sample / out-of-sample split date (out-of-sample from this date on)",
            "DATE"),
    Setting("days_per_year", None, _optional(_float(0.0, lo_open=True)),
            "periods per year for annualising (default: from the dates' bar size; 252 for daily or unlabelled)",
            "N"),
)
BY_NAME = {s.name: s for s in SETTINGS}

#: The resolved settings of one run: every name of ``SETTINGS`` as a frozen attribute.
Settings = make_dataclass("Settings", [(s.name, Any) for s in SETTINGS], frozen=True)
Settings.__doc__ = "Resolved simulation settings (see ``SETTINGS``)."


def resolve(given: Mapping[str, Any]) -> Any:
    """Check user settings against ``SETTINGS``: unknown names get a did-you-mean, bad values a clear error."""
    for name in given:
        if name not in BY_NAME:
            close = suggest(str(name), BY_NAME, n=2)
            hint = (f"{close} " if close else "") + "settings: " + ", ".join(BY_NAME)
            raise AlphaTypeError(f"unknown simulation setting {name!r}", hint=hint)
    values = {s.name: s.parse(s.name, given[s.name]) if s.name in given else s.default for s in SETTINGS}
    return Settings(**values)


def as_dict(settings: Any) -> dict[str, Any]:
    """The settings as a plain dict (JSON-friendly: the split date as ISO text)."""
    out = {f.name: getattr(settings, f.name) for f in fields(settings)}
    if isinstance(out["split"], pd.Timestamp):
        out["split"] = out["split"].isoformat()
    return out


def docs_table() -> str:
    """The markdown table of settings in ``docs/simulation.md``.

    Example:
        >>> docs_table().splitlines()[0]
        '| setting | CLI flag | default | meaning |'
    """
    rows = ["| setting | CLI flag | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        cells = (f"`{s.name}`", f"`{s.flag} {s.metavar}`", f"`{s.default!r}`", s.doc)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)
