"""Syntax errors that say what is wrong where the user can fix it: the bracket that is never closed, the
operator with no operand, the missing ',' between arguments, ``=`` where ``==`` was meant.

The parser reports where it got stuck; this module looks at the tokens around that place (its own small
scanner, so it also works on text lark could not tokenize) and names the likely cause.

Example:
    >>> from lark.exceptions import UnexpectedEOF
    >>> print(syntax_error(UnexpectedEOF([]), "<expr>", "rank(delta(close, 5)"))
    <expr>:1:5: error: '(' at 1:5 is never closed
      rank(delta(close, 5)
          ^
      hint: add the matching ')' (an unclosed '(' takes in everything after it)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from alphalang.errors import AlphaSyntaxError
from alphalang.ops import INFIX, PREFIX
from alphalang.source import span_at

__all__ = ["IncompleteInput", "Token", "missing_separator", "scan", "syntax_error"]


class IncompleteInput(AlphaSyntaxError):
    """The text stops before the formula does (an open '(' or a trailing operator): a REPL keeps reading."""


_SYMBOLS = sorted({*INFIX, *PREFIX, "=", "?", ":", "(", ")", ",", ";"}, key=len, reverse=True)
_TOKEN = re.compile("|".join([
    r"(?P<skip>\s+|#[^\n]*)",
    r"(?P<operand>\"[^\"\n]*\"|'[^'\n]*'|\$?[A-Za-z_][A-Za-z0-9_.]*|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)",
    "(?P<symbol>" + "|".join(re.escape(s) for s in _SYMBOLS) + ")",
    r"(?P<other>.)",
]), re.DOTALL)
OPERATORS = frozenset({*INFIX, *PREFIX, "?", ":"})
#: words other languages use for operators, and their alphalang spelling
WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!"}
#: characters that are not alphalang but look like what the user meant
CHARACTER_HINTS = {"&": "'and' is '&&'", "|": "'or' is '||'", "[": "alphalang has no indexing: use delay(x, n)",
                   "%": "there is no '%' operator: use x - d * floor(x / d)", "'": "strings end on the same line",
                   '"': "strings end on the same line"}


@dataclass(frozen=True)
class Token:
    """A token of the scanner: its text, kind (``operand``, ``symbol`` or ``other``) and offsets."""

    text: str
    kind: str
    start: int
    end: int

    @property
    def opens(self) -> bool:
        return self.text == "("

    @property
    def closes(self) -> bool:
        return self.text == ")"

    @property
    def ends_operand(self) -> bool:
        return self.kind == "operand" or self.closes

    @property
    def starts_operand(self) -> bool:
        return self.kind == "operand" or self.opens


def scan(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and spaces skipped), never failing.

    Example:
        >>> [t.text for t in scan("rank(close) +* 2 # note")]
        ['rank', '(', 'close', ')', '+', '*', '2']
    """
    return [Token(m.group(), m.lastgroup, m.start(), m.end()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "skip"]


def _open_before(tokens: list[Token], index: int) -> list[Token]:
    """The '(' still open just before ``tokens[index]`` (``index == len(tokens)``: at the end), innermost last."""
    stack: list[Token] = []
    for tok in tokens[:index]:
        if tok.opens:
            stack.append(tok)
        elif tok.closes and stack:
            stack.pop()
    return stack


def syntax_error(exc: UnexpectedInput, filename: str, text: str,
                 describe: Callable[[str], str] = str.lower) -> AlphaSyntaxError:
    """The ``AlphaSyntaxError`` for lark's ``exc`` on ``text``; ``describe`` names a lark terminal for hints."""
    tokens = scan(text)
    at_end_open = _open_before(tokens, len(tokens))
    never_closed = {t.start for t in at_end_open}

    def span(tok: Token):
        return span_at(filename, text, tok.start, tok.end)

    def unclosed(paren: Token, where: str | None = None) -> AlphaSyntaxError:
        others = sum(1 for t in at_end_open if t.start != paren.start)
        more = f"; {others} more '(' before it {'is' if others == 1 else 'are'} never closed either" if others else ""
        line, col = span(paren).line, span(paren).column
        hint = where or "add the matching ')' (an unclosed '(' takes in everything after it)"
        kind = AlphaSyntaxError if where else IncompleteInput  # a later line that cannot continue it: not incomplete
        return kind(f"'(' at {line}:{col} is never closed{more}", span(paren), hint=hint)

    def line_of(tok: Token) -> int:
        return span(tok).line

    at_end = isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END")
    if at_end:
        if at_end_open:
            return unclosed(at_end_open[-1])
        last = tokens[-1] if tokens else None
        if last is not None and last.text == "=":
            return IncompleteInput("nothing follows '=' at the end of the input", span(last),
                                   hint="write the formula after '=', e.g. x = rank(close)")
        asked = _unanswered_question(tokens)
        if asked is not None and last is not None and last.text not in OPERATORS:
            return IncompleteInput(f"'?' at {line_of(asked)}:{span(asked).column} has no ':' part", span(asked),
                                   hint="write condition ? if_true : if_false")
        if last is not None and last.text in OPERATORS:
            return IncompleteInput(f"{last.text!r} at the end of the input has no right operand", span(last),
                                   hint="complete the formula after it, or remove it")
        end = len(text.rstrip())
        return IncompleteInput("unexpected end of input", span_at(filename, text, end, end + 1),
                               hint="the formula looks incomplete")

    offset = exc.pos_in_stream if isinstance(exc, UnexpectedCharacters) else exc.token.start_pos
    if offset is None:
        return AlphaSyntaxError(str(exc).splitlines()[0], None)
    index = next((i for i, t in enumerate(tokens) if t.start >= offset), len(tokens))
    if index == len(tokens) or tokens[index].kind == "other":
        char = text[offset] if offset < len(text) else "?"
        return AlphaSyntaxError(f"unexpected character {char!r}", span_at(filename, text, offset, offset + 1),
                                hint=CHARACTER_HINTS.get(char, _operator_list()))
    tok = tokens[index]
    prev = tokens[index - 1] if index else None
    before = tokens[index - 2] if index > 1 else None

    # a '(' left open on an earlier line: the parser only notices on a later line
    open_here = _open_before(tokens, index)
    for paren in reversed(open_here):
        if paren.start in never_closed and line_of(tok) > line_of(paren):
            return unclosed(paren, f"line {line_of(tok)} starts while it is still open; add the ')' before it")
    if tok.text == ";" and open_here:  # a statement ends inside a bracket
        paren = open_here[-1]
        if paren.start in never_closed:
            return unclosed(paren, "close it before the ';' that ends the statement")
        return AlphaSyntaxError(f"'(' at {line_of(paren)}:{span(paren).column} is not closed before ';'",
                                span(paren), hint="a ';' ends the statement: close the '(' before it")
    if tok.closes and not open_here:
        return AlphaSyntaxError("unmatched ')'", span(tok), hint="remove it or add the matching '('")
    # 'x = a +' then 'y = ...' on the next line: the statement above lacks its last operand
    if (tok.text == "=" and prev is not None and before is not None and before.text in OPERATORS
            and line_of(prev) > line_of(before)):
        return AlphaSyntaxError(f"{before.text!r} at {line_of(before)}:{span(before).column} has no right operand",
                                span(before), hint=f"line {line_of(before)} ends with an operator")
    unexpected = f"unexpected {tok.text!r}"
    if tok.text == "=":
        return AlphaSyntaxError(f"{unexpected}: '=' names a statement (x = ...) and cannot appear in a formula",
                                span(tok), hint="to compare, write '=='")
    if tok.text in INFIX and tok.text not in PREFIX:
        if prev is not None and prev.text == tok.text == "*" and prev.end == tok.start:
            return AlphaSyntaxError(f"{unexpected}: there is no '**' operator", span(tok),
                                    hint="powers are written x ^ 2")
        if prev is not None and prev.text in OPERATORS:
            return AlphaSyntaxError(f"{unexpected}: an operand is missing between {prev.text!r} and {tok.text!r}",
                                    span(tok), hint="remove one of them or put a value between them")
        if prev is None or prev.text in ("(", ",", "=", ";"):
            return AlphaSyntaxError(f"{unexpected}: {tok.text!r} has no left operand", span(tok),
                                    hint="put a value before it, or remove it")
    if tok.starts_operand and prev is not None and prev.ends_operand:
        word = WORD_OPERATORS.get(prev.text.lower())
        if word:
            return AlphaSyntaxError(f"{unexpected}: {prev.text!r} is not an operator", span(tok),
                                    hint=f"write {word!r}")
        call = _enclosing_call(tokens, open_here)
        if call:
            return AlphaSyntaxError(f"{unexpected}: missing ',' between the arguments of {call}()", span(tok),
                                    hint=f"separate the arguments with ',': {prev.text}, {tok.text}")
        return AlphaSyntaxError(f"{unexpected}: missing operator between {prev.text!r} and {tok.text!r}",
                                span(tok), hint=_operator_list())
    if tok.text in (",", ")") and prev is not None and prev.text in ("(", ","):
        return AlphaSyntaxError(f"{unexpected}: an argument is missing before it", span(tok),
                                hint="remove the extra ',' or write the argument")
    if tok.text == "," and not _enclosing_call(tokens, open_here):
        return AlphaSyntaxError(f"{unexpected}: ',' separates the arguments of a call", span(tok),
                                hint="outside a call, join values with an operator")
    expected = sorted({describe(e) for e in getattr(exc, "expected", ()) if not e.startswith("__")})
    return AlphaSyntaxError(unexpected, span(tok), hint=f"expected {', '.join(expected[:6])}" if expected else None)


def _enclosing_call(tokens: list[Token], open_parens: list[Token]) -> str | None:
    """The function name of the innermost open '(' if it is a call's, else None."""
    if not open_parens:
        return None
    paren = open_parens[-1]
    i = next(i for i, t in enumerate(tokens) if t.start == paren.start)
    return tokens[i - 1].text if i and tokens[i - 1].kind == "operand" and tokens[i - 1].text[:1].isalpha() else None


def _unanswered_question(tokens: list[Token]) -> Token | None:
    """The last '?' whose ':' never comes, or None."""
    pending: list[Token] = []
    for tok in tokens:
        if tok.text == "?":
            pending.append(tok)
        elif tok.text == ":" and pending:
            pending.pop()
    return pending[-1] if pending else None


def _operator_list() -> str:
    return "operators are " + " ".join(sorted(INFIX, key=lambda s: (len(s), s))) + ", prefix - !, and c ? a : b"


def missing_separator(filename: str, text: str, ends: Iterable[tuple[int, int]]) -> AlphaSyntaxError | None:
    """An error when two statements share a line with no ';' between them (``rank(close) open``).

    ``ends`` are the (end of one statement, start of the next) offset pairs.

    Example:
        >>> missing_separator("<s>", "a = close b = open", [(9, 10)]).message
        "unexpected 'b': missing operator or ';' between 'close' and 'b'"
    """
    for end, start in ends:
        gap = text[end:start]
        if "\n" in gap or ";" in gap:
            continue
        tokens = scan(text)
        prev = next(t for t in reversed(tokens) if t.end <= end)
        nxt = next(t for t in tokens if t.start >= start)
        for tok in (nxt, prev):
            word = WORD_OPERATORS.get(tok.text.lower())
            if word:
                return AlphaSyntaxError(f"unexpected {tok.text!r}: {tok.text!r} is not an operator",
                                        span_at(filename, text, tok.start, tok.end), hint=f"write {word!r}")
        return AlphaSyntaxError(f"unexpected {nxt.text!r}: missing operator or ';' between {prev.text!r} and "
                                f"{nxt.text!r}", span_at(filename, text, nxt.start, nxt.end),
                                hint="join them with an operator, or put the second statement on its own line")
    return None
