"""Render ``docs/operators.md`` from the operator registry (the registry is the only source).

Example:
    >>> "| `ts_rank(x, d)` |" in operators_markdown()
    True
"""

from __future__ import annotations

from alphalang.ops import callable_ops
from alphalang.ops.spec import ResultKind

_SECTIONS = (
    (ResultKind.ELEMENTWISE, "Elementwise", "Per cell; IEEE 754 arithmetic. Infix spellings in the first column."),
    (ResultKind.TIME_SERIES, "Time-series", "Per asset over the rows t-d+1 .. t (today included). Windows and "
     "lags are constants, floored (`paper`) or rounded half up (`pandas-ref`)."),
    (ResultKind.CROSS_SECTIONAL, "Cross-sectional", "Per date over the assets with a finite value."),
    (ResultKind.GROUP, "Group", "Per date within each group of `IndClass.<level>` labels (negative = no group)."),
)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def operators_markdown() -> str:
    """The whole operator reference as Markdown."""
    out = ["# Operators", "",
           "Generated from the operator registry (`alphalang/ops/`) by `alphalang docs`; do not edit by hand.",
           "Names are case-insensitive. Lookback is the number of warm-up rows the operator adds.", ""]
    for kind, title, blurb in _SECTIONS:
        specs = sorted((s for s in callable_ops() if s.result is kind), key=lambda s: s.name)
        out += [f"## {title}", "", blurb, "",
                "| operator | infix | aliases | meaning | missing values | lookback | example |",
                "|---|---|---|---|---|---|---|"]
        for spec in specs:
            infix = {"?:": "c ? a : b", None: ""}.get(spec.symbol, spec.symbol)
            aliases = ", ".join(f"`{a}`" for a in spec.aliases) or ""
            lookback = (spec.lookback.__doc__ or "").strip().splitlines()[0] if spec.lookback.__doc__ else ""
            infix_cell = f"`{_escape(infix)}`" if infix else ""
            out.append(f"| `{_escape(spec.signature())}` | {infix_cell} | {aliases} | {_escape(spec.doc)} | "
                       f"{_escape(spec.nan_rule)} | {_escape(lookback)} | `{_escape(spec.example)}` |")
        out.append("")
    out += ["## Fields", "",
            "`open high low close volume vwap cap returns`, any other field of your data, and `adv{d}` "
            "(average daily dollar volume, `ts_mean(volume * vwap, d)`; shares in `pandas-ref`). `returns` is "
            "`close / delay(close, 1) - 1` when the data does not supply it. Group levels are written "
            "`IndClass.<level>`.", ""]
    return "\n".join(out)
