"""``transpile --to brain``: a module in any dialect written in WorldQuant BRAIN's spelling, one alpha per output.

BRAIN has no functions and one alpha per expression, so each output becomes BRAIN's statement form
``a = ...; b = ...; final_expression``: the definitions it uses (in order) as steps, its own expression last;
user and prelude ``def``s are inlined. Operator names come from BRAIN's name table (``peer_spellings``: the
registry's brain spellings and ``dialects/brain.py``); ``c ? a : b`` is ``if_else``, ``^`` ``power``,
``&&``/``||``/``!`` ``and``/``or``/``not``, ``IndClass.sector`` the bare ``sector``. An operator BRAIN has no
name for is written through ``EXPORTS`` (BRAIN text computing the same) or refused with an ``AlphaNameError``
at the user's call. The text compiles in the brain dialect (under the source's NaN policy, which a header
comment names) to what the source computes (tests/test_to_brain.py).

Example:
    >>> from alphalang.syntax.parse import parse_module
    >>> print(brain_alphas(parse_module("# dialect: qlib\\nk = Std($close, 5) / Ref($close, 1)"))["k"])
    ts_std_dev(close, 5) / ts_delay(close, 1)
"""

from __future__ import annotations

import dataclasses
from functools import cache

from alphalang.dialects import get, peer_spellings
from alphalang.errors import AlphaError, AlphaNameError
from alphalang.ops import lookup
from alphalang.passes.overload import is_window_number
from alphalang.syntax import ast
from alphalang.syntax.parse import FINAL_OUTPUT, parse_expr
from alphalang.syntax.printer import to_text
from alphalang.syntax.walk import fold_tree, postorder

# operators BRAIN has no name for, written in BRAIN's names over the operator's own parameter names
EXPORTS = {
    "ts_argmax": "d - ts_arg_max(x, d)",  # ts_arg_max_days = d - ts_argmax (the registry's definition)
    "ts_argmin": "d - ts_arg_min(x, d)",
    "fillna": "if_else(is_nan(x), v, x)",
}
INFIX_AS_CALL = {"^": "pow", "&&": "and", "||": "or"}  # BRAIN writes these as calls
PREFIX_AS_CALL = {"!": "not"}


@cache
def brain_name(op: str) -> str | None:
    """BRAIN's name for registry operator ``op`` (or an alias of it), if its catalogue has one.

    >>> brain_name("ts_std"), brain_name("ts_cov"), brain_name("ts_resid")
    ('ts_std_dev', 'ts_covariance', None)
    """
    spec = lookup(op)
    if spec is None:
        return None
    names = (name.split("(")[0].strip() for peer, name in peer_spellings(spec.name) if peer == "brain")
    return next((name for name in names if name.isidentifier()), None)  # 'max(x, y, ...)' is written max


@cache
def _export(op: str) -> ast.Expr:
    return parse_expr(EXPORTS[op], f"<brain export {op}>", "brain")


def _call(op: str, args: tuple[ast.Expr, ...], span) -> ast.Call:
    return ast.Call(brain_name(op), args, (), span, span)


def _is_window(arg: ast.Expr, constants: dict[str, float], span) -> bool:
    """Whether the paper's overload reads ``arg`` as a window: a whole number >= 1 (a literal, its negation, or a
    definition that is one); a constant written any other way is refused rather than guessed."""
    if isinstance(arg, ast.Name) and arg.name in constants:
        arg = ast.Number(constants[arg.name])
    if isinstance(arg, ast.Unary) and arg.op == "-" and isinstance(arg.operand, ast.Number):
        arg = ast.Number(-arg.operand.value)
    if isinstance(arg, ast.Number):
        return is_window_number(arg.value)
    if not any(isinstance(n, (ast.Name, ast.Call)) for n in postorder(arg, ast.children)):
        raise AlphaNameError("write this window as a number to transpile it: BRAIN's max/min are elementwise, the "
                             "paper's max(x, d) is ts_max(x, d)", span)
    return False


def _brain_node(node: ast.Expr, kids: list, funcs: dict[str, ast.FuncDef], paper_overload: bool = False,
                constants: dict[str, float] | None = None) -> ast.Expr:
    """One node in BRAIN's spelling, its children already converted; ``paper_overload``: the source reads
    ``min(x, 5)`` as ``ts_min`` (``constants``: its definitions that are numbers)."""
    constants = constants or {}
    node = ast.rebuild(node, kids)
    if isinstance(node, ast.GroupName):
        return ast.Name(node.level, node.span)
    if isinstance(node, ast.Conditional):
        return _call("cond", (node.cond, node.then, node.other), node.span)
    if isinstance(node, ast.Binary) and node.op in INFIX_AS_CALL:
        return _call(INFIX_AS_CALL[node.op], (node.left, node.right), node.span)
    if isinstance(node, ast.Unary) and node.op in PREFIX_AS_CALL:
        return _call(PREFIX_AS_CALL[node.op], (node.operand,), node.span)
    if not isinstance(node, ast.Call):
        return node
    if node.func in funcs:  # a def: BRAIN has none, so its body with the arguments in place
        fdef = funcs[node.func]
        bound = dict(zip(fdef.params, node.args, strict=False)) | {k.name: k.value for k in node.kwargs}
        try:
            body = _brain_expr(fdef.body, funcs, paper_overload, constants)
        except AlphaNameError as err:
            if not fdef.span.filename.startswith("<dialect "):
                raise
            # a dialect's own definition: shown at the user's call, in the user's spelling
            raise AlphaNameError(f"{err.message}, which {node.written} uses", node.name_span, err.hint) from None
        return ast.substitute(body, bound)
    spec = lookup(node.func)
    if spec is not None and paper_overload and spec.constant_overload and len(node.args) == 2 and not node.kwargs \
            and _is_window(node.args[1], constants, node.span):  # the paper's min(x, 5) is ts_min(x, 5)
        spec = lookup(spec.constant_overload)
        node = dataclasses.replace(node, func=spec.name)
    name = brain_name(node.func)
    if name is not None:
        return ast.Call(name, node.args, node.kwargs, node.span, node.name_span)
    if spec is not None and spec.name in EXPORTS:
        slots = dict(zip((p.name for p in spec.params), node.args, strict=False))
        slots |= {k.name: k.value for k in node.kwargs}
        return ast.substitute(_export(spec.name), slots)
    written = node.written
    what = f"{spec.name}()" + (f", written {written}" if written.lower() != spec.name else "") if spec else written
    raise AlphaNameError(f"BRAIN has no operator for {what}", node.name_span,
                         hint="BRAIN's names are the brain entries of docs/operators.md's peers column; rewrite it "
                         "with those, or leave this output out")


