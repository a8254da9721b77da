"""What the REPL does with one input: a statement, a bare expression, or a ``:command``.

``execute(session, text) -> str`` returns the text to show; it raises ``AlphaError`` for user mistakes
(shown with a caret, the session goes on) and ``QuitRepl`` for ``:quit``.

Example:
    >>> from alphalang.repl.session import Session
    >>> s = Session(demo_days=40, demo_assets=5)
    >>> print(execute(s, "x = ts_mean(close, 3)"))
    x: lookback 2
    >>> "lookback" in execute(s, "rank(x)")
    True
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alphalang.dialects import DIALECTS
from alphalang.errors import AlphaDataError, AlphaError, AlphaNameError, AlphaSyntaxError
from alphalang.repl.habits import as_command, habit_word
from alphalang.repl.session import VALUE_NAME, Session, is_blank
from alphalang.suggest import suggest
from alphalang.syntax import ast
from alphalang.syntax.printer import to_text

__all__ = ["COMMANDS", "QuitRepl", "execute"]


BACKENDS = ("auto", "reference", "numba")


class QuitRepl(Exception):
    """Raised by ``:quit``."""


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    run: Callable[[Session, str], str]
    aliases: tuple[str, ...] = ()
    #: what the argument is, for completion: "expr", "settings" (EXPR then SETTING=VALUE), "path", "name" or ""
    arg: str = ""
    choices: tuple[str, ...] = ()  # the words the argument is one of (completed as typed)


COMMANDS: dict[str, Command] = {}


def command(name: str, usage: str, help: str, aliases: tuple[str, ...] = (), arg: str = "",
            choices: tuple[str, ...] = ()):
    def wrap(fn: Callable[[Session, str], str]) -> Callable[[Session, str], str]:
        spec = Command(name, usage, help, fn, aliases, arg, choices)
        for key in (name, *aliases):
            COMMANDS[key] = spec
        return fn

    return wrap


def execute(session: Session, text: str) -> str:
    """Run one input (possibly several lines) and return what to print."""
    stripped = text.strip()
    if is_blank(text):
        return ""
    habit = as_command(text)  # rank?, ?rank, quit, exit, help (unless the session defines that word)
    if habit and habit_word(text) not in session.defined_names():
        stripped = habit
    if stripped.startswith(":"):
        name, _, rest = stripped[1:].partition(" ")
        name = name.strip().lower()
        spec = COMMANDS.get(name)
        if spec is None:
            close = suggest(name, COMMANDS, n=1, show=lambda c: f":{c}")
            hint = f"{close} " if close else ""
            raise AlphaSyntaxError(f"unknown command ':{name}'", hint=hint + "type :help for the list")
        return spec.run(session, rest.strip())
    node = session.read(text.rstrip().removesuffix("\\"))
    if isinstance(node, ast.Expr):
        return show_value(session, node)
    return session.describe_added([node], session.add([node]))


# ---- expressions ---------------------------------------------------------------------------------------
def _label(expr: ast.Expr, width: int = 60) -> str:
    """The expression as the user typed it (their dialect's spelling, whitespace collapsed), cut to ``width``."""
    span = expr.span
    text = " ".join(span.text[span.start:span.end].split()) if span.text else to_text(expr)
    return text if len(text) <= width else text[: width - 3] + "..."


def _expr_arg(session: Session, text: str, what: str) -> ast.Expr:
    """The command's expression; without one, the last formula evaluated (as typing it again would)."""
    if not text.strip():
        if session.last_expr is not None:
            return session.last_expr
        raise AlphaSyntaxError(f"{what} needs an expression", hint=f"e.g. {what} rank(delta(close, 5))")
    return session.parse_expr(text)


def show_value(session: Session, expr: ast.Expr, rows: int = 5, assets: int = 6) -> str:
    """The summary of a bare expression: statistics after warm-up and the last rows for a few assets."""
    from alphalang.summary import format_table, summarize

    program = session.expr_program(expr)
    values = program.run(session.panel)[VALUE_NAME]
    session.last_expr = expr
    lookback = program.lookback[VALUE_NAME]
    summary = summarize({_label(expr, 40): values}, {_label(expr, 40): lookback})
    t, n = values.shape
    tail = session.panel.to_wide(values).iloc[-rows:, : min(assets, n)]
    tail.index = [_date(d) for d in tail.index]
    lines = [f"{t} dates x {n} assets", format_table(summary), "",
             f"last {len(tail)} dates, {tail.shape[1]} of {n} assets:",
             tail.to_string(float_format=lambda v: f"{v:.4g}")]
    return "\n".join(lines)


def _slug(expr: ast.Expr) -> str:
    """A file-name-safe stem for an expression's chart."""
    return re.sub(r"[^A-Za-z0-9]+", "_", _label(expr, 200)).strip("_")[:40] or "expr"


def _date(value) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


# ---- commands -------------------------------------------------------------------------------------------
@command("help", ":help [OPERATOR | :COMMAND]", "list commands, or show an operator's signature and doc",
         aliases=("h", "?"), arg="name")
def _help(session: Session, arg: str) -> str:
    from alphalang.ops import callable_ops, lookup

    arg = arg.strip()
    if not arg:
        seen, lines = set(), ["Type a formula to evaluate it, or a statement (x = ..., def f(a) = ..., import m)",
                              "to keep it. Inputs with an open '(' continue on the next line. Commands",
                              "(without EXPR they use the last formula you evaluated):"]
        for spec in COMMANDS.values():
            if spec.name not in seen:
                seen.add(spec.name)
                lines.append(f"  {spec.usage:<34} {spec.help}")
        by_category: dict[str, list[str]] = {}
        for op in callable_ops():
            if not op.symbol:
                by_category.setdefault(op.category or "other", []).append(op.name)
        lines.append("Operators (:help NAME for details):")
        for category, names in sorted(by_category.items()):
            lines.append(f"  {category}: {', '.join(sorted(names))}")
        lines.append(f"Fields: {', '.join(session.field_names())}; groups: "
                     f"{', '.join('IndClass.' + g for g in session.group_levels()) or 'none'}")
        return "\n".join(lines)
    if arg.startswith(":"):
        spec = COMMANDS.get(arg[1:].lower())
        if spec is None:
            raise AlphaNameError(f"unknown command '{arg}'", hint="type :help for the list")
        return f"{spec.usage}\n  {spec.help}"
    spec = lookup(arg)
    if spec is not None:
        lines = [spec.signature() + (f"    (also: {', '.join(spec.aliases)})" if spec.aliases else ""),
                 f"  kind: {spec.result.value}" + (f", {spec.category}" if spec.category not in
                                                    ("", spec.result.value) else ""),
                 "  " + spec.doc.strip().replace("\n", "\n  ")]
        if spec.nan_rule:
            lines.append(f"  NaN: {spec.nan_rule}")
        if spec.example:
            lines.append(f"  example: {spec.example}")
        return "\n".join(lines)
    funcs = session.functions()
    if arg.lower() in funcs:
        return to_text(funcs[arg.lower()])
    if arg.lower() in session.field_names():
        return f"{arg}: a field of the data"
    from alphalang.ops.registry import all_names

    raise AlphaNameError(f"no operator, command or function named {arg!r}",
                         hint=suggest(arg.lower(), all_names(), show=str) or "type :help for the list")


@command("quit", ":quit", "leave the REPL (also Ctrl-D)", aliases=("q", "exit"))
def _quit(session: Session, arg: str) -> str:
    raise QuitRepl


@command("load", ":load FILE.alpha", "add every definition of a .alpha file to the session", arg="path")
def _load(session: Session, arg: str) -> str:
    if not arg:
        raise AlphaSyntaxError(":load needs a file name", hint="e.g. :load examples/my_alphas.alpha")
    return session.load(_path(arg))


@command("data", ":data PATH | demo [DAYS ASSETS SEED]", "load data (parquet/CSV, long form) or the demo market",
         arg="path")
def _data(session: Session, arg: str) -> str:
    from alphalang.data import demo_panel, load_panel

    parts = shlex.split(arg)
    if not parts:
        return session.set_panel(session.panel, session.data_label)
    if parts[0].lower() == "demo":
        try:
            days, assets, seed = ([int(p) for p in parts[1:4]] + [500, 100, 0][len(parts) - 1:])[:3]
        except ValueError:
            raise AlphaSyntaxError(":data demo takes whole numbers: DAYS ASSETS SEED") from None
        return session.set_panel(demo_panel(days, assets, seed),
                                 f"demo market ({days} dates x {assets} assets, seed {seed})")
    path = _path(parts[0])
    return session.set_panel(load_panel(path), str(path))


def _path(text: str) -> Path:
    parts = shlex.split(text)
    if len(parts) != 1:
        raise AlphaSyntaxError(f"expected one file name, got {text!r}", hint="quote names with spaces")
    return Path(parts[0]).expanduser()


@command("describe", ":describe [EXPR]", "distribution, coverage and warm-up of an expression", arg="expr")
def _describe(session: Session, arg: str) -> str:
    from alphalang.evaluation.stats import row_quantiles

    expr = _expr_arg(session, arg, ":describe")
    program = session.expr_program(expr)
    values = program.run(session.panel)[VALUE_NAME]
    lookback = program.lookback[VALUE_NAME]
    t, n = values.shape
    after = values[min(lookback, t):]
    finite = np.isfinite(after)
    per_date = finite.sum(axis=1)
    lines = [_label(expr, 100), f"  data: {session.data_label}; {t} dates x {n} assets",
             f"  lookback: {lookback} dates of warm-up; reads {', '.join(program.fields) or 'no fields'}"
             + (f"; groups {', '.join(program.groups)}" if program.groups else "")]
    if after.size == 0:
        return "\n".join(lines + ["  no dates after the warm-up"])
    warm = values[: min(lookback, t)]
    lines.append(f"  after warm-up: {finite.mean():.1%} finite, {np.isnan(after).mean():.1%} NaN, "
                 f"{np.isinf(after).sum()} inf; finite assets per date min {per_date.min()} / "
                 f"median {int(np.median(per_date))} / max {per_date.max()}")
    if warm.size:
        lines.append(f"  during warm-up: {np.isfinite(warm).mean():.1%} finite")
    vals = after[finite]
    if vals.size:
        qs = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0]
        quant = np.quantile(vals, qs)
        lines.append(f"  mean {vals.mean():.4g}  std {vals.std():.4g}  distinct values {np.unique(vals).size}")
        lines.append("  quantiles: " + "  ".join(f"{int(q * 100)}% {v:.4g}" for q, v in zip(qs, quant, strict=True)))
        band = row_quantiles(after, [0.5])[:, 0]
        with np.errstate(invalid="ignore"):
            spread = np.nanstd(np.where(finite, after, np.nan), axis=1)
        flat = int(np.sum((spread == 0) & (per_date > 1)))
        lines.append(f"  cross-section: median over dates of the per-date median {np.nanmedian(band):.4g}; "
                     f"{flat} dates with a constant cross-section")
    return "\n".join(lines)


