"""IPython/Jupyter extension: ``%load_ext alphalang`` then ``%alpha EXPR`` and ``%%alpha`` cells.

Both evaluate against a ``Panel`` from the user namespace: the one named by ``-p NAME``, else the variable
``panel``, else the only Panel there is. Definitions made in ``%%alpha`` cells persist for later cells and
``%alpha`` lines (later definitions replace earlier ones), as in the REPL.

- ``%alpha EXPR`` returns a wide DataFrame (dates x assets).
- ``%%alpha [-p PANEL] [-o VAR] [--wide]`` runs the cell's statements and returns its outputs as one long
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
import shlex
from typing import Any

from alphalang.errors import AlphaDataError, AlphaError, AlphaSyntaxError

__all__ = ["AlphaMagics", "load_ipython_extension", "unload_ipython_extension"]

try:
    from IPython.core.magic import Magics, line_cell_magic, magics_class
except ImportError:  # pragma: no cover - IPython is optional; the module still imports
    Magics = object

    def magics_class(cls):
        return cls

    def line_cell_magic(fn):
        return fn


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%%alpha", add_help=False, exit_on_error=False)
    parser.add_argument("-p", "--panel", default=None)
    parser.add_argument("-o", "--out", default=None)
    parser.add_argument("--wide", action="store_true")
    return parser


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

    @line_cell_magic
    def alpha(self, line: str, cell: str | None = None):
        """``%alpha [-p PANEL] EXPR`` or ``%%alpha [-p PANEL] [-o VAR] [--wide]`` + statements."""
        try:
            return self._run(line, cell)
        except AlphaError as err:
            print(err.render())
            return None

    def _run(self, line: str, cell: str | None):
        namespace = self.shell.user_ns if self.shell is not None else {}
        if cell is None:
            options, expr = _split_line(line)
            session = self._session(find_panel(namespace, options.panel))
            return session.panel.to_wide(session.value(expr))
        try:
            options = _parser().parse_args(shlex.split(line))
        except (argparse.ArgumentError, SystemExit) as exc:
            raise AlphaSyntaxError(f"bad %%alpha options {line!r}: {exc}",
                                   hint="usage: %%alpha [-p PANEL] [-o VAR] [--wide]") from None
        session = self._session(find_panel(namespace, options.panel))
        result = run_cell(session, cell, wide=options.wide)
        if options.out:
            namespace[options.out] = result
        return result


def _split_line(line: str) -> tuple[argparse.Namespace, str]:
    """Leading ``-p NAME`` options, then the expression."""
    tokens = line.strip().split(None, 2)
    options = argparse.Namespace(panel=None)
    if tokens and tokens[0] in ("-p", "--panel") and len(tokens) >= 2:
        options.panel = tokens[1]
        line = tokens[2] if len(tokens) > 2 else ""
    if not line.strip():
        raise AlphaSyntaxError("%alpha needs an expression", hint="e.g. %alpha rank(delta(close, 5))")
    return options, line.strip()


def run_cell(session, text: str, wide: bool = False):
    """Add a cell's statements to ``session`` and return its outputs as pandas objects.

    Example:
        >>> from alphalang.repl.session import Session
        >>> s = Session(demo_days=10, demo_assets=3)
        >>> run_cell(s, "a = close\\nb = rank(a)").columns.tolist()
        ['a', 'b']
    """
    from alphalang.syntax import ast
    from alphalang.syntax.parse import parse_expr, parse_module

    filename = session.next_filename()
    try:  # one bare expression: its wide frame (a module would name it ``alpha``)
        return session.panel.to_wide(session.value(parse_expr(text, filename)))
    except AlphaSyntaxError:
        module = parse_module(text, filename)
    session.add(list(module.statements))
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