def _brain_expr(e: ast.Expr, funcs: dict, paper_overload: bool = False, constants: dict | None = None) -> ast.Expr:
    return fold_tree(e, ast.children, lambda n, k: _brain_node(n, k, funcs, paper_overload, constants))


def brain_alphas(module: ast.Module, errors: list[AlphaError] | None = None) -> dict[str, str]:
    """Each output of ``module`` as one BRAIN alpha text (``a = ...; b = ...; final_expression``).

    What BRAIN cannot express raises at the first such statement; with an ``errors`` list, each such statement's
    error is appended (once) and the outputs using it are left out instead.
    """
    from alphalang.dialects.transpile import canonical

    dialect, prelude, body = canonical(module)
    statements = [*prelude, *body]
    funcs = {s.name: s for s in statements if isinstance(s, ast.FuncDef)}
    values: dict[str, ast.Expr] = {}
    failed: set[str] = set()
    constants: dict[str, float] = {}
    for s in statements:
        try:
            if isinstance(s, ast.Import):
                raise AlphaNameError(f"BRAIN has no imports ('import {s.module}')", s.span,
                                     hint="transpile the imported file, or copy its definitions here")
            if isinstance(s, ast.Assign):
                values[s.name] = _brain_expr(s.value, funcs, dialect.paper_overload, constants)
                if isinstance(s.value, ast.Number):
                    constants[s.name] = s.value.value
        except AlphaError as err:
            if errors is None:
                raise
            if all(e.span != err.span or e.message != err.message for e in errors):  # a def's error: once
                errors.append(err)
            failed.add(getattr(s, "name", ""))
            values[getattr(s, "name", "")] = ast.Name(_FAILED)
    outputs = [s.name for s in body if isinstance(s, ast.Assign) and not s.name.startswith("_")]
    if dialect.final_only and FINAL_OUTPUT in outputs:
        outputs = [FINAL_OUTPUT]
    alphas = {name: _alpha(name, values) for name in outputs}
    return {name: text for name, text in alphas.items() if text is not None}


_FAILED = "\0failed"  # stands for a definition BRAIN cannot express (no formula can spell it)


def _alpha(name: str, values: dict[str, ast.Expr]) -> str | None:
    """BRAIN's statement form for output ``name``: the values it uses, in definition order, then its expression
    (None when one of them cannot be expressed)."""
    used = {name}
    for other in reversed(list(values)):  # definitions only use earlier ones
        if other in used:
            used |= {n.name for n in postorder(values[other], ast.children) if isinstance(n, ast.Name)}
    if _FAILED in used:
        return None
    steps = [n for n in values if n in used and n != name]
    taken = set(values) | {n.name for v in values.values() for n in postorder(v, ast.children)
                           if isinstance(n, ast.Name)}
    rename = {n: n.lstrip("_") for n in steps if n.startswith("_") and n.lstrip("_") not in taken}

    def spelled(e: ast.Expr) -> ast.Expr:
        return ast.substitute(e, {old: ast.Name(new) for old, new in rename.items()})
    parts = [f"{rename.get(n, n)} = {to_text(spelled(values[n]))}" for n in steps]
    return "; ".join([*parts, to_text(spelled(values[name]))])


def brain_text(module: ast.Module, errors: list[AlphaError] | None = None) -> str:
    """The text ``alphalang transpile --to brain`` prints: a header naming the source's NaN policy when it is
    not BRAIN's default, then each output's alpha under a ``# name`` comment (a lone ``alpha`` bare).
    ``errors`` as in ``brain_alphas``."""
    dialect = get(module.dialect)
    alphas = brain_alphas(module, errors)
    lines = [f"# transpiled from the {dialect.name} dialect to BRAIN"
             + (f'; computes as the source with nan="{dialect.nan}", min_periods=1' if dialect.nan != "strict"
                else "")]
    if list(alphas) == [FINAL_OUTPUT]:
        return "\n".join([*lines, alphas[FINAL_OUTPUT]]) + "\n"
    for name, text in alphas.items():
        lines += ["", f"# {name}", text]
    return "\n".join(lines) + "\n"
