"""Options shared by several subcommands: data source, backend and profile.

Example:
    $ alphalang run stdlib/wq101.alpha --demo --days 500 --assets 100
"""

from __future__ import annotations

import argparse

from alphalang.dialects import DIALECTS
from alphalang.errors import AlphaDataError
from alphalang.suggest import suggest


def add_data_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="PATH", help="parquet file/directory or CSV in long (date, asset) form")
    source.add_argument("--demo", action="store_true", help="use the built-in synthetic market (default)")
    parser.add_argument("--days", type=int, default=500, help="demo data: number of dates (default 500)")
    parser.add_argument("--assets", type=int, default=100, help="demo data: number of assets (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="demo data: random seed (default 0)")
    parser.add_argument("--date-format", metavar="FMT", default=None,
                        help="--data: how text dates are written, e.g. '%%d/%%m/%%Y' (default ISO-8601)")
    parser.add_argument("--start", metavar="DATE", default=None, help="--data: first date to read (inclusive)")
    parser.add_argument("--end", metavar="DATE", default=None, help="--data: last date to read (inclusive)")
    parser.add_argument("--date-col", metavar="NAME", default="date",
                        help="--data: the date column (default date)")
    parser.add_argument("--asset-col", metavar="NAME", default="asset",
                        help="--data: the asset id column (default asset)")
    parser.add_argument("--group-cols", metavar="A,B", default=None,
                        help="group-level columns of --data or --groups, e.g. sector,industry (default: whichever "
                        "of sector, industry, subindustry --data has, and every column of --groups)")
    parser.add_argument("--groups", metavar="PATH", default=None,
                        help="a CSV/parquet file of group labels kept apart from the prices: asset, sector, ... "
                        "(and date, for labels that change over time); docs/data.md")


def add_strict_option(parser: argparse.ArgumentParser) -> None:
    """``--strict``: stop at the first missing field instead of skipping the outputs that need it."""
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first field or group level the data lacks (default: evaluate every "
                        "output the data can feed and list the skipped ones with what they lack)")


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


def _names(text: str | None) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; None stays None."""
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def load_data(args: argparse.Namespace):
    """The panel the options ask for: a file (with its group levels, and those of ``--groups``), or the demo
    market."""
    from alphalang.data import demo_panel, load_panel
    from alphalang.data.io import attach_groups, read_groups

    keys = {"date": getattr(args, "date_col", "date"), "asset": getattr(args, "asset_col", "asset"),
            "date_format": getattr(args, "date_format", None)}
    group_file = getattr(args, "groups", None)
    from_file = read_groups(group_file, **keys) if group_file else {}
    levels = _names(getattr(args, "group_cols", None))
    wanted = None if levels is None else [g.lower().removeprefix("indclass.") for g in levels]
    if args.data:
        own = None if wanted is None else [g for g in wanted if g not in from_file]
        for level in own or ():
            if from_file and (hint := suggest(level, from_file)):  # a misspelt column of the groups file
                raise AlphaDataError(f"the groups file '{group_file}' has no group column '{level}'", hint=hint)
        panel = load_panel(args.data, groups=own, start=getattr(args, "start", None), end=getattr(args, "end", None),
                           **keys)
    else:
        if args.days < 1 or args.assets < 1:
            raise AlphaDataError("--days and --assets must be at least 1")
        panel = demo_panel(args.days, args.assets, args.seed)
    chosen = {k: v for k, v in from_file.items() if wanted is None or k in wanted}
    return attach_groups(panel, chosen, group_file)


def compile_for_data(args: argparse.Namespace, panel):
    """``args.file`` compiled for ``panel``: the outputs the data can feed (``Program.available``; the others
    in ``.skipped``), or with ``--strict`` all of them (a missing field is then an error at its use)."""
    from alphalang.program import compile

    strict = getattr(args, "strict", False)
    program = compile(args.file, fields=panel.fields, missing="error" if strict else "skip", **compile_options(args))
    return program if strict else program.available(panel.fields, panel.groups)


def skipped_json(program) -> dict[str, dict[str, list[str]]]:
    """The outputs ``program`` left out, for ``--json``: name -> lacking fields, group levels, skipped outputs
    it uses."""
    return {name: {"fields": list(why.fields), "groups": list(why.levels), "uses": list(why.uses)}
            for name, why in program.skipped.items()}


def compile_options(args: argparse.Namespace) -> dict:
    options = {"profile": args.profile}
    for key in ("nan", "min_periods", "dialect"):
        if getattr(args, key, None) is not None:
            options[key] = getattr(args, key)
    if args.backend:
        options["backend"] = args.backend
    return options


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that evaluate a whole file on data (``run``, ``report``, ``simulate``): data,
    compile, NaN policy and ``--strict``."""
    add_data_options(parser)
    add_compile_options(parser)
    add_nan_options(parser)
    add_strict_option(parser)
