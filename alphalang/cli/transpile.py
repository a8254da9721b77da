"""``alphalang transpile``: print what a file in another dialect was read as, in canonical alphalang text."""

from __future__ import annotations

import argparse
from pathlib import Path

from alphalang.dialects import DIALECTS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "transpile", help="print a dialect file as canonical alphalang text",
        description="Read FILE in its dialect (its '# dialect:' header, its extension, or --from) and print the "
        "canonical alphalang text it was read as: registry operator names, IndClass groups, the prelude "
        "definitions it uses. The text compiles to the same program. --to brain prints BRAIN's spelling "
        "instead, one alpha per output in BRAIN's statement form (a = ...; b = ...; final_expression).",
        epilog="examples:\n  alphalang transpile stdlib/gtja191.alpha\n  alphalang transpile f.txt --from qlib\n"
        "  alphalang transpile alpha360 --to brain",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="a formula file")
    parser.add_argument("--from", dest="source_dialect", choices=tuple(DIALECTS), default=None,
                        help="its dialect when the file does not say (default: alphalang)")
    parser.add_argument("--to", choices=TARGETS, default="alphalang",
                        help="alphalang: the canonical form (default); brain: BRAIN's names and statement form, "
                        "one alpha per output (what BRAIN cannot express is listed as errors, exit 1)")
    parser.set_defaults(func=run)


TARGETS = ("alphalang", "brain")
MAX_ERRORS = 20


def run(args: argparse.Namespace) -> int:
    from alphalang.dialects.transpile import transpile
    from alphalang.errors import collected
    from alphalang.program import library_path, load_module

    module, _ = load_module(library_path(args.file) or Path(args.file), args.source_dialect)
    errors: list = []
    print(transpile(module, args.to, errors), end="")
    if errors:  # the outputs BRAIN can express are printed; the others are errors
        raise collected(errors[:MAX_ERRORS], more=len(errors) > MAX_ERRORS)
    return 0
