"""Turn a generated kernel into a numba dispatcher, cached on disk when the cache directory is trusted.

numba can only cache a function that has a source file, so each kernel's source is written to
``<cache dir>/kernels/alphalang_kernel_<digest>.py`` (atomically: a temporary name renamed into place; an
existing file with the right content is never rewritten, as its timestamp is part of numba's cache key), and
numba keeps the compiled code under ``<cache dir>/numba`` (see ``cache``). The file is only numba's anchor:
the code that runs is always compiled from ``kernel.source`` in memory (never read back from the file or from
a ``.pyc``), so a truncated or tampered ``.py`` is simply rewritten. When the cache cannot be used (refused,
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
import types
from pathlib import Path

import numba

from alphalang.backend.numba import cache
from alphalang.backend.numba.codegen import Kernel
from alphalang.backend.numba.kernels import JIT_OPTIONS, quiet_objmode

ENV_VAR = cache.ENV_VAR
cache_dir = cache.cache_dir


def module_name(digest: str) -> str:
    """The name of a loaded kernel's module in ``sys.modules`` (and of its source file)."""
    return f"alphalang_kernel_{digest}"


def source_path(kernel: Kernel, root: Path) -> Path:
    return root / "kernels" / f"{module_name(kernel.digest)}.py"


def write_source(kernel: Kernel, root: Path) -> Path:
    """The kernel's source file, written atomically unless it already exists with this content."""
    path = source_path(kernel, root)
    if path.is_file() and path.read_bytes() == kernel.source.encode():
        return path
    cache.private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(kernel.source)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _anchor(kernel: Kernel) -> Path | None:
    """The source file numba caches against, or None (compile in memory)."""
    root = cache.usable_dir()
    if root is None:
        return None
    try:
        return write_source(kernel, root)
    except OSError as exc:
        cache.warn_once(f"source:{root}", f"cannot write kernel sources in {root / 'kernels'} ({exc}): "
                        "compiling kernels in memory")
        return None


def load(kernel: Kernel):
    """The kernel's numba dispatcher (compiled on first call, or loaded from numba's cache)."""
    name = module_name(kernel.digest)
    module = sys.modules.get(name)
    if module is None:
        path = _anchor(kernel)
        filename = str(path) if path is not None else f"<alphalang kernel {kernel.digest}>"
        module = types.ModuleType(name)
        module.__file__ = filename
        with quiet_objmode():  # the source imports the kernel families, which may compile here
            exec(compile(kernel.source, filename, "exec"), module.__dict__)  # noqa: S102 - our own generated source
        options = {**JIT_OPTIONS, "cache": path is not None}
        setattr(module, kernel.name, numba.njit(**options)(getattr(module, kernel.name)))
        sys.modules[name] = module
    return getattr(module, kernel.name)
