"""Compile events: what making a program's kernels ready cost (how many compiled, how many loaded, seconds).

A backend that compiles (numba: ``loader.ready``) reports one ``begin`` per batch of kernels, one ``kernel`` per
kernel made ready (compiled now, or loaded from the on-disk cache) and one ``end``. Whoever wants to know
listens with ``watch``: ``alphalang run`` shows "compiling N kernels" with a step per kernel and splits compile
from run time in its footer; ``TOTALS`` counts everything since the process started (the REPL's ``:time``).
Kernels already in memory report nothing, and the reference backend never compiles.

Example:
    >>> events = []
    >>> with watch(events.append) as log:
    ...     emit(CompileEvent("begin", total=2, to_compile=1))
    ...     emit(CompileEvent("kernel", name="fused_a", compiled=True, seconds=1.5))
    ...     emit(CompileEvent("kernel", name="fused_b", seconds=0.25))
    ...     emit(CompileEvent("end"))
    ...     emit(CompileEvent("setup", seconds=0.5))
    >>> log.compiled, log.loaded, log.compile_seconds, log.seconds
    (1, 1, 1.5, 2.25)
    >>> [e.kind for e in events]
    ['begin', 'kernel', 'kernel', 'end', 'setup']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["TOTALS", "CompileEvent", "CompileLog", "emit", "watch"]


@dataclass(frozen=True)
class CompileEvent:
    """One step of making kernels ready.

    ``kind``: ``"begin"`` (``total`` kernels to make ready, ``to_compile`` of them not in the cache, or 0 and 0
    when not known in advance, e.g. the ``name="kernel library"`` compiled on the first import on a machine;
    ``cached``: whether compiled kernels are kept on disk for later processes), ``"kernel"`` (kernel ``name`` is
    ready: ``compiled`` now or loaded, in ``seconds``), ``"end"``, or ``"setup"`` (``seconds`` spent importing
    and generating kernels around the compiles: counted as load time, no kernel).
    """

    kind: str
    total: int = 0
    to_compile: int = 0
    cached: bool = True
    name: str = ""
    compiled: bool = False
    seconds: float = 0.0


@dataclass
class CompileLog:
    """Counters over the events seen: kernels compiled and loaded, and the seconds compiling and loading took
    (loading includes ``setup``)."""

    compiled: int = 0
    loaded: int = 0
    compile_seconds: float = 0.0
    load_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        """Compile plus load time."""
        return self.compile_seconds + self.load_seconds

    def add(self, event: CompileEvent) -> None:
        if event.kind == "setup":
            self.load_seconds += event.seconds
        if event.kind != "kernel":
            return
        if event.compiled:
            self.compiled += 1
            self.compile_seconds += event.seconds
        else:
            self.loaded += 1
            self.load_seconds += event.seconds


#: Every kernel compiled or loaded by this process.
TOTALS = CompileLog()
_lock = threading.Lock()
_watchers: list[tuple[CompileLog, Callable[[CompileEvent], None] | None]] = []


def emit(event: CompileEvent) -> None:
    """Report ``event`` to ``TOTALS`` and every active ``watch`` (a backend calls this)."""
    with _lock:
        TOTALS.add(event)
        watchers = list(_watchers)
    for log, callback in watchers:
        log.add(event)
        if callback is not None:
            callback(event)


@contextmanager
def watch(callback: Callable[[CompileEvent], None] | None = None) -> Iterator[CompileLog]:
    """Count (and pass to ``callback``) the compile events while the block runs; yields its ``CompileLog``."""
    entry = (CompileLog(), callback)
    with _lock:
        _watchers.append(entry)
    try:
        yield entry[0]
    finally:
        with _lock:
            del _watchers[next(k for k, e in enumerate(_watchers) if e is entry)]
