"""The surface AST: frozen dataclasses, each carrying the source span it came from.

Spans never take part in equality, so ``parse(print(ast)) == ast`` compares structure only.
Names are stored lower-cased (the language is case-insensitive).

Example:
    >>> Binary("+", Name("close"), Number(1.0)) == Binary("+", Name("close"), Number(1.0))
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from alphalang.source import Span
from alphalang.syntax.walk import fold_tree, postorder

_NO_SPAN = Span("<generated>", "", 1, 1, 0, 0)


@dataclass(frozen=True)
class Expr:
    """Base class of expression nodes."""


@dataclass(frozen=True)
class Number(Expr):
    value: float
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class String(Expr):
    """A string literal, as an operator's option: ``quantile(x, driver="cauchy")``."""

    value: str
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Name(Expr):
    """A field, a named definition, or a user-function parameter."""

    name: str
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class GroupName(Expr):
    """``IndClass.<level>``: the group labels of one classification level."""

    level: str
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # "-", "!"
    operand: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Binary(Expr):
    op: str  # "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "!=", "||", "&&"
    left: Expr
    right: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Conditional(Expr):
    """``cond ? then : other``."""

    cond: Expr
    then: Expr
    other: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Keyword:
    name: str
    value: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...] = ()
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)
    name_span: Span = field(default=_NO_SPAN, repr=False, compare=False)

    @property
    def written(self) -> str:
        """The function's name as the user wrote it (``IdxMax``, where ``func`` may be a dialect's rename)."""
        span = self.name_span
        return span.text[span.start:span.end] if span.text else self.func


@dataclass(frozen=True)
class Statement:
    """Base class of statements."""


@dataclass(frozen=True)
class Assign(Statement):
    """``name = expr``; names starting with ``_`` are private helpers, not outputs."""

    name: str
    value: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class FuncDef(Statement):
    """``def name(a, b) = expr``: a user function, inlined at each call."""

    name: str
    params: tuple[str, ...]
    body: Expr
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Import(Statement):
    """``import name``: a stdlib module or a ``.alpha`` file next to the importing one."""

    module: str
    span: Span = field(default=_NO_SPAN, repr=False, compare=False)


@dataclass(frozen=True)
class Module:
    statements: tuple[Statement, ...]
    filename: str = field(default="<string>", compare=False)
    text: str = field(default="", repr=False, compare=False)
    dialect: str = field(default="alphalang", compare=False)  # how its names read (``alphalang.dialects``)


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of an expression node, in source order."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Conditional):
        return (node.cond, node.then, node.other)
    if isinstance(node, Call):
        return node.args + tuple(k.value for k in node.kwargs)
    return ()


def rebuild(node: Expr, kids: list[Expr] | tuple[Expr, ...], span: Span | None = None) -> Expr:
    """A copy of ``node`` with its sub-expressions replaced by ``kids`` (in ``children`` order) and, if given,
    its span replaced: the one way every AST transform builds a node.

    Example:
        >>> rebuild(Binary("+", Name("a"), Name("b")), [Name("b"), Name("a")])
        Binary(op='+', left=Name(name='b'), right=Name(name='a'))
    """
    span = node.span if span is None else span
    if isinstance(node, Call):
        n = len(node.args)
        kwargs = tuple(Keyword(k.name, v, span if span is not node.span else k.span)
                       for k, v in zip(node.kwargs, kids[n:], strict=True))
        return Call(node.func, tuple(kids[:n]), kwargs, span, span if span is not node.span else node.name_span)
    if isinstance(node, Unary):
        return Unary(node.op, kids[0], span)
    if isinstance(node, Binary):
        return Binary(node.op, kids[0], kids[1], span)
    if isinstance(node, Conditional):
        return Conditional(kids[0], kids[1], kids[2], span)
    return replace(node, span=span)


def respan(e: Expr, span: Span) -> Expr:
    """A copy of ``e`` whose every node points at ``span`` (an expansion shown at the user's call)."""
    return fold_tree(e, children, lambda node, kids: rebuild(node, kids, span))


def substitute(e: Expr, names: dict[str, Expr]) -> Expr:
    """A copy of ``e`` with every ``Name`` in ``names`` replaced by its expression.

    Example:
        >>> substitute(Call("f", (Name("x"), Name("how"))), {"how": String("cauchy")})
        Call(func='f', args=(Name(name='x'), String(value='cauchy')), kwargs=())
    """
    if not names:
        return e
    return fold_tree(e, children, lambda node, kids: names.get(node.name, node) if isinstance(node, Name)
                     else rebuild(node, kids))


def names_used(statements) -> set[str]:
    """Every name the statements' expressions refer to: values read (``Name``) and functions called.

    Example:
        >>> sorted(names_used([Assign("a", Call("rank", (Name("x"),))), FuncDef("f", ("y",), Name("y"))]))
        ['rank', 'x', 'y']
    """
    used: set[str] = set()
    for statement in statements:
        root = statement.value if isinstance(statement, Assign) else getattr(statement, "body", None)
        for node in postorder(root, children) if root is not None else ():
            if isinstance(node, Call):
                used.add(node.func)
            elif isinstance(node, Name):
                used.add(node.name)
    return used
