"""Parse ``.alpha`` text into the AST (lark, LALR, positions propagated).

Example:
    >>> parse_expr("rank(Close) - 0.5")
    Binary(op='-', left=Call(func='rank', args=(Name(name='close'),), kwargs=()), right=Number(value=0.5))
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from alphalang.errors import AlphaSyntaxError
from alphalang.ops import INFIX, PREFIX
from alphalang.resources import data_path
from alphalang.source import Span, span_at
from alphalang.syntax import ast
from alphalang.syntax.diagnose import missing_separator, syntax_error
from alphalang.syntax.operators import binary_levels_grammar
from alphalang.syntax.walk import fold_tree

MAX_DEPTH = 10_000  # nesting levels of one formula; every later walk is iterative, this bounds memory only
BOM = "\ufeff"

BINARY_LEVELS = "//@binary-levels"  # the grammar file's placeholder for the generated operator rules
_TOKEN_TEXT = {
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "EQUAL": "'='", "$END": "end of input",
    "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "GROUP_NAME": "IndClass.<level>",
}


BARE_STATEMENT = "          | expr                                   -> bare\n"
KEYWORD_ARGUMENT = '    | NAME "=" expr                                -> kwarg\n'


@lru_cache(maxsize=2)
def _parser(equals_compares: bool = False) -> Lark:
    """The LALR parser; ``equals_compares`` (GTJA): ``a = b`` inside an expression compares, so a statement must
    be an assignment and calls take no keyword arguments (both would read ``name =`` two ways)."""
    grammar = data_path("grammar", "alpha.lark").read_text()
    grammar = grammar.replace(BINARY_LEVELS, binary_levels_grammar(equals_compares), 1)
    if equals_compares:
        for rule in (BARE_STATEMENT, KEYWORD_ARGUMENT):
            assert rule in grammar, f"grammar/alpha.lark lacks {rule.strip()!r}"
            grammar = grammar.replace(rule, "")
    return Lark(
        grammar,
        parser="lalr",
        start=["module", "expr", "repl_input"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


class _ToAst:
    """Turns lark's parse tree into frozen AST nodes with spans, bottom-up without recursion.

    Each rule ``r`` of the grammar has a method ``r(meta, children)``; children are already converted.
    """

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.text = text

    def transform(self, tree: Tree):
        """The AST of a parse tree; a formula nested deeper than ``MAX_DEPTH`` is a syntax error."""
        def combine(node: Tree, kids: list) -> tuple[object, int]:
            converted = iter(value for value, _ in kids)
            children = [next(converted) if isinstance(c, Tree) else c for c in node.children]
            result = getattr(self, node.data)(node.meta, children)
            depth = max((d for _, d in kids), default=0) + isinstance(result, ast.Expr)  # expression levels
            if depth > MAX_DEPTH:
                raise AlphaSyntaxError(f"formula is nested too deeply (more than {MAX_DEPTH:,} levels)",
                                       self._span(node.meta), hint="split it into named steps")
            return result, depth

        return fold_tree(tree, _subtrees, combine)[0]

    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return span_at(self.filename, self.text, 0, 0)
        return span_at(self.filename, self.text, meta.start_pos, meta.end_pos)

    def _tok_span(self, tok: Token) -> Span:
        return span_at(self.filename, self.text, tok.start_pos, tok.end_pos)

    def number(self, meta, children):
        return ast.Number(float(children[0]), self._span(meta))

    def string(self, meta, children):
        return ast.String(str(children[0])[1:-1], self._span(meta))

    def name(self, meta, children):
        return ast.Name(str(children[0]).lower(), self._span(meta))

    def field(self, meta, children):  # qlib's ``$close``: the field ``close``
        return ast.Name(str(children[0])[1:].lower(), self._span(meta))

    def bare(self, meta, children):  # a bare expression statement (``parse_module`` names the last one)
        return children[0]

    def group(self, meta, children):
        return ast.GroupName(str(children[0]).split(".", 1)[1].lower(), self._span(meta))

    def call(self, meta, children):
        func, arglist = children
        items = arglist or []
        args = tuple(a for a in items if isinstance(a, ast.Expr))
        kwargs = tuple(a for a in items if isinstance(a, ast.Keyword))
        first_kw = next((i for i, a in enumerate(items) if isinstance(a, ast.Keyword)), len(items))
        if any(isinstance(a, ast.Expr) for a in items[first_kw:]):
            bad = next(a for a in items[first_kw:] if isinstance(a, ast.Expr))
            raise AlphaSyntaxError("positional argument after a keyword argument", bad.span)
        return ast.Call(str(func).lower(), args, kwargs, self._span(meta), self._tok_span(func))

    def args(self, meta, children):
        return list(children)

    def kwarg(self, meta, children):
        return ast.Keyword(str(children[0]).lower(), children[1], self._span(meta))

    def pos(self, meta, children):
        return children[0]

    def cond(self, meta, children):
        return ast.Conditional(*children, span=self._span(meta))

    def assign(self, meta, children):
        return ast.Assign(str(children[0]).lower(), children[1], self._span(meta))

    def funcdef(self, meta, children):
        _, name, params, body = children
        return ast.FuncDef(str(name).lower(), tuple(params or ()), body, self._span(meta))

    def params(self, meta, children):
        return [str(c).lower() for c in children]

    def import_(self, meta, children):
        return ast.Import(children[1], self._span(meta))

    def module_name(self, meta, children):
        return ".".join(str(c).lower() for c in children)

    def repl_input(self, meta, children):
        return children[0]

    def module(self, meta, children):
        return children


def _subtrees(tree: Tree) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree)]


def _operator_method(op: str, node: type[ast.Binary] | type[ast.Unary]):
    def method(self, meta, children):
        return node(op, *children, self._span(meta))

    return method


# The grammar aliases each operator rule to the operator's registry name ("add", "neg", ...).
for _table, _node in ((INFIX, ast.Binary), (PREFIX, ast.Unary)):
    for _symbol, _name in _table.items():
        setattr(_ToAst, _name, _operator_method(_symbol, _node))


def _describe_terminal(name: str) -> str:
    """A readable description of a lark terminal: its literal text, or a name for a pattern."""
    if name in _TOKEN_TEXT:
        return _TOKEN_TEXT[name]
    for term in _parser().terminals:
        if term.name == name and term.pattern.type == "str":
            return repr(term.pattern.value)
    return name.lower()


def read_source(path: str | Path) -> str:
    """The text of a ``.alpha`` file: UTF-8 (a leading byte-order mark is dropped). A missing, unreadable or
    non-UTF-8 file is an ``AlphaSyntaxError``; for bad bytes it points at the first one (file:line:col).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AlphaSyntaxError(f"no such file: {path}") from None
    except OSError as exc:
        raise AlphaSyntaxError(f"cannot read {path}: {exc.strerror or exc}") from None
    body = data.removeprefix(BOM.encode())
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = body[:exc.start].decode("utf-8")
        text = prefix + body[exc.start:].decode("utf-8", errors="replace")
        at = exc.start + len(data) - len(body)
        raise AlphaSyntaxError(f"{path} is not valid UTF-8: byte 0x{data[at]:02x} at byte offset {at}",
                               span_at(str(path), text, len(prefix), len(prefix) + 1),
                               hint="alphalang files must be UTF-8; re-save the file as UTF-8") from None


