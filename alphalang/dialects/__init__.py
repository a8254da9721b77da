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


def peer_spellings(op: str) -> tuple[tuple[str, str], ...]:
    """How each peer spells registry operator ``op``, as (peer, name) pairs: the registry's ``OpSpec.spellings``
    and the dialects' own rename tables onto it — what a dialect really reads (a rename that gives a registry
    spelling another meaning, e.g. BRAIN's ``ts_arg_max``, moves it to that operator). One source for the
    docs' peers column and for writing a formula in a peer's spelling (``transpile --to brain``).

    Example:
        >>> peer_spellings("ts_std")
        (('brain', 'ts_std_dev'), ('qlib', 'Std'), ('gtja', 'STD'))
        >>> [p for p in peer_spellings("ts_arg_max_days") if p[0] == "brain"]
        [('brain', 'ts_arg_max')]
    """
    from alphalang.ops import lookup

    spec = lookup(op)
    if spec is None:
        return ()
    by_peer = {d.spelled_as: d for d in DIALECTS.values() if d.spelled_as}
    found: list[tuple[str, str]] = []
    for peer, name in spec.spellings:
        dialect = by_peer.get(peer)
        if dialect is None or dialect.names.get(name.lower(), spec.name) == spec.name:
            found.append((peer, name))
    for dialect in by_peer.values():
        for name, target in dialect.renames.items():
            if target == spec.name and dialect.names.get(name.lower()) == spec.name:
                found.append((dialect.spelled_as, name))
    def key(spelling: tuple[str, str]) -> tuple[str, str]:  # 'max(x, y, ...)' and 'max' are one name
        return spelling[0], spelling[1].split("(")[0].strip().lower()

    unique = dict.fromkeys(map(key, found))  # the first spelling of each name
    return tuple(next(f for f in found if key(f) == k) for k in unique)


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
