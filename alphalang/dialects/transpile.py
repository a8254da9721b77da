"""``transpile``: a module read in its dialect, written back as canonical alphalang text — what it was read as.

Calls get their registry names, bare group names become ``IndClass.<level>``, the dialect's prelude definitions
the module uses are written first, and a dialect whose NaN policy is not alphalang's says so in a header comment.
The text parses in the native dialect to the same checked graph (tests/test_dialects.py checks it).

Example:
    >>> from alphalang.syntax.parse import FINAL_OUTPUT, parse_module
    >>> print(transpile(parse_module("# dialect: qlib\\nk = Greater($close, Ref($close, 1))")), end="")
    # transpiled from the qlib dialect; compile with nan="skip", min_periods=1 (qlib's NaN policy)
    k = greater(close, delay(close, 1))
"""

from __future__ import annotations

import dataclasses

from alphalang.dialects import Dialect, get
from alphalang.ops import INFIX, ArgKind, lookup
from alphalang.syntax import ast
from alphalang.syntax.parse import FINAL_OUTPUT, parse_module
from alphalang.syntax.printer import to_text
from alphalang.syntax.walk import fold_tree


def transpile(module: ast.Module, to: str = "alphalang", errors: list | None = None) -> str:
    """Canonical alphalang text of ``module`` (see the module docstring); ``to="brain"``: BRAIN's spelling, one
    alpha per output (``dialects.to_brain``; ``errors`` collects what BRAIN cannot express instead of raising)."""
    if to == "brain":
        from alphalang.dialects.to_brain import brain_text

        return brain_text(module, errors)
    dialect, prelude, body = canonical(module)
    lines = []
    if dialect.name != "alphalang":
        policy = f'; compile with nan="{dialect.nan}", min_periods=1 ({dialect.name}\'s NaN policy)' \
            if dialect.nan != "strict" else ""
        lines.append(f"# transpiled from the {dialect.name} dialect{policy}")
    lines += [to_text(s) for s in [*prelude, *body]]
    return "\n".join(lines) + "\n"


def canonical(module: ast.Module) -> tuple[Dialect, list[ast.Statement], list[ast.Statement]]:
    """(its dialect, the prelude definitions it uses, its statements), in canonical alphalang names, each node
    keeping its span in the user's source."""
    dialect = get(module.dialect)
    prelude = parse_module(dialect.prelude, f"<dialect {dialect.name}>", "alphalang").statements
    prelude_by_name = {s.name: s for s in prelude}
    defined = {s.name for s in module.statements if hasattr(s, "name")}
    user_funcs = {s.name for s in module.statements if isinstance(s, ast.FuncDef)}
    # names that must not become outputs in alphalang: the prelude's helper values, and the steps before a
    # dialect's final expression when only that one is the alpha (BRAIN)
    private = {s.name for s in prelude if isinstance(s, ast.Assign)}
    if dialect.final_only:
        private |= {s.name for s in module.statements if isinstance(s, ast.Assign) and s.name != FINAL_OUTPUT}
    private = {name: f"_{name}" for name in private}

    def canonical(node: ast.Expr, kids: list, native: bool = False) -> ast.Expr:
        node = ast.rebuild(node, kids)
        if isinstance(node, ast.Name) and node.name in private:
            return dataclasses.replace(node, name=private[node.name])
        if native:  # the dialect's own prelude is written in alphalang's names
            return node
        if isinstance(node, ast.Binary) and dialect.names.get(INFIX[node.op]) in prelude_by_name:
            return ast.Call(dialect.names[INFIX[node.op]], (node.left, node.right), (), node.span, node.span)
        if not isinstance(node, ast.Call) or node.func in user_funcs:
            return node
        target = dialect.names.get(node.func, node.func)
        spec = lookup(target)
        if spec is not None and target not in prelude_by_name:
            target = spec.name if spec.constant_overload is None or dialect.paper_overload else spec.aliases[0]
            kinds = [p.kind for p in spec.params] + [ArgKind.SERIES] * len(node.args)  # n-ary: more operands
            args = tuple(ast.GroupName(a.name, a.span) if kind is ArgKind.GROUP and isinstance(a, ast.Name)
                         and a.name not in defined else a for kind, a in zip(kinds, node.args, strict=False))
            node = dataclasses.replace(node, args=args)
        return dataclasses.replace(node, func=target)

    def rewrite(statement: ast.Statement, native: bool = False) -> ast.Statement:
        statement = _map_statement(statement, lambda e: fold_tree(e, ast.children,
                                                                  lambda n, k: canonical(n, k, native)))
        return dataclasses.replace(statement, name=private[statement.name]) \
            if isinstance(statement, ast.Assign) and statement.name in private else statement

    body = [rewrite(s) for s in module.statements]
    prelude = [rewrite(s, native=True) for s in prelude]  # helper values renamed where they are used, too
    needed = _prelude_needed(body, {s.name: s for s in prelude})
    return dialect, [s for s in prelude if s.name in needed], body


def _map_statement(statement: ast.Statement, fn) -> ast.Statement:
    if isinstance(statement, ast.Assign):
        return dataclasses.replace(statement, value=fn(statement.value))
    if isinstance(statement, ast.FuncDef):
        return dataclasses.replace(statement, body=fn(statement.body))
    return statement


def _prelude_needed(body, prelude_by_name) -> set[str]:
    """The prelude names the body uses, with the prelude names those use in turn."""
    needed = ast.names_used(body) & set(prelude_by_name)
    while True:
        more = (ast.names_used([prelude_by_name[n] for n in needed]) & set(prelude_by_name)) - needed
        if not more:
            return needed
        needed |= more
