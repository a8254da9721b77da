"""The data vocabulary: standard field names, the fields derived when the data lacks them, and which outputs
of a program data lacking some fields or group levels cannot feed (``skipped_outputs``, ``describe_skipped``).

A field supplied in the data always wins over its derivation.

Example:
    >>> derivation("adv20", PROFILES["paper"])
    'ts_mean(volume * vwap, 20)'
    >>> derivation("returns", PROFILES["paper"])
    'close / delay(close, 1) - 1'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alphalang.ir import Graph, Leaf
from alphalang.passes.profile import PROFILES, Profile
from alphalang.suggest import suggest

STANDARD_FIELDS = ("open", "high", "low", "close", "volume", "vwap", "cap", "returns")
_ADV = re.compile(r"adv(\d+)$")

__all__ = ["STANDARD_FIELDS", "PROFILES", "Skipped", "derivation", "describe_skipped", "is_derivable",
           "skipped_outputs"]


def is_derivable(name: str) -> bool:
    return name in ("returns", "amount") or bool(_ADV.match(name))


def derivation(name: str, profile: Profile) -> str | None:
    """The formula that computes a derived field, or None if ``name`` is not derivable."""
    if name == "returns":
        return "close / delay(close, 1) - 1"
    if name == "amount":  # traded value: vwap is amount / volume by definition
        return "volume * vwap"
    match = _ADV.match(name)
    if match:
        days = int(match.group(1))
        if days < 1:
            return None
        return f"ts_mean(volume, {days})" if profile.adv_in_shares else f"ts_mean(volume * vwap, {days})"
    return None


@dataclass(frozen=True)
class Skipped:
    """Why an output cannot be evaluated on some data: the ``fields`` and group ``levels`` it reads that the data
    lacks, and the skipped outputs it ``uses`` (their values, by name), if any."""

    fields: tuple[str, ...]
    levels: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()

    @property
    def lacking(self) -> str:
        """``"cap, vwap and group levels industry, sector"``: what the data lacks, as words."""
        levels = [f"group level{'s' if len(self.levels) > 1 else ''} {', '.join(self.levels)}"] if self.levels else []
        words = [*self.fields, *levels]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def skipped_outputs(graph: Graph, outputs: Mapping[str, int], fields: Iterable[str],
                    levels: Iterable[str] = ()) -> dict[str, Skipped]:
    """The outputs of ``graph`` that read a field or group level missing from ``fields``/``levels``, with what
    each lacks and which other skipped outputs it uses (the nearest ones: not those it uses only through them).

    Example:
        >>> from alphalang.plan import build_plan, parse_module
        >>> plan = build_plan(parse_module("a = rank(cap)\\nb = a + close\\nc = group_rank(close, sector)"))
        >>> skipped_outputs(plan.graph, plan.outputs, ["close"], ["industry"])
        {'a': Skipped(fields=('cap',), levels=(), uses=()), 'b': Skipped(fields=('cap',), levels=(), uses=('a',)), \
'c': Skipped(fields=(), levels=('sector',), uses=())}
    """
    have = {Leaf.FIELD: frozenset(f.lower() for f in fields),
            Leaf.GROUP: frozenset(g.lower().removeprefix("indclass.") for g in levels)}
    lacks: list[frozenset[tuple[str, str]]] = []  # per node: the (op, name) leaves it reads that the data lacks
    for node in graph.nodes:
        own = {(node.op, node.params[0])} if node.op in have and node.params[0] not in have[node.op] else set()
        lacks.append(frozenset(own.union(*(lacks[a] for a in node.args))))
    missing = {name: lacks[node_id] for name, node_id in outputs.items() if lacks[node_id]}
    at = {outputs[name]: name for name in reversed(list(missing))}  # the first output named at each node
    below = _outputs_below(graph, at)
    out = {}
    for name, lack in missing.items():
        uses = {at[n] for n in below[outputs[name]] if n != outputs[name]}
        nearest = uses - {u for v in uses for u in (at[n] for n in below[outputs[v]] if n != outputs[v])}
        out[name] = Skipped(tuple(sorted(f for op, f in lack if op == Leaf.FIELD)),
                            tuple(sorted(g for op, g in lack if op == Leaf.GROUP)),
                            tuple(n for n in missing if n in nearest))
    return out


def _outputs_below(graph: Graph, marked: Mapping[int, str]) -> list[frozenset[int]]:
    """Per node: the ``marked`` nodes it reaches (itself included)."""
    below: list[frozenset[int]] = []
    for node_id, node in enumerate(graph.nodes):
        own = {node_id} if node_id in marked else set()
        below.append(frozenset(own.union(*(below[a] for a in node.args))))
    return below


def describe_skipped(skipped: Mapping[str, Skipped], known: Iterable[str] = ()) -> list[str]:
    """One line per kind of lack: ``skipped 2 outputs lacking cap: a, b``, outputs in their order. A lacking
    name that is neither a standard nor a derivable field and is spelled like one of ``known`` (the data's
    fields) is flagged as a likely typo.

    Example:
        >>> describe_skipped({"a": Skipped(("cap",)), "b": Skipped(("cap",), (), ("a",)), "c": Skipped(("clsoe",))},
        ...                  known=["close"])
        ['skipped 1 output lacking cap: a', 'skipped 1 output using skipped a (lacking cap): b', \
"skipped 1 output lacking clsoe (not a standard field; did you mean 'close'?): c"]
    """
    known = [*STANDARD_FIELDS, *known]
    kinds: dict[tuple, list[str]] = {}
    for name, why in skipped.items():
        kinds.setdefault((why.fields, why.levels, why.uses), []).append(name)
    lines = []
    for (fields, levels, uses), names in kinds.items():
        why = Skipped(fields, levels, uses)
        typos = [f"{f}: {hint}" if len(fields) > 1 else hint for f in fields
                 if not (f in STANDARD_FIELDS or is_derivable(f)) and (hint := suggest(f, known))]
        lacking = why.lacking + (f" (not a standard field; {'; '.join(typos)})" if typos else "")
        count = f"{len(names)} output{'s' if len(names) > 1 else ''}"
        reason = f"using skipped {', '.join(uses)} (lacking {lacking})" if uses else f"lacking {lacking}"
        lines.append(f"skipped {count} {reason}: {', '.join(names)}")
    return lines
