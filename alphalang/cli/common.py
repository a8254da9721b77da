"""Options shared by several subcommands: data source, backend and profile.

Example:
    $ alphalang run stdlib/wq101.alpha --demo --days 500 --assets 100
"""

from __future__ import annotations

import argparse

from alphalang.dialects import DIALECTS
from alphalang.errors import AlphaDataError


def add_data_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="PATH", help="parquet file/directory or CSV in long (date, asset) form")
    source.add_argument("--demo", action="store_true", help="use the built-in synthetic market (default)")
    parser.add_argument("--days", type=int, default=500, help="demo data: number of dates (default 500)")
    parser.add_argument("--assets", type=int, default=100, help="demo data: number of assets (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="demo data: random seed (default 0)")
    parser.add_argument("--date-format", metavar="FMT", default=None,
                        help="--data: how text dates are written, e.g. '%%d/%%m/%%Y' (default ISO-8601)")


def add_compile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=("reference", "numba"), default=None,
                        help="evaluation backend (default: the library default)")
    parser.add_argument("--profile", choices=("paper", "pandas-ref"), default="paper",
                        help="semantics profile (default: paper)")
    parser.add_argument("--dialect", choices=tuple(DIALECTS), default=None,
                        help="formula dialect when the file has no '# dialect:' header or dialect extension "
                        "(default: alphalang)")


def add_nan_options(parser: argparse.ArgumentParser) -> None:
    """``--nan strict|skip`` and ``--min-periods M``: the program's NaN policy (``passes.nanpolicy``)."""
    parser.add_argument("--nan", choices=("strict", "skip"), default=None,
                        help="NaN policy of window statistics: strict (any missing value in the window gives NaN; "
                        "the default, except for the qlib dialect) or skip (computed over the valid values)")
    parser.add_argument("--min-periods", type=int, default=None, metavar="M",
                        help="--nan skip: valid values a window needs (default 1)")


def load_data(args: argparse.Namespace):
    """The panel the options ask for: a file, or the demo market."""
    from alphalang.data import demo_panel, load_panel

    if args.data:
        return load_panel(args.data, date_format=getattr(args, "date_format", None))
    if args.days < 1 or args.assets < 1:
        raise AlphaDataError("--days and --assets must be at least 1")
    return demo_panel(args.days, args.assets, args.seed)


def compile_options(args: argparse.Namespace) -> dict:
    options = {"profile": args.profile}
    for key in ("nan", "min_periods", "dialect"):
        if getattr(args, key, None) is not None:
            options[key] = getattr(args, key)
    if args.backend:
        options["backend"] = args.backend
    return options
