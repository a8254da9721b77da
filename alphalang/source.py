"""Source text positions (spans) and caret rendering, shared by the parser, checker and REPL.

Example:
    >>> span = Span("<expr>", "rank(clsoe)", 1, 6, 5, 10)
    >>> print(span.excerpt())
      rank(clsoe)
           ^^^^^
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of a named source text; line and column are 1-based."""

    filename: str
    text: str
    line: int
    column: int
    start: int
    end: int

    def location(self) -> str:
        return f"{self.filename}:{self.line}:{self.column}"

    def source_line(self) -> str:
        lines = self.text.splitlines()
        return lines[self.line - 1] if 0 < self.line <= len(lines) else ""

    def excerpt(self) -> str:
        """The source line, indented by two spaces, with carets under the span (clipped to the line)."""
        src = self.source_line()
        if not src and self.start >= len(self.text):
            src = ""
        line_start = self.start - (self.column - 1)
        line_end = line_start + len(src)
        width = max(1, min(self.end, line_end) - self.start)
        caret = " " * (self.column - 1) + "^" * width
        return f"  {src}\n  {caret}"

    def __repr__(self) -> str:  # keep AST reprs short
        return f"Span({self.location()})"

    # Spans never take part in AST equality: parse(print(ast)) == ast must ignore positions.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span)

    def __hash__(self) -> int:
        return 0


def span_at(filename: str, text: str, start: int, end: int) -> Span:
    """Build a span from character offsets, computing the 1-based line and column."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Span(filename, text, line, column, start, end)
