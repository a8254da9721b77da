"""``alphalang repl``: an interactive session on data or the demo market (line-by-line when piped).

Example:
    $ alphalang repl --demo
    $ printf 'x = rank(delta(close, 5))\\n:ic x\\n' | alphalang repl --demo
"""

from __future__ import annotations

import argparse

from alphalang.cli.common import add_compile_options, add_data_options


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "repl", help="interactive formulas: evaluate, describe, plot, IC, explain, save",
        description="Start an interactive session. Type a formula to evaluate and summarise it, a statement "
        "(name = formula, def f(a) = ..., import wq101) to keep it, or a :command (:help lists them: :load, "
        ":data, :describe, :plot, :ic, :sim, :explain, :time, :backend, :dialect, :save, :list, :reset, :quit; "
        "rank? or help rank explains an operator, quit or exit leaves). Without --backend it evaluates with the "
        "reference backend below 200,000 cells (dates x assets) and numba from there (:backend shows why). "
        "--dialect reads the inputs as BRAIN, qlib or GTJA write them (:dialect switches). On a terminal it has "
        "highlighting, completion (Tab), signature help and persistent history; with piped input it reads "
        "one input per line (an input continues while a '(' is open) and prints only results.",
        epilog="examples:\n  alphalang repl --demo\n  alphalang repl --data prices.parquet --plot-dir plots/\n"
        "  printf 'mom = rank(delta(close, 5))\\n:ic mom --horizon 1,5\\n:save mom.alpha\\n' | alphalang repl",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_options(parser)
    add_compile_options(parser)
    parser.add_argument("--plot-dir", default=".", metavar="DIR", help="where :plot writes PNGs (default .)")
    parser.add_argument("--history", metavar="PATH", default=None,
                        help="history file (default $ALPHALANG_HISTORY or ~/.alphalang_history)")
    parser.add_argument("--no-history", action="store_true", help="keep no history file")
    parser.add_argument("--load", metavar="FILE", action="append", default=[],
                        help="load a .alpha file into the session at start (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no banner")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from alphalang.cli.common import load_data
    from alphalang.repl import Session
    from alphalang.repl.app import run_piped, run_prompt

    panel = load_data(args)
    label = args.data or f"demo market ({args.days} dates x {args.assets} assets, seed {args.seed})"
    session = Session(panel, data_label=label, plot_dir=args.plot_dir, profile=args.profile,
                      backend=args.backend or "auto", dialect=getattr(args, "dialect", None) or "alphalang")
    if getattr(args, "nan", None):
        session.nan = args.nan
    for path in args.load:
        session.load(path)
    if sys.stdin.isatty() and sys.stdout.isatty():
        return run_prompt(session, history=args.history, use_history=not args.no_history, banner=not args.quiet)
    return run_piped(session, sys.stdin, sys.stdout, sys.stderr)
