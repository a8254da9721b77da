"""``alphalang simulate FILE``: simulate the book of every output and print them ranked by fitness, with
coverage and warnings beside each. The setting flags come from ``alphalang.simulation.settings.SETTINGS``.

Example:
    $ alphalang simulate stdlib/wq101.alpha --demo --neutralization subindustry --decay 4
"""

from __future__ import annotations

import argparse
import json
import math
import time

from alphalang.cli.common import (
    add_library_options,
    compile_for_data,
    load_data,
    skipped_json,
)
from alphalang.cli.progress import Progress, add_output_options, compile_note
from alphalang.simulation.metrics import NAMES
from alphalang.simulation.settings import SETTINGS, as_dict

COLUMNS = ("output", "fitness", "sharpe", "returns", "turnover", "drawdown", "margin", "coverage", "live_days",
           "warnings")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "simulate", help="simulate each output's book and rank them by fitness",
        description="Evaluate every output of a .alpha file, simulate the book it implies (universe, delay, "
        "decay, neutralization, truncation; docs/simulation.md) and print one row per output ranked by fitness, "
        "best first, with its coverage and warnings (few live dates, low coverage, undefined Sharpe); outputs "
        "with warnings are ranked after the others.",
        epilog="examples:\n  alphalang simulate stdlib/wq101.alpha --demo --neutralization subindustry --decay 4\n"
        "  alphalang simulate my.alpha --data prices.parquet --universe 500 --truncation 0.08 --split 2019-01-01",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the .alpha file")
    add_library_options(parser)
    settings = parser.add_argument_group("simulation settings")
    for s in SETTINGS:
        settings.add_argument(s.flag, dest=f"setting_{s.name}", metavar=s.metavar, default=None,
                              help=f"{s.doc} (default {s.default!r})")
    parser.add_argument("--threads", type=int, default=1, help="alphas simulated side by side (default 1)")
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.simulation import simulate

    given = {s.name: getattr(args, f"setting_{s.name}") for s in SETTINGS
             if getattr(args, f"setting_{s.name}") is not None}
    with Progress(args) as progress:
        progress.stage("loading data")
        panel = load_data(args)
        progress.stage("checking formulas")
        start = time.perf_counter()
        program = compile_for_data(args, panel)
        with progress.compiles(f"evaluating {len(program.outputs)} outputs ({program.backend})") as kernels:
            results = program.run(panel)
        evaluated = time.perf_counter()
        progress.stage(f"simulating {len(results)} books")
        sims = simulate(results, panel, threads=args.threads, **given)
        done = time.perf_counter()
    table = sims.table()
    if args.json:
        first = next(iter(sims.values()))
        rows = [{"output": name, **{k: _clean(v) for k, v in row.items() if k != "warnings"},
                 "warnings": row["warnings"]} for name, row in table.iterrows()]
        print(json.dumps({"shape": list(panel.shape), "settings": as_dict(first.settings),
                          "days_per_year": first.days_per_year, "outputs": rows, "skipped": skipped_json(program),
                          "seconds": {"compile": kernels.seconds, "evaluate": evaluated - start - kernels.seconds,
                                      "simulate": done - evaluated},
                          "kernels": {"compiled": kernels.compiled, "loaded": kernels.loaded}},
                         allow_nan=False, indent=1, default=str))
        return 0
    if args.quiet:
        return 0
    print(format_ranking(table))
    print(f"\n{len(sims)} outputs on {panel.n_dates} dates x {panel.n_assets} assets, ranked by fitness: "
          f"compile {kernels.seconds:.2f} s, evaluate {evaluated - start - kernels.seconds:.2f} s, "
          f"simulate {done - evaluated:.2f} s")
    if compile_note(kernels):
        print(compile_note(kernels))
    for line in program.skipped_lines():
        print(line)
    return 0


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value.item() if hasattr(value, "item") else value


def format_ranking(table) -> str:
    """The ranked table as aligned text (numbers to 4 significant digits, coverage in %)."""

    def cell(column: str, value) -> str:
        if column == "warnings":
            return "; ".join(value)
        if column == "coverage":
            return f"{value:.1%}"
        if isinstance(value, float):
            return "nan" if math.isnan(value) else f"{value:.4g}"
        return str(value)

    columns = [*COLUMNS[:-3], *(c for c in table.columns if c.startswith("sharpe ")), *COLUMNS[-3:]]
    body = [[str(name), *(cell(c, row[c]) for c in columns[1:])] for name, row in table.iterrows()]
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(columns)]
    last = len(columns) - 1

    def line(cells) -> str:
        return "  ".join(v.ljust(w) if i in (0, last) else v.rjust(w)
                         for i, (v, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, body)])


assert set(COLUMNS) - {"output", "coverage", "live_days", "warnings"} <= set(NAMES)
