"""What people type out of habit from IPython and Python shells, read as the REPL command they mean.

``rank?``, ``?rank`` and ``rank??`` ask for help (IPython); ``quit``, ``exit`` and ``help`` are typed without
the ``:`` (Python's shell). Only whole inputs of these forms are commands, so ``c ? a : b`` stays a formula;
``execute`` keeps a session name that happens to be spelt ``quit``, ``exit`` or ``help`` a name.

Example:
    >>> [as_command(t) for t in ("rank?", "?ts_mean", "exit", "help ts_rank", "help(rank)", "close ? 1 : 0")]
    [':help rank', ':help ts_mean', ':quit', ':help ts_rank', ':help rank', None]
"""

from __future__ import annotations

import re

__all__ = ["as_command", "habit_word"]

_NAME = r":?[A-Za-z_][A-Za-z0-9_.]*"
_QUERY = re.compile(rf"\s*(?:\?+\s*(?P<before>{_NAME})?|(?P<after>{_NAME})\s*\?+)\s*")
_WORD = re.compile(rf"\s*(?P<word>quit|exit|help)\s*(?:\(\s*\)|\(\s*(?P<paren>{_NAME})\s*\)|\s(?P<arg>{_NAME}))?\s*",
                   re.IGNORECASE)
_COMMAND = {"quit": ":quit", "exit": ":quit", "help": ":help"}


def as_command(text: str) -> str | None:
    """The ``:command`` a habitual input means, or None for anything else."""
    query = _QUERY.fullmatch(text)
    if query:
        name = query.group("before") or query.group("after") or ""
        return f":help {name}".rstrip()
    word = _WORD.fullmatch(text)
    if word:
        arg = word.group("paren") or word.group("arg") or ""
        return f"{_COMMAND[word.group('word').lower()]} {arg}".rstrip()
    return None


def habit_word(text: str) -> str | None:
    """The word (``quit``, ``exit``, ``help``) an input starts with if it is one of the word habits, else None."""
    word = _WORD.fullmatch(text)
    return word.group("word").lower() if word else None