def _split_assets(session: Session, arg: str) -> tuple[str, list]:
    """Peel trailing asset labels off ``EXPR ASSET...``."""
    labels = {str(a): a for a in session.panel.assets}
    tokens = arg.split()
    assets = []
    while tokens and tokens[-1] in labels and (len(tokens) > 1 or session.last_expr is not None):
        assets.insert(0, labels[tokens.pop()])
    return " ".join(tokens), assets


@command("plot", ":plot [EXPR] [ASSET...]", "write a PNG of an expression over time (a few assets + cross-section)",
         arg="expr")
def _plot(session: Session, arg: str) -> str:
    import pandas as pd

    from alphalang.evaluation.stats import row_quantiles
    from alphalang.report import require_matplotlib

    text, assets = _split_assets(session, arg)
    expr = _expr_arg(session, text, ":plot")
    values = session.value(expr)
    wide = session.panel.to_wide(values)
    if not assets:
        assets = list(session.panel.assets[: min(5, session.panel.n_assets)])
    band = pd.DataFrame(row_quantiles(values, [0.1, 0.5, 0.9]), index=wide.index)
    session.plots += 1
    path = session.plot_dir / f"plot-{session.plots}-{_slug(expr)}.png"
    require_matplotlib().series_figure(wide[assets], path, _label(expr, 90), band=band)
    return f"wrote {path}"


