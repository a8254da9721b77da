"""Turn a generated kernel into a numba dispatcher, cached on disk when the cache directory is trusted.

numba can only cache a function that has a source file, so each kernel's source is written to
``<cache dir>/kernels/alphalang_kernel_<digest>.py`` (and each kernel family's generated runner to
``alphalang_runner_<family>_<digest>.py``, ``kernels.table``), atomically: a temporary name renamed into place;
an existing file with the right content is never rewritten, as its timestamp is part of numba's cache key.
numba keeps the compiled code under ``<cache dir>/numba`` (see ``cache``). The file is only numba's anchor:
the code that runs is always compiled from the source in memory (never read back from the file or from a
``.pyc``), so a truncated or tampered ``.py`` is simply rewritten. When the cache cannot be used (refused,
read-only, no home) the kernel is compiled in memory without a file.

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> from alphalang.backend.numba.codegen import generate
    >>> load(generate(build_plan(parse_module("x = close")))).__name__.startswith("fused_")
    True
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numba
from numba.core import event

from alphalang.backend import compiling
from alphalang.backend.numba import cache
from alphalang.backend.numba.codegen import Kernel

ENV_VAR = cache.ENV_VAR
cache_dir = cache.cache_dir


def module_name(digest: str) -> str:
    """The name of a loaded kernel's module in ``sys.modules`` (and of its source file)."""
    return f"alphalang_kernel_{digest}"


def source_path(name: str, root: Path) -> Path:
    """Where module ``name``'s source is written under the cache directory ``root``."""
    return root / "kernels" / f"{name}.py"


def write_source(name: str, source: str, root: Path) -> Path:
    """Module ``name``'s source file, written atomically unless it already exists with this content."""
    path = source_path(name, root)
    if path.is_file() and path.read_bytes() == source.encode():
        return path
    cache.private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _anchor(name: str, source: str) -> Path | None:
    """The source file numba caches against, or None (compile in memory)."""
    root = cache.usable_dir()
    if root is None:
        return None
    try:
        return write_source(name, source, root)
    except OSError as exc:
        cache.warn_once(f"source:{root}", f"cannot write kernel sources in {root / 'kernels'} ({exc}): "
                        "compiling kernels in memory")
        return None


def load_function(name: str, source: str, function: str):
    """Function ``function`` of the generated module ``name`` (``source``) as a numba dispatcher, cached on disk
    against the module's written source when the cache can be used; the module is loaded once per process."""
    from alphalang.backend.numba.kernels import JIT_OPTIONS, quiet_objmode

    module = sys.modules.get(name)
    if module is None:
        path = _anchor(name, source)
        filename = str(path) if path is not None else f"<alphalang {name}>"
        module = types.ModuleType(name)
        module.__file__ = filename
        with quiet_objmode():  # the source imports kernel families, which may compile here
            exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - our own generated source
        options = {**JIT_OPTIONS, "cache": path is not None}
        setattr(module, function, numba.njit(**options)(getattr(module, function)))
        sys.modules[name] = module
    return getattr(module, function)


def load(kernel: Kernel):
    """The kernel's numba dispatcher (compiled on first call, or loaded from numba's cache)."""
    return load_function(module_name(kernel.digest), kernel.source, kernel.name)


def in_cache(fn, sig: tuple) -> bool:
    """Whether numba's on-disk cache holds ``fn`` compiled for ``sig`` (so making it ready only loads it). Reads
    numba's cache index the way ``Dispatcher.compile`` does; False when there is no cache or it cannot tell."""
    impl = getattr(getattr(fn, "_cache", None), "_cache_file", None)
    if impl is None:
        return False
    try:
        return fn._cache._index_key(sig, fn.targetctx.codegen()) in impl._load_index()
    except Exception:  # noqa: BLE001 - numba internals moved: the kernel will be made ready all the same
        return False


def ready(kernels: Iterable[tuple[Kernel, object]]) -> None:
    """Compile (or load from the cache) each kernel's dispatcher for the argument types the executor passes
    (``executor.signature``) before it runs, reporting each through ``alphalang.backend.compiling``: a
    ``begin`` naming how many are not cached, one ``kernel`` event each, an ``end``. Kernels already in memory
    report nothing."""
    from alphalang.backend.numba.executor import signature
    from alphalang.backend.numba.kernels import JIT_OPTIONS, quiet_objmode

    todo = {}
    for kernel, fn in kernels:
        sig = signature(kernel)
        if kernel.digest not in todo and sig not in fn.overloads:
            todo[kernel.digest] = (kernel, fn, sig)
    if not todo:
        return
    to_compile = sum(not in_cache(fn, sig) for _, fn, sig in todo.values())
    compiling.emit(compiling.CompileEvent("begin", total=len(todo), to_compile=to_compile,
                                          cached=bool(JIT_OPTIONS["cache"])))
    try:
        for kernel, fn, sig in todo.values():
            misses = sum(fn.stats.cache_misses.values())
            start = time.perf_counter()
            with quiet_objmode():  # a compile may compile the kernel families' objmode blocks: noise
                fn.compile(sig)
            compiling.emit(compiling.CompileEvent("kernel", name=kernel.name, seconds=time.perf_counter() - start,
                                                  compiled=sum(fn.stats.cache_misses.values()) > misses))
    finally:
        compiling.emit(compiling.CompileEvent("end"))


class _Compiles(event.Listener):
    """numba's compile events as ``compiling`` events: one ``kernel`` per function compiled at the top level (a
    callee compiled on the way is part of its caller), a ``begin`` before the first."""

    def __init__(self, label: str) -> None:
        self.label, self.depth, self.begun, self.start, self.seconds = label, 0, False, 0.0, 0.0

    def on_start(self, ev) -> None:
        if self.depth == 0:
            if not self.begun:
                self.begun = True
                compiling.emit(compiling.CompileEvent("begin", name=self.label,
                                                      cached=cache.usable_dir() is not None))
            self.start = time.perf_counter()
        self.depth += 1

    def on_end(self, ev) -> None:
        self.depth -= 1
        if self.depth == 0:
            fn = (ev.data or {}).get("dispatcher")
            name = getattr(getattr(fn, "py_func", None), "__qualname__", "") or self.label
            seconds = time.perf_counter() - self.start
            self.seconds += seconds
            compiling.emit(compiling.CompileEvent("kernel", name=name, compiled=True, seconds=seconds))


@contextmanager
def reported(label: str = "kernel library", since: float | None = None) -> Iterator[None]:
    """Report every numba function compiled inside the block (e.g. the kernel families' eager signatures, on
    the first import on a machine) as ``compiling`` events labelled ``label``, and the rest of the block's time
    (from ``since``, a ``time.perf_counter()`` reading, or its start: importing and loading cached kernels) as
    a ``setup`` event."""
    start = time.perf_counter() if since is None else since
    listener = _Compiles(label)
    try:
        with event.install_listener("numba:compile", listener):
            yield
    finally:
        if listener.begun:
            compiling.emit(compiling.CompileEvent("end", name=label))
        compiling.emit(compiling.CompileEvent("setup", name=label,
                                              seconds=max(time.perf_counter() - start - listener.seconds, 0.0)))
