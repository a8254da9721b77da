"""The one "did you mean" helper: close spellings of a mistyped name, phrased as a hint.

Example:
    >>> suggest("rnak", ["rank", "ts_rank", "scale"])
    "did you mean 'rank'?"
    >>> suggest("xyz", ["rank"]) is None
    True
    >>> suggest("hlep", ["help", "quit"], n=1, show=lambda c: ":" + c)
    'did you mean :help?'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

__all__ = ["close_matches", "suggest"]


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates spelled like ``name``, closest first (difflib ratio >= 0.6).

    Example:
        >>> close_matches("clsoe", ["close", "open", "close"])
        ['close']
    """
    return difflib.get_close_matches(name, sorted(set(candidates)), n=n, cutoff=0.6)


def suggest(name: str, candidates: Iterable[str], n: int = 3, show: Callable[[str], str] = repr) -> str | None:
    """``"did you mean 'a' or 'b'?"`` for the close matches of ``name``, or None when nothing is close."""
    close = close_matches(name, candidates, n)
    return "did you mean " + " or ".join(show(c) for c in close) + "?" if close else None
