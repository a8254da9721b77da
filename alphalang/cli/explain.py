"""``alphalang explain FILE``: the checked graph after all passes, and with --kernel the generated numba code."""

from __future__ import annotations

import argparse

from alphalang.cli.common import add_compile_options, add_nan_options, compile_options


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "explain", help="show the checked graph (and the generated kernel) of a .alpha file or formula",
        description="Print one line per shared node of the checked program: node id, lookback, canonical "
        "text, and which output it is. --kernel prints the fused numba kernel source instead.",
        epilog="examples:\n  alphalang explain stdlib/wq101.alpha\n"
        '  alphalang explain "rank(delta(close, 5))" --kernel',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a .alpha file or a formula")
    parser.add_argument("--kernel", action="store_true", help="print the generated numba kernel source")
    parser.add_argument("--fields", default="", help="comma-separated extra data fields")
    add_compile_options(parser)
    add_nan_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.errors import AlphaTypeError
    from alphalang.program import compile

    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    program = compile(args.source, fields=fields, **{**compile_options(args), "backend": "reference"})
    if not args.kernel:
        print(program.explain())
        return 0
    try:
        source = program.kernel_source()
    except ImportError:
        raise AlphaTypeError("the numba backend is not available in this build") from None
    print(source)
    return 0