def _parse(text: str, start: str, filename: str, equals_compares: bool = False):
    if not isinstance(text, str):
        raise AlphaSyntaxError(f"expected formula text, got {type(text).__name__}")
    text = text.removeprefix(BOM)
    if "\x00" in text:
        at = text.index("\x00")
        raise AlphaSyntaxError("unexpected NUL character", span_at(filename, text, at, at + 1))
    try:
        tree = _parser(equals_compares).parse(text, start=start)
        return _ToAst(filename, text).transform(tree)
    except UnexpectedInput as exc:
        raise syntax_error(exc, filename, text, _describe_terminal) from None
    except RecursionError:  # a guard: the parser and the conversion are iterative
        raise AlphaSyntaxError("formula is nested too deeply", span_at(filename, text, 0, 1)) from None


FINAL_OUTPUT = "alpha"  # the name of a module's final bare expression (BRAIN's statement form)


def parse_module(text: str, filename: str = "<string>", dialect=None) -> ast.Module:
    """Parse a whole ``.alpha`` file: statements separated by newlines or ``;``, the last of which may be a bare
    expression (the output ``alpha``, as BRAIN writes it). ``dialect`` (a name or ``Dialect``) is the default
    when the text has no ``# dialect:`` header and the file name no dialect extension."""
    from alphalang.dialects import detect

    chosen = detect(text, filename, dialect)
    statements = list(_parse(text, "module", filename, chosen.equals_compares))
    body = text.removeprefix(BOM)
    gaps = [(a.span.end, b.span.start) for a, b in zip(statements, statements[1:], strict=False)]
    joined = missing_separator(filename, body, gaps)
    if joined is not None:
        raise joined
    for i, statement in enumerate(statements):
        if isinstance(statement, ast.Expr):
            if i != len(statements) - 1:
                raise AlphaSyntaxError("this expression is not used", statement.span,
                                       hint="name it (x = ...) or make it the last statement, the alpha")
            statements[i] = ast.Assign(FINAL_OUTPUT, statement, statement.span)
    return ast.Module(tuple(statements), filename, text.removeprefix(BOM), chosen.name)


def parse_expr(text: str, filename: str = "<expr>", dialect=None) -> ast.Expr:
    """Parse a single expression (in ``dialect``'s syntax: GTJA reads ``a = b`` as a comparison)."""
    from alphalang.dialects import get

    return _parse(text, "expr", filename, get(dialect).equals_compares)


def parse_repl(text: str, filename: str = "<repl>", dialect=None) -> ast.Statement | ast.Expr:
    """Parse one REPL input: a statement or a bare expression (in ``dialect``'s syntax; in GTJA's, where a
    statement must be an assignment, input that is not ``name = ...`` is read as an expression)."""
    from alphalang.dialects import get

    chosen = get(dialect)
    if chosen.equals_compares and not starts_statement(text):
        return _parse(text, "expr", filename, True)
    return _parse(text, "repl_input", filename, chosen.equals_compares)


_ASSIGNMENT = re.compile(r"\s*(def\b|import\b|[A-Za-z_]\w*\s*=(?!=))", re.IGNORECASE)


def starts_statement(text: str) -> bool:
    """Whether ``text`` begins like a statement (``name =``, ``def``, ``import``), not an expression.

    Example:
        >>> starts_statement("x = CLOSE"), starts_statement("CLOSE == OPEN"), starts_statement("# c\\ndef f(a) = a")
        (True, False, True)
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return bool(_ASSIGNMENT.match(body))
