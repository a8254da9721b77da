"""A progress display for long CLI runs: a rich progress bar on a terminal, silent when piped or ``--quiet``.

``Progress.compiles`` shows kernels being compiled ("compiling 12 kernels (first run on this machine)", a step
per kernel) while a block runs, and yields what compiling cost (``alphalang.backend.compiling.CompileLog``).

Example:
    >>> import argparse
    >>> with Progress(argparse.Namespace(quiet=True, json=False)) as p:
    ...     p.steps("evaluating", 2); p.advance("a"); p.advance("b")
    ...     with p.compiles("evaluating 2 outputs") as log:
    ...         pass
    >>> p.enabled, log.compiled
    (False, 0)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Progress", "add_output_options", "compile_note", "timings"]


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

    @contextmanager
    def compiles(self, stage: str) -> Iterator:
        """Run the block as the stage ``stage``; kernels compiled meanwhile show as "compiling N kernels (first run
        on this machine)" with a step per kernel (the kernel library's first import: a count), then ``stage``
        again. Yields the block's ``CompileLog`` (kernels compiled and loaded, seconds)."""
        from alphalang.backend.compiling import watch

        def on_event(event) -> None:
            why = "first run on this machine" if event.cached else "no kernel cache: compiled in memory"
            if event.kind == "begin" and event.name:  # not known in advance: a count
                self.stage(f"compiling the {event.name} ({why})")
            elif event.kind == "begin" and event.to_compile:
                n = event.to_compile
                self.steps(f"compiling {n} kernel{'s' * (n != 1)} ({why})", n)
            elif event.kind == "kernel" and event.compiled:
                self.advance(event.name)
            elif event.kind == "end":
                self.stage(stage)

        self.stage(stage)
        with watch(on_event) as log:
            yield log

    def advance(self, label: str = "") -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def _new(self, text: str, total: int | None) -> None:
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(text, total=total)


def timings(check: float, kernels, total: float) -> dict[str, float]:
    """Seconds spent checking the formulas, compiling (or loading) kernels (``kernels``: a ``CompileLog``) and
    running them, from the check time and the total time of the evaluation after it.

    >>> from alphalang.backend.compiling import CompileLog
    >>> timings(0.5, CompileLog(compiled=2, compile_seconds=3.0), 4.0)
    {'check': 0.5, 'compile': 3.0, 'run': 1.0}
    """
    return {"check": check, "compile": kernels.seconds, "run": max(total - kernels.seconds, 0.0)}


def compile_note(kernels) -> str:
    """A line saying how many kernels were compiled (and that later runs load them), or "" when none were.

    >>> from alphalang.backend.compiling import CompileLog
    >>> compile_note(CompileLog(compiled=2, compile_seconds=3.0))
    'compiled 2 kernels in 3.0 s (first run on this machine; cached, later runs load them)'
    >>> compile_note(CompileLog(loaded=5))
    ''
    """
    if not kernels.compiled:
        return ""
    from alphalang.backend.numba.cache import usable_dir

    why = ("first run on this machine; cached, later runs load them" if usable_dir() is not None
           else "no usable kernel cache: every run compiles them")
    s = "s" * (kernels.compiled != 1)
    return f"compiled {kernels.compiled} kernel{s} in {kernels.compile_seconds:.1f} s ({why})"
