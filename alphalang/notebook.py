"""IPython/Jupyter extension: ``%load_ext alphalang`` then ``%alpha EXPR`` and ``%%alpha`` cells.

Both evaluate against a ``Panel`` from the user namespace: the one named by ``-p NAME``, else the variable
``panel``, else the only Panel there is. Definitions made in ``%%alpha`` cells persist for later cells and
``%alpha`` lines (later definitions replace earlier ones), as in the REPL.

- ``%alpha EXPR`` returns a wide DataFrame (dates x assets): ``w = %alpha --wide -p my rank(close)``.
- ``--dialect qlib`` (or ``brain``, ``gtja``) reads this magic's formulas in that dialect (and its NaN policy);
  a ``# dialect:`` first line in a cell does the same. Definitions are kept as the alphalang they were read as.
- A mistake fails the cell (so "Run All" stops) and shows only the message with its caret and hint.
- ``%%alpha [-p PANEL] [-o VAR] [--wide] [--dialect D]`` runs the cell's statements and returns its outputs as one long
  DataFrame indexed by (date, asset) with a column per output (``--wide``: a dict of wide DataFrames);
  ``-o VAR`` also stores the result in ``VAR``. A cell holding one bare expression returns a wide DataFrame.

Example (in a notebook):
    %load_ext alphalang.notebook
    panel = alphalang.demo_panel()
    %alpha rank(delta(close, 5))

    %%alpha -o factors
    mom = rank(delta(close, 5))
    rev = -rank(returns)
"""

from __future__ import annotations

import argparse
from functools import cache
from typing import Any

from alphalang.errors import AlphaDataError, AlphaError, AlphaSyntaxError

__all__ = ["AlphaMagics", "load_ipython_extension", "unload_ipython_extension"]

try:
    from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
except ImportError:  # pragma: no cover - IPython is optional; the module still imports
    Magics = object

    def no_var_expand(fn):
        return fn

    def magics_class(cls):
        return cls

    def line_cell_magic(fn):
        return fn


USAGE = "%alpha [-p PANEL] [-o VAR] [--dialect D] EXPR  or  %%alpha [-p PANEL] [-o VAR] [--wide] [--dialect D]"
#: the magics' options: flag -> (destination, takes a value)
OPTIONS = {"-p": ("panel", True), "--panel": ("panel", True), "-o": ("out", True), "--out": ("out", True),
           "--wide": ("wide", False), "--dialect": ("dialect", True), "-d": ("dialect", True)}


def parse_options(line: str, expression: bool) -> tuple[argparse.Namespace, str]:
    """The leading options of a magic's line, and the rest (the expression of ``%alpha``).

    Options come first, as in ``w = %alpha --wide -p my rank(close)``; the expression is everything after
    them, untouched (so ``-rank(close)``, ``-1 * close`` and quotes are the formula's). ``%%alpha`` takes no
    rest. ``--wide`` is what ``%alpha`` returns anyway (a dates x assets frame).

    Example:
        >>> options, expr = parse_options("--wide -p my --dialect=qlib Mean($close, 5)", expression=True)
        >>> options.wide, options.panel, options.dialect, expr
        (True, 'my', 'qlib', 'Mean($close, 5)')
    """
    options = argparse.Namespace(panel=None, out=None, wide=False, dialect=None)
    rest = line.strip()
    while rest.startswith("-"):
        word, _, after = rest.partition(" ")
        flag, eq, value = word.partition("=")
        if flag not in OPTIONS:
            if expression and not flag.startswith("--"):
                break  # -close, -1 * close, -rank(close): the formula
            raise AlphaSyntaxError(f"unknown option {flag!r}", hint=f"usage: {USAGE}")
        dest, takes_value = OPTIONS[flag]
        after = after.strip()
        if takes_value and not eq:
            value, _, after = after.partition(" ")
        if takes_value and not value:
            raise AlphaSyntaxError(f"option {flag} needs a value", hint=f"usage: {USAGE}")
        if not takes_value and eq:
            raise AlphaSyntaxError(f"option {flag} takes no value", hint=f"usage: {USAGE}")
        setattr(options, dest, value if takes_value else True)
        rest = after.strip()
    if expression and not rest:
        raise AlphaSyntaxError("%alpha needs an expression", hint="e.g. %alpha rank(delta(close, 5))")
    if not expression and rest:
        raise AlphaSyntaxError(f"%%alpha takes only options on its first line, not {rest!r}",
                               hint=f"put the statements in the cell's body; usage: {USAGE}")
    return options, rest


class CellFailure:
    """Mixed into an ``AlphaError`` raised by a magic: IPython shows only the message (caret and hint), no
    traceback (its ``_render_traceback_`` protocol), and the cell fails, so "Run All" stops there."""

    def _render_traceback_(self) -> list[str]:
        return self.render().splitlines()


