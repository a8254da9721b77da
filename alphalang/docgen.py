"""Render ``docs/operators.md`` from the operator registry (the registry is the only source).

Sections follow the operators' reference modules (``alphalang/backend/reference/<category>.py``), so an
operator lands in its category wherever it is declared; each row lists the peers' spellings (``OpSpec.spellings``
and the dialects' rename tables, through ``dialects.peer_spellings``).

Example:
    >>> "| `ts_rank(x, d)` |" in operators_markdown()
    True
"""

from __future__ import annotations

from alphalang.dialects import peer_spellings
from alphalang.ops import callable_ops
from alphalang.ops.constants import NAMED_CONSTANTS
from alphalang.ops.spec import OpSpec
from alphalang.ops.unsupported import UNSUPPORTED

# reference module -> (section title, one-line description), in the order the reference shows them
SECTIONS = {
    "elementwise": ("Arithmetic, comparisons and logic", "Per cell; IEEE 754 arithmetic. Infix spellings in the "
                    "second column; add/mul/max/min take any number of operands."),
    "arithmetic": ("Rounding and math functions", "Per cell; IEEE 754."),
    "missing": ("Missing values", "Testing, masking and filling NaN/±inf."),
    "rolling": ("Time-series windows", "Per asset over the rows t-d+1 .. t (today included). Windows and lags are "
                "constants, floored (`paper`) or rounded half up (`pandas-ref`)."),
    "orderstats": ("Rolling order statistics", "Per asset over the window; O(log d) per update."),
    "exponential": ("Exponential smoothing", "Per asset; recursions and exponentially weighted windows."),
    "regression": ("Regression over time", "Per asset, y on x over the window."),
    "stateful": ("Stateful and turnover control", "Per asset, state carried across every row (no finite window)."),
    "compositions": ("Compositions", "Defined by the expansion shown; they follow the NaN policy of what they "
                     "expand to."),
    "rowwise": ("Cross-sectional", "Per date over the assets with a finite value."),
    "cleanup": ("Cross-sectional clean-up", "Per date over the assets with a finite value."),
    "groups": ("Groups", "Per date within each group (`IndClass.<level>` or computed labels; negative = no group)."),
}
PEERS = ("brain", "qlib", "gtja", "kunquant", "alphagen")


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _section(spec: OpSpec) -> str:
    return getattr(spec.reference, "__module__", "").rsplit(".", 1)[-1]


def _row(spec: OpSpec) -> str:
    infix = {"?:": "c ? a : b", None: ""}.get(spec.symbol, spec.symbol)
    aliases = ", ".join(f"`{a}`" for a in spec.aliases)
    spelled = sorted(peer_spellings(spec.name), key=lambda p: PEERS.index(p[0]) if p[0] in PEERS else len(PEERS))
    peers = "; ".join(f"{peer} `{_escape(name)}`" for peer, name in spelled)
    lookback = (spec.lookback.__doc__ or "").strip().splitlines()[0] if spec.lookback.__doc__ else ""
    meaning = spec.doc + (f" `= {spec.expansion}`" if spec.expansion else "")
    cells = [f"`{_escape(spec.signature())}`", f"`{_escape(infix)}`" if infix else "", aliases, peers,
             _escape(meaning), _escape(spec.nan_rule), _escape(lookback), f"`{_escape(spec.example)}`"]
    return "| " + " | ".join(cells) + " |"


def operators_markdown() -> str:
    """The whole operator reference as Markdown."""
    specs = list(callable_ops())
    out = ["# Operators", "",
           "Generated from the operator registry (`alphalang/ops/`) by `alphalang docs`; do not edit by hand.",
           "Names are case-insensitive. Lookback is the number of warm-up rows the operator adds. The peers "
           "column shows how BRAIN, qlib, GTJA, KunQuant and alphagen users spell the same operator.", "",
           f"{len(specs)} operators.", ""]
    order = list(SECTIONS) + sorted({_section(s) for s in specs} - set(SECTIONS))
    for key in order:
        members = sorted((s for s in specs if _section(s) == key), key=lambda s: s.name)
        if not members:
            continue
        title, blurb = SECTIONS.get(key, (key.replace("_", " ").capitalize(), ""))
        out += [f"## {title}", "", blurb, "",
                "| operator | infix | aliases | peers | meaning | missing values | lookback | example |",
                "|---|---|---|---|---|---|---|---|", *map(_row, members), ""]
    out += ["## Names and literals", "",
            ", ".join(f"`{name}` = {value:g}" for name, value in NAMED_CONSTANTS.items()) +
            "; string options are quoted: `quantile(x, driver=\"cauchy\")`.", "",
            "## Fields", "",
            "`open high low close volume vwap cap returns`, any other field of your data, and `adv{d}` "
            "(average daily dollar volume, `ts_mean(volume * vwap, d)`; shares in `pandas-ref`). `returns` is "
            "`close / delay(close, 1) - 1` when the data does not supply it. Group levels are written "
            "`IndClass.<level>`.", "",
            "## Peer operators that do not apply to a panel", "",
            "| peer | operator | why |", "|---|---|---|",
            *(f"| {peer} | `{_escape(name)}` | {_escape(why)} |" for (peer, name), why in sorted(UNSUPPORTED.items())),
            ""]
    return "\n".join(out)
