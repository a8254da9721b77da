"""The ``alphalang`` command line. Each subcommand lives in its own module exposing
``register(subparsers)``, which adds an argparse parser and sets ``func=run`` where
``run(args) -> int`` returns the exit code.

Exit codes: 0 ok, 1 user error (an ``AlphaError``, printed with its caret), 2 internal error, 141 (quietly) when
the reader of the output went away (``alphalang ... | head``), like any Unix tool stopped by SIGPIPE.

Example:
    $ alphalang check stdlib/wq101.alpha
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from alphalang.errors import AlphaError

# Subcommand modules, in the order `--help` lists them. A missing optional module is skipped.
COMMAND_MODULES = (
    "alphalang.cli.check",
    "alphalang.cli.run",
    "alphalang.cli.simulate",
    "alphalang.cli.eval",
    "alphalang.cli.explain",
    "alphalang.cli.transpile",
    "alphalang.cli.docs",
    "alphalang.cli.train",
    "alphalang.cli.repl",
    "alphalang.cli.report",
    "alphalang.cli.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alphalang",
        description="Compile and evaluate WorldQuant-style alpha formulas.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  alphalang check stdlib/wq101.alpha\n  alphalang run stdlib/wq101.alpha --demo\n"
        '  alphalang eval "rank(delta(close, 5))" --demo',
    )
    parser.add_argument("-V", "--version", action="version", version=_version())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def _version() -> str:
    """``alphalang X.Y.Z (numba A.B, Python C.D.E)``: what ``--version`` prints (numba only when installed)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from alphalang import __version__

    parts = []
    try:
        parts.append(f"numba {version('numba')}")
    except PackageNotFoundError:
        pass
    parts.append(f"Python {platform.python_version()}")
    return f"alphalang {__version__} ({', '.join(parts)})"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except AlphaError as err:
        print(err.render(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence for the user
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("  this is a bug in alphalang; please report it with the command you ran.", file=sys.stderr)
        return 2


def _quiet_broken_pipe() -> int:
    """The reader closed our stdout: point stdout at /dev/null so the final flush cannot fail again (the
    recipe of the Python docs, "Note on SIGPIPE"), and exit 141 = 128 + SIGPIPE without a message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it): nothing left to flush
        pass
    return 141


if __name__ == "__main__":
    sys.exit(main())