@cache
def _failing(kind: type) -> type:
    """``kind`` with ``CellFailure`` mixed in (same name, still an ``AlphaError`` subclass of ``kind``)."""
    return type(kind.__name__, (kind, CellFailure), {"__module__": kind.__module__})


def find_panel(namespace: dict[str, Any], name: str | None = None):
    """The Panel to evaluate against: ``namespace[name]``, else ``panel``, else the only Panel there is.

    ``-p NAME`` may also name a dict of fields (arrays or DataFrames, aligned on their labels as in ``Panel``)
    or an xarray Dataset.

    Example:
        >>> import alphalang
        >>> find_panel({"p": alphalang.demo_panel(5, 2)}).shape
        (5, 2)
    """
    from alphalang.data import Panel, as_panel

    if name is not None:
        if name not in namespace:
            raise AlphaDataError(f"no variable {name!r} in the notebook")
        try:
            return as_panel(namespace[name])
        except AlphaDataError as err:
            raise AlphaDataError(f"{name!r}: {err.message}", hint=err.hint) from None
    if isinstance(namespace.get("panel"), Panel):
        return namespace["panel"]
    panels = [k for k, v in namespace.items() if isinstance(v, Panel) and not k.startswith("_")]
    if len(panels) == 1:
        return namespace[panels[0]]
    if not panels:
        raise AlphaDataError("no Panel in the notebook to evaluate on",
                             hint="e.g. panel = alphalang.demo_panel() or alphalang.load_panel('data.parquet')")
    raise AlphaDataError(f"several Panels in the notebook ({', '.join(sorted(panels))})",
                         hint="choose one with -p NAME, or name it 'panel'")


@magics_class
class AlphaMagics(Magics):
    """``%alpha`` / ``%%alpha``, keeping one session of definitions per IPython shell."""

    def __init__(self, shell=None) -> None:
        super().__init__(shell)
        self.session = None

    def _session(self, panel):
        from alphalang.repl.session import Session

        if self.session is None:
            self.session = Session(panel, data_label="notebook panel")
        self.session.panel = panel
        return self.session

    @no_var_expand  # qlib's $close is a field, not IPython's $variable interpolation
    @line_cell_magic
    def alpha(self, line: str, cell: str | None = None):
        """``%alpha [-p PANEL] [-o VAR] [--dialect D] EXPR`` or ``%%alpha [-p PANEL] [-o VAR] [--wide]
        [--dialect D]`` + statements. A mistake fails the cell, showing the message alone (no traceback)."""
        try:
            return self._run(line, cell)
        except AlphaError as err:
            err.__class__ = _failing(type(err))
            raise err from None

    def _run(self, line: str, cell: str | None):
        namespace = self.shell.user_ns if self.shell is not None else {}
        options, expr = parse_options(line, expression=cell is None)
        session = self._session(find_panel(namespace, options.panel))
        before = session.dialect, session.nan
        if options.dialect:
            session.set_dialect(options.dialect)
        try:
            if cell is None:
                result = session.panel.to_wide(session.value(session.parse_expr(expr)))
            else:
                result = run_cell(session, cell, wide=options.wide)
        finally:
            session.dialect, session.nan = before
        if options.out:
            namespace[options.out] = result
        return result


def run_cell(session, text: str, wide: bool = False):
    """Add a cell's statements to ``session`` and return its outputs as pandas objects.

    Example:
        >>> from alphalang.repl.session import Session
        >>> s = Session(demo_days=10, demo_assets=3)
        >>> run_cell(s, "a = close\\nb = rank(a)").columns.tolist()
        ['a', 'b']
    """
    from alphalang.dialects import detect
    from alphalang.syntax import ast
    from alphalang.syntax.parse import parse_expr, parse_module, starts_statement

    filename = session.next_filename()
    dialect = detect(text, filename, session.dialect)  # the cell's '# dialect:' header, else the session's
    if not (dialect.equals_compares and starts_statement(text)):  # GTJA's 'x = ...' is a statement
        try:  # one bare expression: its wide frame (a module would name it ``alpha``)
            expr = parse_expr(text, filename, dialect)
        except AlphaSyntaxError:
            pass
        else:
            return session.panel.to_wide(session.value(session.canonical_expr(expr, filename, text, dialect)))
    module = parse_module(text, filename, session.dialect)
    session.add(session.canonical(module.statements, filename, text, module.dialect))
    names = list(dict.fromkeys(s.name for s in module.statements
                               if isinstance(s, ast.Assign) and not s.name.startswith("_")))
    if not names:
        return None
    program = session.compile(keep=names)
    results = program.run(session.panel)
    if wide:
        return {name: session.panel.to_wide(results[name]) for name in names}
    return session.panel.to_long({name: results[name] for name in names})


def load_ipython_extension(ipython) -> None:
    """Register ``%alpha`` and ``%%alpha`` (``%load_ext alphalang.notebook``)."""
    ipython.register_magics(AlphaMagics)


def unload_ipython_extension(ipython) -> None:
    """Nothing to undo beyond IPython's own bookkeeping."""
