"""A REPL session: the loaded panel plus the statements typed so far, compiled together on every input.

Later definitions replace earlier ones for what follows them; a definition keeps the meaning its names had
when it was typed, so ``x = x / close`` works. Replaced definitions are compiled under private versioned
names (``repl.saving.versioned``). A statement that does not check is not kept, so an error never breaks
the session.

Example:
    >>> s = Session(demo_days=60, demo_assets=8)
    >>> s.define("mom = rank(delta(close, 5))")
    'mom: lookback 5'
    >>> s.value("mom - 0.5").shape
    (60, 8)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from alphalang import dialects
from alphalang.errors import AlphaSyntaxError
from alphalang.program import Program
from alphalang.repl.habits import as_command
from alphalang.syntax import ast
from alphalang.syntax.diagnose import IncompleteInput
from alphalang.syntax.parse import parse_expr, parse_module, parse_repl, read_source

__all__ = ["AUTO_NUMBA_CELLS", "Session", "VALUE_NAME", "auto_backend", "is_blank", "is_complete"]

#: the output name a bare expression is compiled under (not a name users see)
VALUE_NAME = "repl_value__"


#: ``backend="auto"``: the numba backend from this many cells (dates x assets) on, the reference one below.
#: Measured once on the 2-core machine (docs/workbench.md): the reference backend takes ~13 us a cell for a
#: rank/corr formula (0.2-0.8 s on 500 x 100, 6-7 s on 1000 x 500), numba 0.2-0.5 us a cell once compiled;
#: compiling a new formula costs ~1-3 s when its kernel families are cached. Below ~200,000 cells the reference
#: answer comes first.
AUTO_NUMBA_CELLS = 200_000


def auto_backend(n_dates: int, n_assets: int) -> tuple[str, str]:
    """The backend ``"auto"`` picks for a panel's shape, and why.

    Example:
        >>> auto_backend(500, 100)[0], auto_backend(2500, 500)[0] in ("numba", "reference")
        ('reference', True)
    """
    cells = n_dates * n_assets
    if cells < AUTO_NUMBA_CELLS:
        return "reference", f"auto: {cells:,} cells < {AUTO_NUMBA_CELLS:,}"
    try:
        import numba  # noqa: F401
    except ImportError:
        return "reference", f"auto: {cells:,} cells, but numba is not installed"
    return "numba", f"auto: {cells:,} cells >= {AUTO_NUMBA_CELLS:,}"


def is_blank(text: str) -> bool:
    """Whether ``text`` holds only blank lines and ``#`` comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def is_complete(text: str) -> bool:
    """Whether an input can be run as is (False while a '(' is open or an operator ends it).

    Example:
        >>> is_complete("rank(close"), is_complete("rank(close)"), is_complete(":help rank"), is_complete("# note")
        (False, True, True, True)
    """
    stripped = text.strip()
    if is_blank(text) or stripped.startswith(":") or as_command(text):
        return True
    if stripped.endswith("\\"):
        return False
    try:
        parse_repl(text)
    except AlphaSyntaxError as err:
        return not isinstance(err, IncompleteInput)
    return True


