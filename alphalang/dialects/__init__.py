"""Formula dialects: one checked IR, several front doors (as sqlglot reads SQL dialects into one tree).

A dialect declares only how its users write things — its names for registry operators (derived from the
registry's ``OpSpec.spellings`` plus its own table), a prelude of alphalang ``def``s for its argument
conventions, its field names, literals and statement form, and its default NaN policy. It adds no operator.
``alphalang`` is the native dialect (nothing renamed).

A source selects its dialect with a first-line header ``# dialect: qlib`` or by its file extension
(``.qlib``, ``.gtja``, ``.brain``); ``compile(..., dialect=...)`` and every CLI command's ``--dialect`` override.

Example:
    >>> DIALECTS["qlib"].names["mean"], DIALECTS["gtja"].names["tsrank"]
    ('ts_mean', 'gtja_tsrank')
    >>> detect("# dialect: qlib\\nk = Mean($close, 5)", "<string>").name
    'qlib'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from alphalang.errors import AlphaNameError
from alphalang.suggest import suggest


@dataclass(frozen=True)
class Dialect:
    """How one community writes formulas (see the module docstring)."""

    name: str
    description: str
    spelled_as: str | None = None  # the peer key of ``OpSpec.spellings`` whose names this dialect reads
    renames: Mapping[str, str] = field(default_factory=dict)  # its own name -> registry operator / prelude def
    prelude: str = ""  # alphalang ``def``s (and helper values) for the dialect's conventions
    nan: str = "strict"  # its default NaN policy ("skip": partial windows over valid values, as qlib)
    equals_compares: bool = False  # ``a = b`` inside an expression is a comparison (GTJA)
    final_only: bool = False  # only the final expression (``alpha``) is an output; the rest are steps (BRAIN)
    paper_overload: bool = False  # ``max(x, 5)`` means ``ts_max(x, 5)`` (the paper's reading: native only)
    extension: str | None = None

    @cached_property
    def names(self) -> dict[str, str]:
        """Every name this dialect reads differently: its peer spellings from the registry, then its own table."""
        from alphalang.ops import REGISTRY

        table: dict[str, str] = {}
        if self.spelled_as:
            for spec in REGISTRY.values():
                for peer, spelled in spec.spellings:
                    if peer == self.spelled_as and re.fullmatch(r"[A-Za-z_]\w*", spelled):
                        table.setdefault(spelled.lower(), spec.name)
        table.update({k.lower(): v for k, v in self.renames.items()})
        return table


HEADER = re.compile(r"\A(?:\ufeff)?[ \t]*#[ \t]*dialect:[ \t]*(\w+)", re.IGNORECASE)


def get(name: str | Dialect | None) -> Dialect:
    """The dialect of a name (case-insensitive); ``None`` is the native one. Unknown names raise AlphaNameError."""
    if isinstance(name, Dialect):
        return name
    key = (name or "alphalang").lower()
    try:
        return DIALECTS[key]
    except KeyError:
        raise AlphaNameError(f"unknown dialect {name!r}", hint=suggest(key, list(DIALECTS)) or
                             f"dialects: {', '.join(DIALECTS)}") from None


def detect(text: str, filename: str, default: str | Dialect | None = None) -> Dialect:
    """The dialect a source asks for: its ``# dialect:`` header, else its file extension, else ``default``."""
    header = HEADER.match(text)
    if header:
        return get(header.group(1))
    suffix = Path(filename).suffix.lower().lstrip(".")
    for dialect in DIALECTS.values():
        if dialect.extension and dialect.extension == suffix:
            return dialect
    return get(default)


from alphalang.dialects import brain, gtja, native, qlib  # noqa: E402  (each declares one Dialect)

DIALECTS: dict[str, Dialect] = {d.name: d for d in (native.DIALECT, brain.DIALECT, qlib.DIALECT, gtja.DIALECT)}
