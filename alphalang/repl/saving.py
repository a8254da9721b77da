"""``:save``: the session's statements as a ``.alpha`` module that compiles without redefinitions.

The latest definition of each name keeps its name. A replaced definition that later statements still use is
kept under a private versioned name (``_x_v1``) and those uses are renamed; one nobody uses is dropped.

Example:
    >>> from alphalang.syntax.parse import parse_repl
    >>> stmts = [parse_repl(t) for t in ("x = close", "y = rank(x)", "x = open", "z = x + y")]
    >>> print(session_source(stmts, header=False), end="")
    _x_v1 = close
    y = rank(_x_v1)
    x = open
    z = x + y
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from alphalang.syntax import ast
from alphalang.syntax.printer import to_text
from alphalang.syntax.walk import fold_tree

__all__ = ["session_source", "versioned"]


def _rename(e: ast.Expr, mapping: dict[str, str], shadow: frozenset[str] = frozenset()) -> ast.Expr:
    def rename(node: ast.Expr, kids: list) -> ast.Expr:  # bottom-up, so deep formulas need no recursion
        if isinstance(node, ast.Name):
            return replace(node, name=mapping[node.name]) if node.name in mapping and node.name not in shadow \
                else node
        if isinstance(node, ast.Unary):
            return replace(node, operand=kids[0])
        if isinstance(node, ast.Binary):
            return replace(node, left=kids[0], right=kids[1])
        if isinstance(node, ast.Conditional):
            return replace(node, cond=kids[0], then=kids[1], other=kids[2])
        if isinstance(node, ast.Call):
            func = mapping.get(node.func, node.func) if node.func not in shadow else node.func
            count = len(node.args)
            return replace(node, func=func, args=tuple(kids[:count]),
                           kwargs=tuple(replace(k, value=v) for k, v in zip(node.kwargs, kids[count:], strict=True)))
        return node

    return fold_tree(e, ast.children, rename)


def versioned(statements: Sequence[ast.Statement], drop_unused: bool = True) -> list[ast.Statement]:
    """The statements with every replaced definition renamed to a private version, uses renamed to match.

    ``x = x / close`` after ``x = close`` reads the earlier ``x``. With ``drop_unused``, replaced versions
    nothing refers to are left out. Spans are kept, so errors still point at what the user typed.
    """
    defined = [s.name for s in statements if isinstance(s, (ast.Assign, ast.FuncDef))]
    remaining = Counter(defined)
    taken = set(defined)
    current: dict[str, str] = {}
    versions: Counter[str] = Counter()
    emitted: list[ast.Statement] = []
    superseded: set[str] = set()
    for stmt in statements:
        if isinstance(stmt, ast.Import):
            emitted.append(stmt)
            continue
        remaining[stmt.name] -= 1
        new_name = stmt.name
        if remaining[stmt.name] > 0:  # replaced later: give this version a private name
            versions[stmt.name] += 1
            new_name = f"_{stmt.name}_v{versions[stmt.name]}"
            while new_name in taken:
                new_name = "_" + new_name
            taken.add(new_name)
            superseded.add(new_name)
        mapping = {k: v for k, v in current.items() if k != v}
        if isinstance(stmt, ast.Assign):
            emitted.append(replace(stmt, name=new_name, value=_rename(stmt.value, mapping)))
        else:
            body = _rename(stmt.body, mapping, frozenset(stmt.params))
            emitted.append(replace(stmt, name=new_name, body=body))
        current[stmt.name] = new_name
    # drop replaced versions nothing uses (repeat: dropping one can orphan another)
    while drop_unused:
        used = ast.names_used(emitted)
        dead = [s for s in emitted if not isinstance(s, ast.Import) and s.name in superseded and s.name not in used]
        if not dead:
            break
        emitted = [s for s in emitted if isinstance(s, ast.Import) or s.name not in {d.name for d in dead}]
    return emitted


def session_source(statements: Sequence[ast.Statement], header: bool = True) -> str:
    """Module text for the statements that compiles without redefinitions (see ``versioned``)."""
    text = "".join(to_text(s) + "\n" for s in versioned(statements))
    if header:
        text = "# saved from an alphalang REPL session\n" + text
    return text
