"""The project's exception types, each rendered with file:line:col, the source line and a caret.

Example:
    >>> from alphalang.source import Span
    >>> err = AlphaNameError("unknown field 'clsoe'", Span("a.alpha", "x = clsoe", 1, 5, 4, 9))
    >>> print(err)
    a.alpha:1:5: error: unknown field 'clsoe'
      x = clsoe
          ^^^^^
"""

from __future__ import annotations

from alphalang.source import Span, clip

MAX_MESSAGE = 1000  # characters of a message or hint; a 1 MB token must not make a 1 MB error


class AlphaError(Exception):
    """Base of every error a user can cause. Carries an optional source span and a hint."""

    kind = "error"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None) -> None:
        self.message = clip(message, MAX_MESSAGE)
        self.span = span
        self.hint = clip(hint, MAX_MESSAGE) if hint else hint
        self.errors: list[AlphaError] = [self]  # every error of a check (``collected``), this one first
        self.more = False  # the check stopped at its limit: there were more errors than ``errors``
        super().__init__(self.render())

    @property
    def filename(self) -> str | None:
        return self.span.filename if self.span else None

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    def render(self) -> str:
        """The full message: location, text, the offending source line with a caret, and a hint; for a check
        that found several errors, each of them in turn and their count."""
        if len(self.errors) > 1 or self.more:
            count = f"{len(self.errors)} errors" + (" (stopped at the limit; there are more)" if self.more else "")
            return "\n".join(e.render_one() for e in self.errors) + f"\n{count}"
        return self.render_one()

    def render_one(self) -> str:
        """This error alone: location, text, the offending source line with a caret, and a hint."""
        head = f"{self.kind}: {self.message}"
        if self.span is None:
            out = head
        else:
            out = f"{self.span.location()}: {head}"
            excerpt = self.span.excerpt()
            if excerpt:
                out += "\n" + excerpt
        if self.hint:
            out += f"\n  hint: {self.hint}"
        return out

    def __str__(self) -> str:
        return self.render()


def collected(errors: list[AlphaError], more: bool = False) -> AlphaError:
    """One exception for the errors a check found, in order: the first, of its own type, carrying all of them in
    ``.errors`` and rendering each with its caret; ``more`` when the check stopped at its limit.

    Example:
        >>> err = collected([AlphaNameError("unknown name 'a'"), AlphaTypeError("bad window")])
        >>> type(err).__name__, len(err.errors)
        ('AlphaNameError', 2)
        >>> print(err)
        error: unknown name 'a'
        error: bad window
        2 errors
    """
    first = errors[0]
    first.errors, first.more = list(errors), more
    first.args = (first.render(),)
    return first


class AlphaSyntaxError(AlphaError):
    """The text does not parse (unbalanced parentheses, stray characters, ...)."""


class AlphaNameError(AlphaError):
    """A name does not resolve: unknown field, function, group level, import, or a cycle."""


class AlphaTypeError(AlphaError):
    """Wrong arity, wrong argument kind, non-constant or out-of-range window."""


class AlphaDataError(AlphaError):
    """The data does not fit the program: missing field or group, bad shapes, misaligned dates/assets."""