class Session:
    """State of one REPL: data, statements, options. Inputs go through ``Session.execute`` (see commands)."""

    def __init__(self, panel=None, *, backend: str = "auto", profile: str = "paper",
                 plot_dir: str | Path = ".", data_label: str | None = None, demo_days: int = 500,
                 demo_assets: int = 100, seed: int = 0, base_dir: str | Path | None = None,
                 dialect: str = "alphalang") -> None:
        from alphalang.data import demo_panel

        if panel is None:
            panel = demo_panel(demo_days, demo_assets, seed)
            data_label = data_label or f"demo market ({demo_days} dates x {demo_assets} assets, seed {seed})"
        self.panel = panel
        self.data_label = data_label or "data"
        self.backend = backend  # "auto", "reference" or "numba" (see ``backend_now``)
        self.dialect = "alphalang"  # how inputs are read; they are kept as canonical alphalang
        self.nan: str | None = None  # the session's NaN policy (None: alphalang's, strict); see ``set_dialect``
        if dialects.get(dialect).name != "alphalang":
            self.set_dialect(dialect)
        self.profile = profile
        self.plot_dir = Path(plot_dir)
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.statements: list[ast.Statement] = []
        self.last_expr: ast.Expr | None = None  # what :plot, :ic, ... use when given no expression
        self.inputs = 0
        self.plots = 0

    # ---- compiling ----------------------------------------------------------------------------------
    def module(self, extra: Iterable[ast.Statement] = ()) -> ast.Module:
        from alphalang.repl.saving import versioned

        return ast.Module(tuple(versioned(self.statements + list(extra), drop_unused=False)), "<session>", "")

    def compile(self, extra: Iterable[ast.Statement] = (), keep: Sequence[str] | None = None,
                backend: str | None = None) -> Program:
        """The session's statements (plus ``extra``) checked against the panel's fields."""
        return Program(self.module(extra), backend=backend or self.backend_now()[0], profile=self.profile,
                       fields=self.panel.fields, base_dir=self.base_dir, keep=keep, allow_redefinition=True,
                       nan=self.nan)

    def backend_now(self) -> tuple[str, str]:
        """The backend that evaluates on the current panel, and why (``auto`` decides by the panel's size)."""
        if self.backend == "auto":
            return auto_backend(self.panel.n_dates, self.panel.n_assets)
        return self.backend, "chosen"

    # ---- dialects -----------------------------------------------------------------------------------
    def set_dialect(self, name: str) -> str:
        """Read the following inputs in dialect ``name``; the session's NaN policy becomes the dialect's."""
        chosen = dialects.get(name)
        self.dialect, self.nan = chosen.name, (None if chosen.nan == "strict" else chosen.nan)
        return (f"dialect {chosen.name}: {chosen.description}; NaN policy for the session: {chosen.nan}"
                + ("" if chosen.nan == "strict" else " (partial windows over the valid values)"))

    def canonical(self, statements: Sequence[ast.Statement], filename: str, text: str,
                  dialect: str | None = None) -> list[ast.Statement]:
        """``statements`` read in ``dialect`` (default: the session's), as alphalang statements; the dialect's
        helper definitions they use come first."""
        from dataclasses import replace

        from alphalang.dialects.transpile import transpile

        chosen = dialects.get(dialect or self.dialect)
        if chosen.name == "alphalang":
            return list(statements)
        as_written = ast.Module(tuple(statements), filename, text, replace(chosen, final_only=False))
        self._check_as_written(as_written)
        return list(parse_module(transpile(as_written), f"{filename} (read as {chosen.name})").statements)

    def _check_as_written(self, module: ast.Module) -> None:
        """Check dialect input before it is rewritten, so a mistake is shown in the user's own spelling; the
        session's values stand in as fields. Skipped when the input calls a session ``def`` (its body is
        alphalang, which the dialect would misread): the rewritten input is checked anyway."""
        from alphalang.syntax.walk import postorder

        funcs = set(self.functions())
        roots = [getattr(s, "value", None) or getattr(s, "body", None) for s in module.statements]
        if any(isinstance(node, ast.Call) and node.func in funcs
               for root in roots if root is not None for node in postorder(root, ast.children)):
            return
        own = {getattr(s, "name", None) for s in module.statements}
        values = [n for n in self.defined_names() if n not in own and n not in funcs]
        Program(module, backend="reference", profile=self.profile, fields=[*self.panel.fields, *values],
                base_dir=self.base_dir, allow_redefinition=True, nan=self.nan)

    def read(self, text: str) -> ast.Statement | ast.Expr:
        """One input in the session's dialect, as alphalang; a dialect's helper definitions are kept first."""
        filename = self.next_filename()
        chosen = dialects.get(self.dialect)
        target = text.split("=", 1)[0].strip().lower()
        if chosen.equals_compares and self.panel.has_field(target):  # GTJA's CLOSE = OPEN compares
            node = parse_expr(text, filename, chosen)
        else:
            node = parse_repl(text, filename, chosen)
        if self.dialect == "alphalang":
            return node
        if isinstance(node, ast.Expr):
            return self.canonical_expr(node, filename, text)
        *helpers, last = self.canonical([node], filename, text)
        self._add_helpers(helpers)
        return last

    def canonical_expr(self, expr: ast.Expr, filename: str, text: str, dialect=None) -> ast.Expr:
        """An expression read in ``dialect`` (default: the session's) as alphalang; keeps the helpers it uses."""
        from dataclasses import replace

        *helpers, last = self.canonical([ast.Assign(VALUE_NAME, expr, expr.span)], filename, text, dialect)
        self._add_helpers(helpers)
        return replace(last.value, span=expr.span)  # labelled as the user wrote it

    def _add_helpers(self, helpers: Sequence[ast.Statement]) -> None:
        known = {(type(s), getattr(s, "name", None)) for s in self.statements}
        helpers = [h for h in helpers if (type(h), getattr(h, "name", None)) not in known]
        if helpers:
            self.add(helpers)

    def next_filename(self) -> str:
        self.inputs += 1
        return f"<input {self.inputs}>"

    def parse_expr(self, text: str) -> ast.Expr:
        if self.dialect != "alphalang":
            node = self.read(text.strip())
            if not isinstance(node, ast.Expr):
                raise AlphaSyntaxError("expected an expression, not a statement", node.span)
            return node
        return parse_expr(text.strip(), self.next_filename())

    def expr_program(self, expr: ast.Expr | str, backend: str | None = None) -> Program:
        """A program computing only ``expr`` in the session's context."""
        if isinstance(expr, str):
            expr = self.parse_expr(expr)
        return self.compile([ast.Assign(VALUE_NAME, expr, expr.span)], keep=[VALUE_NAME], backend=backend)

    def value(self, expr: ast.Expr | str) -> np.ndarray:
        """Evaluate an expression on the panel: a (T, N) array."""
        return self.expr_program(expr).run(self.panel)[VALUE_NAME]

    # ---- definitions --------------------------------------------------------------------------------
    def add(self, statements: Sequence[ast.Statement]) -> Program:
        """Check ``statements`` after the session's; keep them only if everything still checks."""
        program = self.compile(statements)
        self.statements.extend(statements)
        return program

    def define(self, text: str) -> str:
        """Add one statement typed as text; returns a short confirmation."""
        node = self.read(text)
        if isinstance(node, ast.Expr):
            raise AlphaSyntaxError("expected a statement (name = expression, def or import)", node.span)
        return self.describe_added([node], self.add([node]))

    def load(self, path: str | Path) -> str:
        """Add every statement of a ``.alpha`` file."""
        path = Path(path).expanduser()
        text = read_source(path)
        module = parse_module(text, str(path), self.dialect)
        program = self.add(self.canonical(module.statements, str(path), text, module.dialect))
        outputs = [s.name for s in module.statements if isinstance(s, ast.Assign) and not s.name.startswith("_")]
        return f"loaded {path}: {len(module.statements)} statements, {len(outputs)} outputs" + (
            f" ({', '.join(outputs[:8])}{', ...' if len(outputs) > 8 else ''})" if outputs else "") + (
            f"; session has {len(program.outputs)} outputs")

    def describe_added(self, statements: Sequence[ast.Statement], program: Program) -> str:
        lines = []
        for stmt in statements:
            if isinstance(stmt, ast.Assign):
                if stmt.name.startswith("_"):
                    lines.append(f"{stmt.name}: private helper")
                else:
                    lines.append(f"{stmt.name}: lookback {program.lookback.get(stmt.name, 0)}")
            elif isinstance(stmt, ast.FuncDef):
                lines.append(f"def {stmt.name}({', '.join(stmt.params)})")
            else:
                lines.append(f"imported {stmt.module}: its definitions can be used by name")
        return "\n".join(lines)

    # ---- names --------------------------------------------------------------------------------------
    def defined_names(self) -> list[str]:
        """Names defined in the session (latest definition wins), in order of last definition."""
        order: dict[str, None] = {}
        for stmt in self.statements:
            if isinstance(stmt, (ast.Assign, ast.FuncDef)):
                order.pop(stmt.name, None)
                order[stmt.name] = None
        return list(order)

    def functions(self) -> dict[str, ast.FuncDef]:
        return {s.name: s for s in self.statements if isinstance(s, ast.FuncDef)}

    def field_names(self) -> list[str]:
        return sorted(self.panel.fields)

    def group_levels(self) -> list[str]:
        return sorted(self.panel.groups)

    def set_panel(self, panel, label: str) -> str:
        """Switch data; warns (but keeps the definitions) if some no longer check against the new fields."""
        self.panel, self.data_label = panel, label
        try:
            self.compile()
        except Exception as err:  # noqa: BLE001 - report, keep the new data
            note = f"\nwarning: some definitions do not check against this data:\n{err}"
        else:
            note = ""
        return f"data: {label}: {panel.n_dates} dates x {panel.n_assets} assets; fields " \
               f"{', '.join(self.field_names())}" + (f"; groups {', '.join(self.group_levels())}"
                                                      if panel.groups else "") + note
