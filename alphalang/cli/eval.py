"""``alphalang eval "EXPR"``: evaluate one expression and print its summary and last rows."""

from __future__ import annotations

import argparse

import numpy as np

from alphalang.cli.common import (
    add_compile_options,
    add_data_options,
    add_nan_options,
    compile_options,
    load_data,
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", help="evaluate one expression on data and print a summary",
        description="Evaluate a single formula (any field of the data may be used) and print its summary and "
        "the last rows for a few assets.",
        epilog='example:\n  alphalang eval "rank(delta(close, 5))" --demo',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("expr", help="the formula, e.g. \"rank(delta(close, 5))\"")
    add_data_options(parser)
    add_compile_options(parser)
    add_nan_options(parser)
    parser.add_argument("--rows", type=int, default=5, help="how many last rows to show (default 5)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.program import compile
    from alphalang.summary import format_table, summarize

    panel = load_data(args)
    program = compile(args.expr, fields=panel.fields, **compile_options(args))
    results = program.run(panel)
    print(format_table(summarize(results, program.lookback)))
    name = program.outputs[0]
    tail = panel.to_wide(results[name]).iloc[-args.rows:, : min(6, panel.n_assets)]
    with np.printoptions(precision=4):
        print()
        print(tail.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0
