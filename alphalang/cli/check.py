"""``alphalang check FILE``: parse and check a module; list its outputs and lookbacks, or the errors."""

from __future__ import annotations

import argparse
from pathlib import Path

from alphalang.cli.common import add_compile_options, add_nan_options, compile_options
from alphalang.program import library_path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="check a .alpha file and list its outputs with their lookbacks",
        description="Parse and check a .alpha file. Prints each output with its lookback (warm-up rows); "
        "otherwise prints every error (one per statement, up to 20; a parse error stops at the first) with "
        "file:line:col and a caret and exits with 1.",
        epilog="example:\n  alphalang check stdlib/wq101.alpha\n  alphalang check my.alpha --fields sentiment",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the .alpha file")
    parser.add_argument("--fields", default="", help="comma-separated extra data fields the formulas may use")
    add_compile_options(parser)
    add_nan_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.program import compile

    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    source = library_path(args.file) or Path(args.file)
    program = compile(source, fields=fields, **{**compile_options(args), "backend": "reference"})
    width = max((len(n) for n in program.outputs), default=6)
    print(f"{'output'.ljust(width)}  lookback")
    for name, rows in program.lookback.items():
        print(f"{name.ljust(width)}  {rows:>8}")
    print(f"{len(program.outputs)} outputs, {len(program.plan.graph)} shared nodes; "
          f"fields: {', '.join(program.fields)}" + (f"; groups: {', '.join(program.groups)}" if program.groups
                                                    else ""))
    return 0