_HORIZON = re.compile(r"\s--?h(?:orizons?)?(?:=|\s+)([\d,\s]+)$")


@command("ic", ":ic [EXPR] [--horizon 1,5,20]", "IC, rank IC, quantile returns and turnover vs forward returns",
         arg="expr")
def _ic(session: Session, arg: str) -> str:
    from alphalang.evaluation import analyze, parse_horizons
    from alphalang.summary import format_table

    horizons: str | tuple = (1, 5, 20)
    match = _HORIZON.search(" " + arg)
    if match:
        horizons = parse_horizons(match.group(1))
        arg = (" " + arg)[: match.start()].strip()
    expr = _expr_arg(session, arg, ":ic")
    program = session.expr_program(expr)
    values = program.run(session.panel)[VALUE_NAME]
    if not session.panel.has_field("close"):
        raise AlphaDataError("the data has no 'close' field to compute forward returns from")
    a = analyze({"alpha": values}, session.panel, horizons=horizons, lookback={"alpha": program.lookback[VALUE_NAME]},
                correlation=False, decay_lags=10)
    rows = []
    for h in a.horizons:
        r = a.ic.loc[("alpha", h)]
        rows.append({"horizon": str(h), "ic": r["ic_mean"], "rank_ic": r["rank_ic_mean"], "std": r["rank_ic_std"],
                     "t": r["rank_ic_t"], "t_nw": r["rank_ic_t_nw"], "ir": r["rank_ic_ir"],
                     "dates": int(r["n_dates"])})
    overlapping = [str(h) for h in a.horizons if h > 1]
    q = a.quantile_returns.loc["alpha"] * 1e4
    q_rows = [{"quantile": str(i), **{f"{h}d bps": float(q.loc[i, h]) for h in a.horizons}} for i in q.index]
    m = a.alphas.loc["alpha"]
    decay = a.decay.loc["alpha"]
    return "\n".join([
        _label(expr, 100),
        format_table(rows, ("horizon", "ic", "rank_ic", "std", "t", "t_nw", "ir", "dates")),
        "(std, t and ir are the rank IC's over dates; t = mean / (std / sqrt(dates)), as if dates were independent;"
        " t_nw = Newey-West t with h - 1 lags)",
        *([f"horizon {', '.join(overlapping)}: forward returns of neighbouring dates overlap, so t overstates "
           "significance (~sqrt(h)); read t_nw"] if overlapping else []), "",
        "mean forward return by quantile (demeaned):",
        format_table(q_rows, ("quantile", *[f"{h}d bps" for h in a.horizons])), "",
        f"rank IC decay (k = 0..{len(decay) - 1}): " + " ".join(f"{v:+.3f}" for v in decay.to_numpy()),
        f"turnover top {m['turnover_top']:.3f} bottom {m['turnover_bottom']:.3f}; rank autocorrelation "
        f"{m['autocorr']:.3f}; long-short Sharpe {m['ls_sharpe']:.2f}; coverage {m['coverage']:.1%}",
    ])


