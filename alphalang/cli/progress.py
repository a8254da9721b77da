"""A progress display for long CLI runs: a rich progress bar on a terminal, silent when piped or ``--quiet``.

Example:
    >>> import argparse
    >>> with Progress(argparse.Namespace(quiet=True, json=False)) as p:
    ...     p.steps("evaluating", 2); p.advance("a"); p.advance("b")
    >>> p.enabled
    False
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["Progress", "add_output_options"]


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``--json`` (machine-readable output on stdout, no progress)."""
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--json", action="store_true", help="print a machine-readable JSON summary on stdout")


class Progress:
    """Stages and counted steps on stderr; enabled only on a terminal and without --quiet/--json."""

    def __init__(self, args: argparse.Namespace, stream=None) -> None:
        stream = stream if stream is not None else sys.stderr
        quiet = getattr(args, "quiet", False) or getattr(args, "json", False)
        self.enabled = not quiet and hasattr(stream, "isatty") and stream.isatty()
        self._stream = stream
        self._bar = None
        self._task = None

    def __enter__(self) -> Progress:
        if self.enabled:
            try:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
                from rich.progress import Progress as RichProgress
            except ImportError:  # rich is optional: fall back to silence
                self.enabled = False
                return self
            self._bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=Console(file=self._stream), transient=True)
            self._bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def stage(self, text: str) -> None:
        """A step of unknown length (a spinner)."""
        self._new(text, None)

    def steps(self, text: str, total: int) -> None:
        """A step of ``total`` units, advanced by ``advance``."""
        self._new(text, total)

    def advance(self, label: str = "") -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def _new(self, text: str, total: int | None) -> None:
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(text, total=total)
