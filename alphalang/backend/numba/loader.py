"""Write generated kernel source to the cache directory and import it, so numba's on-disk cache works.

numba cannot cache functions built with ``exec`` (no source file to key on), so each kernel is written to
``<cache dir>/kernels/alphalang_kernel_<digest>.py`` and imported from there; numba keeps its compiled code in
``__pycache__`` beside it, and a second process imports the same file and loads the machine code instead of
compiling. The cache directory is ``$ALPHALANG_CACHE_DIR`` (default ``~/.cache/alphalang``). Files are written
to a temporary name and renamed into place (atomic on POSIX), and an existing file with the right content is
never rewritten (its timestamp is part of numba's cache key), so processes can share the directory.

Example:
    >>> import os
    >>> cache_dir().name in ("alphalang", os.path.basename(os.environ.get("ALPHALANG_CACHE_DIR", "")))
    True
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import warnings
from pathlib import Path

from numba.core.errors import NumbaWarning

from alphalang.backend.numba.codegen import Kernel

ENV_VAR = "ALPHALANG_CACHE_DIR"

# objmode blocks (the SIMD row sort) re-take the GIL for ~0.2 us; numba warns about it at every compile.
warnings.filterwarnings("ignore", message=".*Code running in object mode won't allow parallel execution.*",
                        category=NumbaWarning)


def cache_dir() -> Path:
    """Where generated kernels (and numba's compiled code for them) are kept."""
    return Path(os.environ.get(ENV_VAR) or Path.home() / ".cache" / "alphalang")


def source_path(kernel: Kernel) -> Path:
    return cache_dir() / "kernels" / f"alphalang_kernel_{kernel.digest}.py"


def write_source(kernel: Kernel) -> Path:
    """The kernel's source file, written atomically unless it already exists with this content."""
    path = source_path(kernel)
    if path.is_file() and path.read_text() == kernel.source:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(kernel.source)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(kernel: Kernel):
    """The kernel's numba dispatcher (compiled on first call, or loaded from numba's cache)."""
    module_name = f"alphalang_kernel_{kernel.digest}"
    module = sys.modules.get(module_name)
    if module is None:
        path = write_source(kernel)
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
    return getattr(module, kernel.name)
