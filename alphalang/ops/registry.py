"""The one operator registry: a plain dict from canonical name to ``OpSpec``, plus alias lookup.

Example:
    >>> lookup("Ts_Rank").name
    'ts_rank'
    >>> lookup("correlation").name
    'ts_corr'
"""

from __future__ import annotations

from collections.abc import Iterator

from alphalang.ops.spec import OpSpec, ResultKind

REGISTRY: dict[str, OpSpec] = {}
_ALIASES: dict[str, str] = {}


def register(spec: OpSpec) -> OpSpec:
    """Add one operator; names and aliases are case-insensitive and must be unique."""
    for name in (spec.name, *spec.aliases):
        key = name.lower()
        if key in _ALIASES:
            raise ValueError(f"operator name {name!r} registered twice")
        _ALIASES[key] = spec.name
    REGISTRY[spec.name] = spec
    return spec


def lookup(name: str) -> OpSpec | None:
    """The spec for a name or alias (any case), or None."""
    canonical = _ALIASES.get(name.lower())
    return REGISTRY[canonical] if canonical else None


def all_names() -> list[str]:
    """Every callable spelling (canonical names and aliases; not the compiler's internal operators), for
    completion and suggestions."""
    return sorted(name for name, canonical in _ALIASES.items() if not REGISTRY[canonical].internal)


def iter_ops(result: ResultKind | None = None) -> Iterator[OpSpec]:
    for spec in REGISTRY.values():
        if result is None or spec.result is result:
            yield spec


def callable_ops() -> Iterator[OpSpec]:
    """Operators a user can call by name (excludes internal nodes such as ``broadcast``)."""
    return (s for s in REGISTRY.values() if not s.internal)
