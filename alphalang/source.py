"""Source text positions (spans) and caret rendering, shared by the parser, checker and REPL.

Example:
    >>> span = Span("<expr>", "rank(clsoe)", 1, 6, 5, 10)
    >>> print(span.excerpt())
      rank(clsoe)
           ^^^^^
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

EXCERPT_WIDTH = 100  # characters of a long source line shown around the caret


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of a named source text; line and column are 1-based.

    Spans compare and hash by value; AST nodes leave them out of their own equality (``compare=False``).
    """

    filename: str
    text: str
    line: int
    column: int
    start: int
    end: int

    def location(self) -> str:
        return f"{self.filename}:{self.line}:{self.column}"

    def source_line(self) -> str:
        """The whole line the span starts on (without its line break); O(line length)."""
        line_start = self.start - (self.column - 1)
        if not 0 <= line_start <= len(self.text):
            return ""
        line_end = self.text.find("\n", line_start)
        return self.text[line_start:line_end if line_end >= 0 else len(self.text)].rstrip("\r")

    def excerpt(self) -> str:
        """The source line, indented by two spaces, with carets under the span (clipped to the line).

        A line longer than ``EXCERPT_WIDTH`` shows only a window around the caret, with ``...`` marks.
        """
        src = self.source_line()
        col = self.column - 1
        width = max(1, min(self.end - self.start, len(src) - col))
        first = max(0, min(col - EXCERPT_WIDTH // 3, len(src) - EXCERPT_WIDTH))
        last = min(len(src), first + EXCERPT_WIDTH)
        shown = ("..." if first else "") + src[first:last] + ("..." if last < len(src) else "")
        offset = col - first + (3 if first else 0)
        width = max(1, min(width, last - col))
        return f"  {shown}\n  {' ' * offset}{'^' * width}"

    def __repr__(self) -> str:  # keep AST reprs short
        return f"Span({self.location()})"


@lru_cache(maxsize=16)
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line of ``text`` starts (computed once per text, so spans cost O(log lines)).

    Example:
        >>> line_starts("a\\nbc\\n")
        (0, 2, 5)
    """
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return tuple(starts)


def span_at(filename: str, text: str, start: int, end: int) -> Span:
    """Build a span from character offsets, computing the 1-based line and column."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    starts = line_starts(text)
    line = bisect_right(starts, start)
    return Span(filename, text, line, start - starts[line - 1] + 1, start, end)


def clip(text: str, limit: int = 300) -> str:
    """``text`` cut to at most ``limit`` characters, marking the cut (error messages stay readable).

    Example:
        >>> clip("x" * 10, 8)
        'xxxxx...'
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."
