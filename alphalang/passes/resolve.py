"""Name resolution and lowering of the AST into the checked, hash-consed IR graph.

Resolves fields, definitions, user functions (inlined), stdlib/relative imports, operator names and
aliases (case-insensitive), the min/max overload, and derived fields (``returns``, ``adv{d}``) the data does
not supply. Argument checks come from ``kinds``, constant folding from ``fold``. A name may only use names
defined before it, so cycles are reported as uses before definition. Checking goes on after an error: each
statement's first error is reported (up to ``collect.MAX_ERRORS``), and the statements using a failed one are skipped.

Depth-independent: the expression walk is a set of generators run by one loop (``_run``), so a formula nested
10,000 levels deep or a chain of 10,000 definitions resolves without Python recursion. Scopes are persistent
(``Bindings``): the names visible to a statement are a snapshot in O(1), so checking is linear in the module.

Example:
    >>> from alphalang.syntax import parse_module
    >>> r = Resolver()
    >>> outs = r.resolve_module(parse_module("a = rank(close)\\nb = -1 * rank(Close)"))
    >>> r.graph.describe(outs["b"][0])
    '(-1 * rank(close))'
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from alphalang import dialects, ir
from alphalang.dialects import Dialect
from alphalang.errors import AlphaNameError, AlphaTypeError
from alphalang.ops import INFIX, PREFIX, lookup
from alphalang.ops.constants import NAMED_CONSTANTS
from alphalang.ops.registry import all_names
from alphalang.ops.spec import ArgKind, OpSpec
from alphalang.passes.collect import ErrorLog
from alphalang.passes.fields import STANDARD_FIELDS, derivation, is_derivable
from alphalang.passes.fold import can_fold, fold
from alphalang.passes.kinds import (
    TEXT_KINDS,
    check_argument_kind,
    check_not_group,
    match_arguments,
    static_value,
    text_value,
)
from alphalang.passes.overload import has_overload, is_nary, resolve_overload
from alphalang.passes.profile import PROFILES, Profile
from alphalang.resources import stdlib_dir
from alphalang.source import Span
from alphalang.suggest import suggest
from alphalang.syntax import ast
from alphalang.syntax.ast import respan
from alphalang.syntax.parse import FINAL_OUTPUT, parse_expr, parse_module, read_source

_TICKS = itertools.count()  # one clock for every binding change and snapshot
_REMOVED = None

Steps = Generator["Steps", int, int]  # a resolution step: yields sub-steps, receives their node ids


def _run(step: Steps) -> int:
    """Run a resolution step and every sub-step it yields with an explicit stack (no Python recursion).

    An error raised by a sub-step is thrown into the step that yielded it, so its ``try``/``finally`` run then,
    as in a recursive walk (the checker goes on to the next statement after an error).
    """
    stack = [step]
    value = None
    error: BaseException | None = None
    while True:
        try:
            sub = stack[-1].send(value) if error is None else stack[-1].throw(error)
        except StopIteration as done:
            stack.pop()
            if not stack:
                return done.value
            value, error = done.value, None
            continue
        except BaseException as exc:
            stack.pop()
            if not stack:
                raise
            value, error = None, exc
            continue
        stack.append(sub)
        value, error = None, None


class Bindings(Mapping):
    """name -> binding as seen at one point of a module; the live view can change, snapshots cannot.

    Every change is logged per name with a tick, so a snapshot is O(1) and a lookup O(log changes of the name).

    Example:
        >>> live = Bindings(); live["x"] = 1; before = live.snapshot(); live["x"] = 2
        >>> before["x"], live["x"], "x" in before.snapshot()
        (1, 2, True)
    """

    def __init__(self, log: dict[str, list[tuple[int, object]]] | None = None, upto: int | None = None) -> None:
        self._log = {} if log is None else log
        self._upto = upto

    def snapshot(self) -> Bindings:
        return Bindings(self._log, next(_TICKS) if self._upto is None else self._upto)

    def get(self, name: str, default=None):
        entries = self._log.get(name)
        if not entries:
            return default
        if self._upto is None:
            found = entries[-1][1]
        else:
            at = bisect_left(entries, (self._upto,))
            found = entries[at - 1][1] if at else _REMOVED
        return default if found is _REMOVED else found

    def __getitem__(self, name: str):
        found = self.get(name, _REMOVED)
        if found is _REMOVED:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return self.get(name, _REMOVED) is not _REMOVED

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._log if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, name: str, value: object) -> None:
        assert self._upto is None, "a snapshot is read-only"
        self._log.setdefault(name, []).append((next(_TICKS), value))

    def pop(self, name: str, default=None):
        found = self.get(name, _REMOVED)
        if found is _REMOVED:
            return default
        self[name] = _REMOVED
        return found


@dataclass
class _Value:
    """A named definition, resolved on first use."""

    expr: ast.Expr
    scope: Scope
    span: Span
    node: int | None = None
    resolving: bool = False
    failed: bool = False  # its check raised: the statements using it are not checked again


class _Skipped(Exception):  # noqa: N818 - internal control flow, never shown
    """A statement uses a definition whose error is already reported: it is skipped, not reported again."""


@dataclass
class _Func:
    definition: ast.FuncDef
    scope: Scope


@dataclass
class Scope:
    values: Bindings = field(default_factory=Bindings)  # name -> _Value
    funcs: Bindings = field(default_factory=Bindings)  # name -> _Func
    later: dict[str, int] = field(default_factory=dict)  # names defined further down the module -> line

    def snapshot(self) -> Scope:
        """The names visible now, unaffected by later statements (O(1))."""
        return Scope(self.values.snapshot(), self.funcs.snapshot(), self.later)


class Resolver:
    """Builds one graph for a module (and everything it imports)."""

    def __init__(self, profile: Profile = PROFILES["paper"], extra_fields: frozenset[str] = frozenset(),
                 supplied: frozenset[str] = frozenset(), allow_redefinition: bool = False,
                 dialect: str | Dialect | None = None, unknown_as_fields: bool = False) -> None:
        self.dialect = dialects.get(dialect)
        self.unknown_as_fields = unknown_as_fields  # an unknown name is a field the data may lack (missing="skip")
        self.graph = ir.Graph()
        self.profile = profile
        self.known_fields = frozenset(STANDARD_FIELDS) | extra_fields
        self.supplied = supplied  # derivable fields the data supplies (used as fields, not derived)
        self.allow_redefinition = allow_redefinition
        self.derived_used: set[str] = set()
        self._derived: dict[str, int] = {}
        self._imports: dict[Path, Scope] = {}
        self._import_stack: list[Path] = []
        self._expanding = 0  # depth of registry compositions being inlined: only they may call internal operators
        self._prelude_names: set[str] = set()
        self._native = 0  # depth of dialect prelude definitions being inlined (their names are not renamed)
        self.errors = ErrorLog(skip=_Skipped)

    # ---- modules -------------------------------------------------------------------------------------
    def resolve_module(self, module: ast.Module, base_dir: Path | None = None,
                       scope: Scope | None = None) -> dict[str, tuple[int, Span]]:
        """Resolve every statement; return the module's outputs (public assignments) in order."""
        if scope is None:
            scope = Scope()
            self._bind_prelude(scope)
        path = Path(module.filename)
        own = [path.resolve()] if base_dir is not None and path.is_file() else []
        self._import_stack.extend(own)
        try:
            self._bind_statements(module, scope, base_dir)
        finally:
            del self._import_stack[len(self._import_stack) - len(own):]
        names = dict.fromkeys(s.name for s in module.statements
                              if isinstance(s, ast.Assign) and not s.name.startswith("_"))
        checked = names
        if self.dialect.final_only and FINAL_OUTPUT in names:
            names = {FINAL_OUTPUT: None}  # BRAIN: the steps before the final expression are not alphas,
            checked = {**names, **checked}  # but each is checked (its errors reported), the alpha first
        outputs = {}
        for name in checked:
            value = scope.values.get(name)
            if value is None:  # its statement was refused (reported)
                continue
            with self.errors.statement():
                node = self.value_node(value)
                if name in names:
                    outputs[name] = (node, value.span)
        self.errors.check()
        return outputs

    def _bind_prelude(self, scope: Scope) -> None:
        """The dialect's prelude (its convention ``def``s and helper values), visible to the module, which may
        redefine any of its names."""
        if self.dialect.prelude:
            prelude = parse_module(self.dialect.prelude, f"<dialect {self.dialect.name}>", "alphalang")
            self._bind_statements(prelude, scope, None)
            self._prelude_names = {s.name for s in prelude.statements if hasattr(s, "name")}

    def _bind_statements(self, module: ast.Module, scope: Scope, base_dir: Path | None) -> None:
        defined_at = {}
        for stmt in module.statements:
            if isinstance(stmt, (ast.Assign, ast.FuncDef)):
                defined_at.setdefault(stmt.name, stmt.span.line)
        scope.later = defined_at
        for stmt in module.statements:
            with self.errors.statement():  # a refused statement is reported and left out
                self._bind_statement(stmt, scope, base_dir)

    def _bind_statement(self, stmt: ast.Statement, scope: Scope, base_dir: Path | None) -> None:
        if isinstance(stmt, ast.Import):
            self._import(stmt, scope, base_dir)
            return
        seen = scope.snapshot()  # before a redefinition replaces the name: `x = x / close` uses the old x
        self._check_new_name(stmt.name, scope, stmt.span)
        if isinstance(stmt, ast.Assign):
            scope.values[stmt.name] = _Value(stmt.value, seen, stmt.span)
        else:
            if len(set(stmt.params)) != len(stmt.params):
                raise AlphaNameError(f"repeated parameter name in def {stmt.name}", stmt.span)
            scope.funcs[stmt.name] = _Func(stmt, seen)

    def _check_new_name(self, name: str, scope: Scope, span: Span) -> None:
        if self.allow_redefinition or name in self._prelude_names:
            scope.values.pop(name, None)
            scope.funcs.pop(name, None)
            return
        if name in scope.values or name in scope.funcs:
            earlier = scope.values.get(name) or scope.funcs[name].definition
            raise AlphaNameError(f"{name!r} is already defined at {earlier.span.location()}", span,
                                 hint="choose another name")

    def value_node(self, value: _Value) -> int:
        """The node of a named definition (resolved once)."""
        return _run(self._value_node(value))

    def _value_node(self, value: _Value) -> Steps:
        if value.failed:
            raise _Skipped
        if value.node is None:
            if value.resolving:  # unreachable through the grammar's ordering, kept as a guard
                raise AlphaNameError("definition refers to itself (cycle)", value.span)
            value.resolving = True
            try:
                value.node = self.as_output((yield self._expr(value.expr, value.scope, {})), value.expr.span)
            except BaseException:
                value.failed = True  # reported once, where it is first used
                raise
            finally:
                value.resolving = False
        return value.node

    def as_output(self, node_id: int, span: Span) -> int:
        check_not_group(self.graph[node_id].kind, span, "a series")
        return node_id

    # ---- imports -------------------------------------------------------------------------------------
    def _import(self, stmt: ast.Import, scope: Scope, base_dir: Path | None) -> None:
        path = self._find_module(stmt, base_dir)
        if path in self._import_stack:
            chain = " -> ".join(p.stem for p in [*self._import_stack, path])
            raise AlphaNameError(f"import cycle: {chain}", stmt.span)
        if path not in self._imports:
            self._import_stack.append(path)
            try:
                module = parse_module(read_source(path), str(path))
                imported = Scope()
                self._bind_statements(module, imported, path.parent)
            finally:
                self._import_stack.pop()
            self._imports[path] = imported
        exported = self._imports[path]
        for name, value in exported.values.items():
            if not name.startswith("_"):
                self._check_new_name(name, scope, stmt.span)
                scope.values[name] = value
        for name, func in exported.funcs.items():
            if not name.startswith("_"):
                self._check_new_name(name, scope, stmt.span)
                scope.funcs[name] = func

    def _find_module(self, stmt: ast.Import, base_dir: Path | None) -> Path:
        relative = Path(*stmt.module.split(".")).with_suffix(".alpha")
        roots = ([base_dir] if base_dir else []) + [Path.cwd(), stdlib_dir()]
        for root in roots:
            candidate = (root / relative).resolve()
            if candidate.is_file():
                return candidate
        available = sorted(p.stem for p in stdlib_dir().glob("*.alpha"))
        raise AlphaNameError(f"cannot find module {stmt.module!r}", stmt.span,
                             hint=f"stdlib modules: {', '.join(available) or 'none'}; or a .alpha file next to "
                             "this one")

    # ---- expressions ---------------------------------------------------------------------------------
    def expr(self, e: ast.Expr, scope: Scope, env: dict[str, int]) -> int:
        """The node of an expression in a scope, with user-function parameters bound by ``env``."""
        return _run(self._expr(e, scope, env))

    def _expr(self, e: ast.Expr, scope: Scope, env: dict[str, int]) -> Steps:
        if isinstance(e, ast.Number):
            return self.graph.add(ir.Leaf.CONST, (), (float(e.value),), ir.SCALAR, e.span)
        if isinstance(e, ast.Name):
            return (yield self._name(e, scope, env))
        if isinstance(e, ast.GroupName):
            return self.graph.add(ir.Leaf.GROUP, (), (e.level,), ir.GROUP, e.span)
        if isinstance(e, ast.Unary):
            return self.apply(lookup(PREFIX[e.op]), [(yield self._series(e.operand, scope, env))], (), e.span)
        meaning = self._renamed(INFIX[e.op]) if isinstance(e, ast.Binary) else None
        func = scope.funcs.get(meaning) if meaning not in (None, INFIX.get(getattr(e, "op", ""))) else None
        if func is not None:  # the dialect gives the operator its own meaning (qlib's a > b: NaN is false)
            return (yield self._inline(func, ast.Call(func.definition.name, (e.left, e.right), (), e.span, e.span),
                                       scope, env))
        if isinstance(e, (ast.Binary, ast.Conditional)):
            args = []
            for operand in ast.children(e):
                args.append((yield self._series(operand, scope, env)))
            spec = lookup(INFIX[e.op] if isinstance(e, ast.Binary) else "cond")
            return self.apply(spec, args, (), e.span)
        if isinstance(e, ast.Call):
            return (yield self._call(e, scope, env))
        if isinstance(e, ast.String):
            raise AlphaTypeError("a string is only an operator's option here, not a value", e.span,
                                 hint='e.g. quantile(x, driver="cauchy")')
        raise TypeError(f"unexpected AST node {type(e).__name__}")

    def _series(self, e: ast.Expr, scope: Scope, env: dict[str, int]) -> Steps:
        """Resolve an operand that must be numeric (not group labels)."""
        node_id = yield self._expr(e, scope, env)
        check_not_group(self.graph[node_id].kind, e.span, "numbers")
        return node_id

    def _name(self, e: ast.Name, scope: Scope, env: dict[str, int]) -> Steps:
        name = e.name
        if name in env:
            return env[name]
        value = scope.values.get(name)
        if value is not None:
            return (yield self._value_node(value))
        if name in NAMED_CONSTANTS:
            return self.graph.add(ir.Leaf.CONST, (), (NAMED_CONSTANTS[name],), ir.SCALAR, e.span)
        if is_derivable(name) and name not in self.supplied and derivation(name, self.profile):
            return (yield self._derive(name, e.span))
        if name in self.known_fields or is_derivable(name):
            return self.graph.add(ir.Leaf.FIELD, (), (name,), ir.PANEL, e.span)
        if name in scope.later:
            raise AlphaNameError(f"{name!r} is used before its definition at line {scope.later[name]}", e.span,
                                 hint="a name may only use names defined above it (this also rules out cycles)")
        if lookup(name) or name in scope.funcs:
            raise AlphaNameError(f"{name!r} is a function, not a value", e.span, hint=f"call it: {name}(...)")
        if self.unknown_as_fields:
            return self.graph.add(ir.Leaf.FIELD, (), (name,), ir.PANEL, e.span)
        candidates = [*env, *scope.values, *self.known_fields]
        raise AlphaNameError(f"unknown name {name!r}", e.span, hint=suggest(name, candidates) or
                             "if it is a field of your data, pass it with fields=[...] or run with that data")

    def _derive(self, name: str, span: Span) -> Steps:
        if name not in self._derived:
            self.derived_used.add(name)
            expr = respan(parse_expr(derivation(name, self.profile), f"<derived {name}>"), span)
            self._derived[name] = yield self._expr(expr, Scope(), {})
        return self._derived[name]

    def _call(self, e: ast.Call, scope: Scope, env: dict[str, int]) -> Steps:
        name = e.func
        target = self._renamed(name)  # the operator (or prelude def) the dialect's name means
        func = scope.funcs.get(name) or scope.funcs.get(target)
        if func is not None:
            return (yield self._inline(func, e, scope, env))
        spec = lookup(target)
        if spec is None or (spec.internal and not self._expanding):
            hint = suggest(name, [*self.dialect.names, *all_names(), *scope.funcs])  # the dialect's own spellings too
            if name in scope.values or name in self.known_fields:
                hint = f"{name!r} is a value, not a function"
            raise AlphaNameError(f"unknown function {name!r}", e.name_span, hint=hint)
        if spec.wider and len(e.args) + len(e.kwargs) > len(spec.params):  # BRAIN's group_mean(x, weight, group)
            spec = lookup(spec.wider)
        if self.dialect.paper_overload and has_overload(spec, e):  # the paper's min(x, d) = ts_min(x, d)
            first = yield self._expr(e.args[0], scope, env)
            ids = (first, (yield self._expr(e.args[1], scope, env)))
            spec, e, env = resolve_overload(spec, e, ids, self.graph, env)
        if is_nary(spec, e):
            return (yield self._nary(spec, e, scope, env))
        keywords = {k.name: (k.value, k.span) for k in e.kwargs}
        if len(keywords) != len(e.kwargs):
            raise AlphaTypeError(f"{name}() got a keyword argument twice", e.span)
        slots = match_arguments(spec, list(e.args), keywords, e.span, called=name)
        args: list[int] = []
        statics: list[float | int | str] = []
        bound: dict[str, int] = {}
        texts: dict[str, ast.Expr] = {}  # a composition's string options, spelled into its body
        for param, given in zip(spec.params, slots, strict=True):
            span = given.span if isinstance(given, ast.Expr) else e.span
            if param.kind in TEXT_KINDS:
                statics.append(text_value(param, given, name, span))
                texts[param.name] = ast.String(statics[-1], span)
                continue
            if param.kind.is_static:
                if isinstance(given, ast.String):
                    raise AlphaTypeError(f"{name}() needs a number for {param.name!r}, not a string", span)
                if not isinstance(given, float):
                    given = yield self._constant(given, scope, env, param.name, name)
                value = static_value(param, given, self.profile, span)
                if param.ignored:
                    continue
                statics.append(value)
                if spec.expansion is not None:
                    bound[param.name] = self.graph.add(ir.Leaf.CONST, (), (float(statics[-1]),), ir.SCALAR, span)
                continue
            if param.kind is ArgKind.GROUP and isinstance(given, ast.Name) and given.name not in env \
                    and given.name not in scope.values and given.name not in self.known_fields \
                    and not is_derivable(given.name):  # a bare group level: BRAIN's group_rank(x, sector)
                given = ast.GroupName(given.name, given.span)
            if isinstance(given, float):  # a series parameter's default: a constant
                node_id = self.graph.add(ir.Leaf.CONST, (), (given,), ir.SCALAR, span)
            else:
                node_id = yield self._expr(given, scope, env)
            check_argument_kind(spec, param, self.graph[node_id].kind, span, called=name)
            args.append(node_id)
            bound[param.name] = node_id
        if spec.expansion is not None:  # a composition: its body, with the parameters bound, at the call's span
            self._expanding += 1
            try:
                body = ast.substitute(respan(expansion_ast(spec), e.span), texts)
                return (yield self._expr(body, Scope(), bound))
            finally:
                self._expanding -= 1
        node_id = self.apply(spec, args, tuple(statics), e.span)
        if spec.name == "ts_rank" and self.profile.ts_rank_in_days:
            days = self.graph.add(ir.Leaf.CONST, (), (float(statics[0]),), ir.SCALAR, e.span)
            node_id = self.apply(lookup("mul"), [node_id, days], (), e.span)
        return node_id

    def _nary(self, spec: OpSpec, e: ast.Call, scope: Scope, env: dict[str, int]) -> Steps:
        """BRAIN's ``add(a, b, c, filter=true)``: the operator folded left over its operands, each NaN operand
        counting as ``spec.filter_value`` when ``filter`` is true."""
        filtered = False
        for kw in e.kwargs:
            if kw.name != "filter" or spec.filter_value is None:
                raise AlphaTypeError(f"{e.func}() has no parameter {kw.name!r}", kw.span,
                                     hint=f"signature: {spec.signature()}")
            filtered = bool((yield self._constant(kw.value, scope, env, "filter", e.func)))
        if len(e.args) < 2:
            raise AlphaTypeError(f"{e.func}() takes at least 2 operands, got {len(e.args)}", e.span,
                                 hint=f"signature: {spec.signature()}")
        operands = []
        for arg in e.args:
            node_id = yield self._series(arg, scope, env)
            if filtered:
                fill = self.graph.add(ir.Leaf.CONST, (), (float(spec.filter_value),), ir.SCALAR, arg.span)
                node_id = self.apply(lookup("fillna"), [node_id, fill], (), arg.span)
            operands.append(node_id)
        node_id = operands[0]
        for operand in operands[1:]:
            node_id = self.apply(spec, [node_id, operand], (), e.span)
        return node_id

    def _constant(self, given: ast.Expr, scope: Scope, env: dict[str, int], param: str, func: str) -> Steps:
        node = self.graph[(yield self._expr(given, scope, env))]
        if node.op != ir.Leaf.CONST:
            raise AlphaTypeError(f"{func}() needs a constant for {param!r}, not a series", given.span,
                                 hint="windows, lags and options are fixed numbers")
        return node.params[0]

    def _renamed(self, name: str) -> str:
        """What a name the user wrote means in the dialect (inside the dialect's own prelude: itself)."""
        return name if self._native else self.dialect.names.get(name, name)

    def _inline(self, func: _Func, e: ast.Call, scope: Scope, env: dict[str, int]) -> Steps:
        fdef = func.definition
        params = fdef.params
        native = fdef.span.filename.startswith("<dialect ")  # a prelude def is written in alphalang's names
        # errors name the function as the user wrote it: a dialect's own (``IdxMax``) is not a def of theirs
        name, defined = fdef.name, f"defined at {fdef.span.location()} as def "
        if native and not self._native:
            name, defined = e.written, f"{self.dialect.name}'s "
        defined += f"{name}({', '.join(params)})"
        if len(e.args) > len(params):
            raise AlphaTypeError(f"{name}() takes {len(params)} arguments, got {len(e.args)}", e.span, hint=defined)
        bound = dict(zip(params, e.args, strict=False))
        for kw in e.kwargs:
            if kw.name not in params:
                raise AlphaTypeError(f"{name}() has no parameter {kw.name!r}", kw.span, hint=defined)
            if kw.name in bound:
                raise AlphaTypeError(f"{name}() got {kw.name!r} twice", kw.span)
            bound[kw.name] = kw.value
        missing = [p for p in params if p not in bound]
        if missing:
            raise AlphaTypeError(f"{name}() is missing {', '.join(map(repr, missing))}", e.span, hint=defined)
        inner_env = {}
        for p in params:
            inner_env[p] = yield self._expr(bound[p], scope, env)
        self._native += native
        try:
            return (yield self._expr(fdef.body, func.scope, inner_env))
        finally:
            self._native -= native

    # ---- building nodes ------------------------------------------------------------------------------
    def apply(self, spec: OpSpec, args: list[int], statics: tuple, span: Span) -> int:
        """Add an operator node, folded to a constant when ``fold`` can (windows must be constants while
        resolving). Constants stay constants here; the ``broadcast`` pass wraps them where panels are needed."""
        graph = self.graph
        if all(graph[a].kind == ir.SCALAR for a in args) and can_fold(spec):
            value = fold(spec, tuple(graph[a].params[0] for a in args))
            return graph.add(ir.Leaf.CONST, (), (value,), ir.SCALAR, span)
        kind = ir.GROUP if spec.labels else ir.PANEL  # bucket, densify: usable where IndClass.<level> is
        return graph.add(spec.name, tuple(args), statics, kind, span)


@cache
def expansion_ast(spec: OpSpec) -> ast.Expr:
    """The parsed body of a composition (``OpSpec.expansion``), parsed once."""
    return parse_expr(spec.expansion, f"<{spec.name}>")
