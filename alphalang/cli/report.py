"""``alphalang report FILE.alpha --out DIR``: evaluate every output against forward returns and write a report.

Example:
    $ alphalang report stdlib/wq101.alpha --demo --horizons 1,5,20 --out r/
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from alphalang.cli.common import (
    add_library_options,
    compile_for_data,
    load_data,
    skipped_json,
)
from alphalang.cli.progress import Progress, add_output_options, compile_note


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="evaluate alphas (IC, quantiles, turnover...) and write an HTML report with plots",
        description="Evaluate every output of a .alpha file against forward returns of the data's close prices: "
        "IC and rank IC by horizon (mean, std, t-stat, IR), IC decay, mean forward return by quantile, "
        "long-short cumulative return, turnover, rank autocorrelation, coverage, and the correlation between "
        "alphas. Writes DIR/report.html (self-contained: tables and embedded plots), DIR/png/*.png and the "
        "numbers as DIR/numbers/*.csv and *.parquet.",
        epilog="examples:\n  alphalang report stdlib/wq101.alpha --demo --out r/\n"
        "  alphalang report my.alpha --data prices.parquet --horizons 1,5,20 --quantiles 10 --out r/\n"
        "  alphalang report my.alpha --demo --out r/ --no-plots --json > summary.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the .alpha file (or one formula)")
    add_library_options(parser)
    parser.add_argument("--out", metavar="DIR", required=True, help="directory for report.html, png/ and numbers/")
    parser.add_argument("--horizons", default="1,5,20", help="forward-return horizons in dates (default 1,5,20)")
    parser.add_argument("--quantiles", type=int, default=5, help="quantile buckets per date (default 5)")
    parser.add_argument("--price-field", default="close", help="field the forward returns come from (default close)")
    parser.add_argument("--title", default=None, help="page title (default: the file name)")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots (tables and numbers only)")
    add_output_options(parser)
    parser.set_defaults(func=run)


def _formulas(program) -> dict[str, str]:
    out = {}
    for name, span in program.plan.output_spans.items():
        if span is not None and span.text:
            out[name] = span.text[span.start : span.end]
    return out


def _label(value) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


def run(args: argparse.Namespace) -> int:
    from alphalang.evaluation import analyze, parse_horizons
    from alphalang.report import write_report
    from alphalang.report.ranking import headline
    from alphalang.simulation import simulate

    horizons = parse_horizons(args.horizons)
    started = time.perf_counter()
    with Progress(args) as progress:
        progress.stage("loading data")
        panel = load_data(args)
        progress.stage("compiling")
        program = compile_for_data(args, panel)
        with progress.compiles(f"running {len(program.outputs)} alphas") as kernels:
            results = program.run(panel)
        progress.steps("evaluating", len(results))
        analysis = analyze(results, panel, horizons=horizons, quantiles=args.quantiles,
                           lookback=program.lookback, price_field=args.price_field, progress=progress.advance)
        progress.stage(f"simulating {len(results)} books")
        simulations = simulate(results, panel)
        n_plots = 0 if args.no_plots else len(results) + 1 + (analysis.correlation is not None)
        progress.steps("plotting", n_plots)
        dates = f"{_label(panel.dates[0])} .. {_label(panel.dates[-1])}" if panel.n_dates else "no dates"
        source = args.data or f"demo market (seed {args.seed})"
        description = f"{args.file} on {source}: {panel.n_dates} dates x {panel.n_assets} assets ({dates})" + \
            "".join(f"; {line}" for line in program.skipped_lines())
        page = write_report(analysis, args.out, title=args.title or f"alphalang report: {Path(args.file).name}",
                            description=description, formulas=_formulas(program), plots=not args.no_plots,
                            progress=progress.advance, simulations=simulations)
    elapsed = time.perf_counter() - started
    if args.json:
        payload = {"report": str(page), "elapsed_s": round(elapsed, 3), **analysis.to_dict(),
                   "skipped": skipped_json(program)}
        json.dump(payload, sys.stdout, indent=2)
        print()
    elif not args.quiet:
        print(f"{len(results)} alphas on {panel.n_dates} dates x {panel.n_assets} assets. "
              + headline(analysis, simulations))
        for line in program.skipped_lines():
            print(line)
        print(f"wrote {page} ({elapsed:.1f} s)")
        if compile_note(kernels):
            print(compile_note(kernels))
    return 0
