"""``alphalang run FILE``: evaluate every output on data (or the demo market) and print a summary table."""

from __future__ import annotations

import argparse
import json
import time

from alphalang.cli.chunked import add_chunked_options, run_chunked_cli
from alphalang.cli.common import (
    add_library_options,
    compile_for_data,
    load_data,
    skipped_json,
)
from alphalang.cli.progress import Progress, add_output_options, compile_note, timings


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
    add_library_options(parser)
    parser.add_argument("--out", metavar="PATH", help="write results to this parquet (or .csv) file")
    add_output_options(parser)
    add_chunked_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.chunk_rows:
        return run_chunked_cli(args)
    from alphalang.summary import flagged, format_table, summarize

    with Progress(args) as progress:
        progress.stage("loading data")
        panel = load_data(args)
        progress.stage("checking formulas")
        start = time.perf_counter()
        program = compile_for_data(args, panel)
        compiled = time.perf_counter()
        with progress.compiles(f"evaluating {len(program.outputs)} outputs ({program.backend})") as kernels:
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
    seconds, empty = timings(compiled - start, kernels, done - compiled), flagged(rows)
    if args.json:
        clean = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()} for row in rows]
        print(json.dumps({"shape": list(panel.shape), "backend": program.backend, "nan": str(program.nan),
                          "outputs": clean, "skipped": skipped_json(program),
                          "seconds": seconds, "kernels": {"compiled": kernels.compiled, "loaded": kernels.loaded},
                          "no_finite_values": empty, "out": args.out},
                         allow_nan=False, indent=1))
        return 0
    if args.quiet:
        return 0
    print(format_table(rows))
    print(f"\n{len(results)} outputs on {panel.n_dates} dates x {panel.n_assets} assets "
          f"({program.backend} backend): " + ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items()))
    if empty:
        print(f"{len(empty)} output{'s' * (len(empty) != 1)} with no finite value after warm-up (flagged above): "
              + ", ".join(empty))
    if compile_note(kernels):
        print(compile_note(kernels))
    for line in program.skipped_lines():
        print(line)
    if args.out:
        print(f"wrote {args.out}")
    return 0
