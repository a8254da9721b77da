"""Locate the files that ship beside the code: the grammar and the standard library.

In a wheel they live in ``alphalang/_data/``; in a source checkout (editable install) they live at the
repository root. Both layouts are supported so that "works from checkout, fails when installed" cannot happen.

Example:
    >>> data_path("grammar", "alpha.lark").name
    'alpha.lark'
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("stdlib", "wq101.alpha")``."""
    for root in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return _PACKAGE_DIR.parent.joinpath(*parts)


def stdlib_dir() -> Path:
    return data_path("stdlib")
