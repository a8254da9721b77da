"""``alphalang demo --out prices.csv``: write the built-in demo market as a data file in the layout ``--data`` reads.

A new user sees the expected columns (date, asset, fields, group levels) in a real file, and can try every
``--data`` command before bringing their own data. ``returns`` is left out: alphalang derives it from ``close``.

Example:
    $ alphalang demo --out prices.csv --days 250 --assets 30
"""

from __future__ import annotations

import argparse

from alphalang.errors import AlphaDataError

#: fields a user's file normally lacks; alphalang derives them (docs/semantics.md, derived fields)
DERIVED = ("returns",)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="write the built-in demo market as a CSV/parquet file (the layout --data reads)",
        description="Write the synthetic demo market as a long table: one row per (date, asset), one column per "
        "field, the group levels (sector, industry, subindustry) as integer columns. 'returns' is left out "
        "because alphalang derives it from close.",
        epilog="examples:\n  alphalang demo --out prices.csv\n  alphalang run wq101 --data prices.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", metavar="PATH", required=True, help="a .csv file, or a .parquet file/directory")
    parser.add_argument("--days", type=int, default=500, help="number of dates (default 500)")
    parser.add_argument("--assets", type=int, default=100, help="number of assets (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(func=run)


def demo_file_panel(days: int, assets: int, seed: int):
    """The demo market as a user's file holds it: the demo panel without its derived fields.

    Example:
        >>> sorted(demo_file_panel(5, 3, 0).fields)
        ['cap', 'close', 'high', 'low', 'open', 'volume', 'vwap']
    """
    from alphalang.data import Panel, demo_panel

    if days < 1 or assets < 1:
        raise AlphaDataError("--days and --assets must be at least 1")
    panel = demo_panel(days, assets, seed)
    fields = {name: panel.field(name) for name in panel.fields if name not in DERIVED}
    groups = {level: panel.group(level)[0] for level in panel.groups}
    return Panel(fields, groups=groups, dates=panel.dates, assets=panel.assets)


def run(args: argparse.Namespace) -> int:
    from alphalang.data.io import write_csv, write_parquet

    panel = demo_file_panel(args.days, args.assets, args.seed)
    writer = write_csv if args.out.lower().endswith((".csv", ".csv.gz")) else write_parquet
    writer(panel, args.out)
    columns = ["date", "asset", *panel.fields, *panel.groups]
    print(f"wrote {args.out}: {panel.n_dates} dates x {panel.n_assets} assets, columns {', '.join(columns)}")
    return 0
