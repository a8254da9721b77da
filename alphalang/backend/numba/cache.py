"""The on-disk kernel cache: where it lives, when it is trusted, and how a corrupt entry heals.

Cached kernels are code: numba's ``.nbi``/``.nbc`` files are pickles and hold machine code, so whoever can
write the cache directory runs code in every alphalang process. Hence:

* everything alphalang compiles (the hand-written kernels of this package and the generated fused kernels) is
  cached under one directory, ``cache_dir()``; nothing is ever written into the installed package;
* that directory is created with mode 0700 and used only if it belongs to the current user and is not
  writable by group or others; an entry file owned by someone else or writable by others is refused;
* when the directory is refused, read-only or cannot be created (no writable HOME), kernels are compiled in
  memory for this process, with one ``CacheWarning``;
* an entry numba cannot load (truncated ``.nbc``, empty ``.nbi``) is deleted and recompiled, with one warning.

numba has no hook for either decision, so ``install`` puts a cache locator (``_Locator``) first in numba's
list for alphalang's own files, and wraps ``Cache.load_overload`` / ``save_overload`` for the caches that
locator serves (every other numba function is left to numba).

Example:
    >>> import os
    >>> cache_dir() is None or cache_dir().name in ("alphalang", os.path.basename(os.environ.get(ENV_VAR, "")))
    True
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import warnings
from pathlib import Path

from numba.core import caching, config

ENV_VAR = "ALPHALANG_CACHE_DIR"
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # the installed ``alphalang`` package


class CacheWarning(UserWarning):
    """The kernel cache cannot be used (or an entry was rebuilt); alphalang compiles in memory instead."""


_warned: set[str] = set()
_checked: dict[str, Path | None] = {}
_fingerprint = ""
_package_root: Path | None = None  # where the package kernels are cached (decided once, by ``install``)


def warn_once(key: str, message: str) -> None:
    """Emit a ``CacheWarning`` the first time ``key`` is seen in this process."""
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, CacheWarning, stacklevel=3)


def cache_dir() -> Path | None:
    """``$ALPHALANG_CACHE_DIR``, else ``$NUMBA_CACHE_DIR/alphalang``, else ``$XDG_CACHE_HOME/alphalang``, else
    ``~/.cache/alphalang``; None when there is no home directory to put it in."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    for var in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME"):
        if os.environ.get(var):
            return Path(os.environ[var]) / "alphalang"
    try:
        return Path.home() / ".cache" / "alphalang"
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        return None


def untrusted(path: Path) -> str | None:
    """Why ``path`` must not be trusted (owned by another user, writable by group/others), or None."""
    st = path.stat()
    if st.st_uid != os.geteuid():
        return f"{path} belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} is writable by group or others (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if needed and check it is ours, private and writable; raises OSError."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    reason = untrusted(path)
    if reason is not None:
        raise PermissionError(reason)
    tempfile.TemporaryFile(dir=path).close()  # writable?
    return path


def usable_dir() -> Path | None:
    """The cache directory if it can be trusted and written, else None (warned once per directory)."""
    root = cache_dir()
    key = str(root)
    if key not in _checked:
        _checked[key] = _check_root(root)
    return _checked[key]


def _check_root(root: Path | None) -> Path | None:
    if getattr(config, "CACHE_LOCATOR_CLASSES", None):
        warn_once("locators", "NUMBA_CACHE_LOCATOR_CLASSES is set, so alphalang cannot tell where numba would "
                  "write its kernels: compiling them in memory (set ALPHALANG_CACHE_DIR and unset it to cache)")
        return None
    if root is None:
        warn_once("home", "no home directory for the kernel cache: compiling kernels in memory "
                  f"(set {ENV_VAR} to a private writable directory to cache them)")
        return None
    try:
        return private_dir(root)
    except OSError as exc:
        warn_once(f"root:{root}", f"kernel cache {root} not used ({exc}): compiling kernels in memory; set "
                  f"{ENV_VAR} to a directory only you can write (mode 0700) to cache them")
        return None


