"""``alphalang run FILE``: evaluate every output on data (or the demo market) and print a summary table."""

from __future__ import annotations

import argparse
import json
import time

from alphalang.cli.common import (
    add_compile_options,
    add_data_options,
    add_nan_options,
    compile_options,
    load_data,
)
from alphalang.cli.progress import Progress, add_output_options


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run", help="evaluate a .alpha file on data and print a summary",
        description="Evaluate every output of a .alpha file and print, per output, its lookback, the share of "
        "finite values after warm-up, and mean/std/min/max. --out writes the results as parquet (long form, "
        "one column per output).",
        epilog="examples:\n  alphalang run stdlib/wq101.alpha --demo\n"
        "  alphalang run my.alpha --data prices.parquet --out results.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the .alpha file")
    add_data_options(parser)
    add_compile_options(parser)
    add_nan_options(parser)
    parser.add_argument("--out", metavar="PATH", help="write results to this parquet (or .csv) file")
    add_output_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.program import compile
    from alphalang.summary import format_table, summarize

    with Progress(args) as progress:
        progress.stage("loading data")
        panel = load_data(args)
        progress.stage("checking formulas")
        start = time.perf_counter()
        program = compile(args.file, fields=panel.fields, **compile_options(args))
        compiled = time.perf_counter()
        progress.stage(f"evaluating {len(program.outputs)} outputs ({program.backend})")
        results = program.run(panel)
        done = time.perf_counter()
        if args.out:
            progress.stage(f"writing {args.out}")
            frame = panel.to_long(results)
            if args.out.endswith(".csv"):
                frame.to_csv(args.out)
            else:
                frame.to_parquet(args.out)
    rows = summarize(results, program.lookback)
    if args.json:
        clean = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()} for row in rows]
        print(json.dumps({"shape": list(panel.shape), "backend": program.backend, "nan": str(program.nan),
                          "outputs": clean,
                          "seconds": {"check": compiled - start, "run": done - compiled}, "out": args.out},
                         allow_nan=False, indent=1))
        return 0
    if args.quiet:
        return 0
    print(format_table(rows))
    print(f"\n{len(results)} outputs on {panel.n_dates} dates x {panel.n_assets} assets "
          f"({program.backend} backend): check {compiled - start:.2f} s, run {done - compiled:.2f} s"
          + (" (the first run compiles and caches the kernels; later runs start in about a second)"
             if program.backend == "numba" and done - start > 5 else ""))
    if args.out:
        print(f"wrote {args.out}")
    return 0
