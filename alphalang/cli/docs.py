"""``alphalang docs``: regenerate docs/operators.md from the operator registry (or check it is current)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "docs", help="write the operator reference generated from the registry",
        description="Render the operator reference from the registry to Markdown.",
        epilog="examples:\n  alphalang docs --out docs/operators.md\n  alphalang docs --check docs/operators.md",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", metavar="PATH", help="write to this file (default: print)")
    parser.add_argument("--check", metavar="PATH", help="exit 1 if this file is not up to date")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.docgen import operators_markdown

    text = operators_markdown()
    if args.check:
        current = Path(args.check).read_text() if Path(args.check).exists() else ""
        if current != text:
            print(f"{args.check} is out of date; run: alphalang docs --out {args.check}", file=sys.stderr)
            return 1
        return 0
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0
