"""Collecting a check's errors: one per statement, in source order, deduplicated, up to ``MAX_ERRORS``; raised
together as one ``AlphaError`` (``errors.collected``) by ``ErrorLog.check``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alphalang.errors import AlphaError, collected

__all__ = ["MAX_ERRORS", "ErrorLog"]


class _Never(Exception):  # noqa: N818
    """Never raised: the default ``skip`` of an ``ErrorLog``."""


MAX_ERRORS = 20  # a check reports up to this many errors, then stops


class ErrorLog:
    """The errors of one check, one per statement, in source order, deduplicated (an error inside a function
    body is reported once, not at every call); raised together by ``check`` (``errors.collected``).

    Example:
        >>> from alphalang.errors import AlphaNameError
        >>> errors = ErrorLog(limit=5)
        >>> for _ in range(2):
        ...     with errors.statement():
        ...         raise AlphaNameError("unknown name 'x'")
        >>> len(errors.found)
        1
    """

    def __init__(self, limit: int = MAX_ERRORS, skip: type[Exception] | None = None) -> None:
        self.limit = limit
        self.skip = skip or _Never  # an exception that ends a statement without an error of its own
        self.found: dict[tuple, AlphaError] = {}
        self.more = False

    @contextmanager
    def statement(self) -> Iterator[None]:
        """Record the error the block raises (one per statement) and go on; stop at the limit."""
        try:
            yield
        except self.skip:
            pass
        except AlphaError as err:
            span = err.span
            key = (span.filename, span.start, span.end, err.message) if span else (None, 0, 0, err.message)
            self.found.setdefault(key, err)
            if len(self.found) > self.limit:
                self.more = True
                self.check()

    def check(self) -> None:
        """Raise the errors found so far, if any, as one ``AlphaError`` (first by position, each with its caret)."""
        if not self.found:
            return
        ordered = sorted(self.found.values(), key=lambda e: (e.span is None, e.span and e.span.filename,
                                                            e.span and e.span.start))
        raise collected(ordered[: self.limit], self.more)