@command("sim", ":sim [EXPR] [SETTING=VALUE ...]", "simulate the book: metrics, yearly table, PnL chart (PNG)",
         arg="settings")
def _sim(session: Session, arg: str) -> str:
    from alphalang.repl.sim import chartable, check_prices, format_simulation, split_settings
    from alphalang.report import require_matplotlib
    from alphalang.simulation import simulate
    from alphalang.simulation.settings import resolve

    text, given = split_settings(arg)
    resolve(given)  # a misspelt or bad setting fails before any evaluation
    expr = _expr_arg(session, text, ":sim")
    check_prices(session.panel)
    sim = simulate(session.value(expr), session.panel, **given)
    sim.name = _label(expr, 60)
    chart = None
    if chartable(sim):
        require_matplotlib()
        session.plots += 1
        chart = session.plot_dir / f"sim-{session.plots}-{_slug(expr)}.png"
        chart.parent.mkdir(parents=True, exist_ok=True)
        sim.plot(str(chart))
    return format_simulation(sim, _label(expr, 100), chart)


@command("explain", ":explain [EXPR]", "the checked graph after all passes, lookback, and generated kernel source",
         arg="expr")
def _explain(session: Session, arg: str) -> str:
    expr = _expr_arg(session, arg, ":explain")
    program = session.expr_program(expr)
    lines = [f"canonical: {to_text(expr)}", f"lookback: {program.lookback[VALUE_NAME]}; fields: "
             f"{', '.join(program.fields) or 'none'}" + (f"; groups: {', '.join(program.groups)}"
                                                        if program.groups else ""),
             "graph after passes (node, lookback, expression):",
             program.explain().replace(f"-> {VALUE_NAME}", "-> result")]
    try:
        lines += ["generated kernel:", program.kernel_source().replace(VALUE_NAME, "result")]
    except ImportError:
        lines.append("kernel: the numba backend is not available in this build")
    except Exception as exc:  # noqa: BLE001 - the backend is optional; explain the rest anyway
        lines.append(f"kernel: not available ({type(exc).__name__}: {exc})")
    return "\n".join(lines)