class _Locator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """numba cache locator for alphalang's files: ``<cache dir>/numba/<source dir>_<hash>-<kernels fingerprint>``
    (``generated-<fingerprint>`` for generated kernels, so the cache directory can be moved); the fingerprint
    keeps a cached caller from embedding a stale callee after a kernel source changes."""

    def __init__(self, py_func, py_file: str, root: Path) -> None:
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        generated = not Path(py_file).resolve().is_relative_to(PACKAGE_DIR)  # relocatable with the cache dir
        where = "generated" if generated else self.get_suitable_cache_subpath(py_file)
        self._cache_path = str(root / "numba" / f"{where}-{_fingerprint}")

    def get_cache_path(self) -> str:
        return self._cache_path

    def ensure_cache_path(self) -> None:
        path = Path(self._cache_path)
        private_dir(path.parent)
        private_dir(path)

    @classmethod
    def from_function(cls, py_func, py_file):
        """Package files are cached under the root ``install`` chose; a generated kernel (or family runner)
        under the cache directory its source was written to; anything else is left to numba's own locators."""
        path = Path(py_file).resolve()
        if path.is_relative_to(PACKAGE_DIR):
            if _package_root is None:  # package functions ask for caching only when install() found a root
                raise RuntimeError(f"alphalang kernel cache unavailable for {py_file}")
            return cls(py_func, py_file, _package_root)
        if path.parent.name == "kernels" and path.name.startswith(("alphalang_kernel_", "alphalang_runner_")):
            return cls(py_func, py_file, path.parent.parent)
        return None


def _entry_files(cache) -> list[Path]:
    base = os.path.join(cache.cache_path, glob.escape(cache._impl.filename_base))
    return [Path(p) for p in [*glob.glob(base + ".nbi"), *glob.glob(base + ".*.nbc")]]


def _drop_entry(cache) -> None:
    for path in _entry_files(cache):
        path.unlink(missing_ok=True)


def _load_overload(original):
    def load_overload(self, sig, target_context):
        if not isinstance(self._impl.locator, _Locator):
            return original(self, sig, target_context)
        reasons = [r for r in map(untrusted, _existing(_entry_files(self))) if r]
        if reasons:
            warn_once(f"entry:{reasons[0]}", f"kernel cache entry refused ({reasons[0]}): compiling in memory")
            self.disable()
            return None
        try:
            return original(self, sig, target_context)
        except Exception as exc:  # noqa: BLE001 - any failure to read an entry means a corrupt entry
            _drop_entry(self)
            warn_once(f"corrupt:{self.cache_path}", f"corrupt kernel cache entry in {self.cache_path} "
                      f"({type(exc).__name__}: {exc}): deleted, recompiling")
            return None

    load_overload.alphalang = True
    return load_overload


def _save_overload(original):
    def save_overload(self, sig, data):
        if not isinstance(self._impl.locator, _Locator):
            return original(self, sig, data)
        try:
            return original(self, sig, data)
        except OSError as exc:
            warn_once(f"save:{self.cache_path}", f"cannot write the kernel cache in {self.cache_path} ({exc}): "
                      "kernels stay compiled in memory for this process")
            self.disable()
            return None

    return save_overload


def _existing(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.exists()]


def install(fingerprint: str) -> bool:
    """Route numba's cache for alphalang's files into ``cache_dir()`` (once per process); returns whether
    kernels can be cached (else they compile in memory)."""
    global _fingerprint, _package_root
    _fingerprint = fingerprint
    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl
    if _Locator not in impl._locator_classes:
        impl._locator_classes.insert(0, _Locator)
    if not getattr(caching.Cache.load_overload, "alphalang", False):
        caching.Cache.load_overload = _load_overload(caching.Cache.load_overload)
        caching.Cache.save_overload = _save_overload(caching.Cache.save_overload)
    _package_root = usable_dir()
    return _package_root is not None
