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

__all__ = ["session_source", "versioned"]


def _rename(e: ast.Expr, mapping: dict[str, str], shadow: frozenset[str] = frozenset()) -> ast.Expr:
    if isinstance(e, ast.Name):
        return replace(e, name=mapping[e.name]) if e.name in mapping and e.name not in shadow else e
    if isinstance(e, ast.Unary):
        return replace(e, operand=_rename(e.operand, mapping, shadow))
    if isinstance(e, ast.Binary):
        return replace(e, left=_rename(e.left, mapping, shadow), right=_rename(e.right, mapping, shadow))
    if isinstance(e, ast.Conditional):
        return replace(e, cond=_rename(e.cond, mapping, shadow), then=_rename(e.then, mapping, shadow),
                       other=_rename(e.other, mapping, shadow))
    if isinstance(e, ast.Call):
        func = mapping.get(e.func, e.func) if e.func not in shadow else e.func
        return replace(e, func=func, args=tuple(_rename(a, mapping, shadow) for a in e.args),
                       kwargs=tuple(replace(k, value=_rename(k.value, mapping, shadow)) for k in e.kwargs))
    return e


def _uses(e: ast.Expr, out: set[str]) -> set[str]:
    if isinstance(e, ast.Name):
        out.add(e.name)
    elif isinstance(e, ast.Call):
        out.add(e.func)
    for child in ast.children(e):
        _uses(child, out)
    return out


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
        used: set[str] = set()
        for s in emitted:
            if isinstance(s, ast.Assign):
                _uses(s.value, used)
            elif isinstance(s, ast.FuncDef):
                _uses(s.body, used)
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