@command("time", ":time [EXPR]", "compile and run times of an expression", arg="expr")
def _time(session: Session, arg: str) -> str:
    expr = _expr_arg(session, arg, ":time")
    start = time.perf_counter()
    program = session.expr_program(expr)
    compiled = time.perf_counter()
    program.run(session.panel)
    first = time.perf_counter()
    runs = []
    budget = first + 2.0
    while len(runs) < 5 and (not runs or time.perf_counter() < budget):
        t0 = time.perf_counter()
        program.run(session.panel)
        runs.append(time.perf_counter() - t0)
    t, n = session.panel.shape
    compiles = " (includes compiling its kernels)" if program.backend == "numba" else ""
    return (f"check {_ms(compiled - start)}, first run{compiles} {_ms(first - compiled)}, best of {len(runs)} "
            f"runs {_ms(min(runs))} ({program.backend} backend, {session.backend_now()[1]}; {t} x {n})")


@command("backend", ":backend [auto | reference | numba]", "show or choose the evaluation backend "
         "(auto: numba from 200,000 cells)", choices=BACKENDS)
def _backend(session: Session, arg: str) -> str:
    from alphalang.repl.session import AUTO_NUMBA_CELLS

    choice = arg.strip().lower()
    if choice:
        if choice not in BACKENDS:
            raise AlphaSyntaxError(f"unknown backend {arg.strip()!r}", hint="choose auto, reference or numba")
        session.backend = choice
    name, why = session.backend_now()
    return (f"backend {session.backend}: {name} evaluates ({why}); auto picks numba from "
            f"{AUTO_NUMBA_CELLS:,} cells (dates x assets), where compiling pays")


@command("dialect", f":dialect [{' | '.join(DIALECTS)}]", "read the following inputs in a formula "
         "dialect (kept as alphalang)", choices=tuple(DIALECTS))
def _dialect(session: Session, arg: str) -> str:
    if not arg.strip():
        return f"dialect {session.dialect}; dialects: {', '.join(DIALECTS)}"
    return session.set_dialect(arg.strip())


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


@command("save", ":save FILE.alpha", "write the session's definitions to a .alpha file", arg="path")
def _save(session: Session, arg: str) -> str:
    from alphalang.program import compile as compile_program
    from alphalang.repl.saving import session_source

    if not arg:
        raise AlphaSyntaxError(":save needs a file name", hint="e.g. :save my_session.alpha")
    if not session.defined_names():
        example = to_text(session.last_expr) if session.last_expr is not None else "rank(delta(close, 5))"
        raise AlphaSyntaxError("nothing to save: the session has no definitions yet",
                               hint=f"give the formula a name first, e.g. alpha = {example}")
    path = _path(arg)
    if path.suffix != ".alpha":
        path = path.with_suffix(path.suffix + ".alpha") if path.suffix else path.with_suffix(".alpha")
    text = session_source(session.statements)
    try:
        compile_program(text if text.strip() else "x = 1", fields=session.panel.fields)
    except AlphaError as err:  # should not happen; say so rather than write a broken file silently
        raise AlphaSyntaxError(f"the saved module would not check: {err.message}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    kept = sum(1 for s in session.statements if not isinstance(s, ast.Import))
    return f"wrote {path} ({len(session.defined_names())} names from {kept} definitions)"


@command("list", ":list", "the session's definitions, the data's fields and group levels", aliases=("defs",))
def _list(session: Session, arg: str) -> str:
    from alphalang.repl.saving import session_source

    body = session_source(session.statements, header=False).rstrip()
    return "\n".join([body or "(no definitions yet)",
                      f"# data: {session.data_label}",
                      f"# fields: {', '.join(session.field_names())}",
                      f"# groups: {', '.join('IndClass.' + g for g in session.group_levels()) or 'none'}"])


@command("reset", ":reset", "forget every definition of the session")
def _reset(session: Session, arg: str) -> str:
    n = len(session.statements)
    session.statements.clear()
    return f"forgot {n} statements"
