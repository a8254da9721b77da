"""The public compile/evaluate API: ``compile(source) -> Program``; ``Program.run(panel) -> {name: (T, N)}``.

Example:
    >>> import alphalang
    >>> panel = alphalang.demo_panel(60, 8, seed=1)
    >>> program = alphalang.compile("mom = rank(delta(close, 5))\\nvol = ts_std(returns, 20)")
    >>> program.outputs, program.lookback
    (('mom', 'vol'), {'mom': 5, 'vol': 20})
    >>> program.run(panel)["mom"].shape
    (60, 8)
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from alphalang import dialects
from alphalang.errors import AlphaDataError, AlphaSyntaxError, AlphaTypeError
from alphalang.ir import Leaf
from alphalang.passes.fields import Skipped, describe_skipped, skipped_outputs
from alphalang.passes.nanpolicy import NanPolicy, nan_policy
from alphalang.passes.profile import get_profile
from alphalang.plan import Plan, build_plan, derivation_plan
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_expr, parse_module, read_source

BACKENDS = {"reference": "alphalang.backend.reference.evaluate", "numba": "alphalang.backend.numba"}
DEFAULT_BACKEND = "numba"
DEFAULT_OUTPUT = "alpha"
MISSING = ("error", "skip")  # what run() does with outputs whose fields or group levels the data lacks


class Program:
    """A checked module: its outputs, their lookbacks, and ``run`` on a panel.

    ``keep`` restricts the program to some of the module's outputs; ``allow_redefinition`` lets a later
    statement replace a name (the REPL's rule); ``nan``/``min_periods`` choose the NaN policy of its window
    statistics (``passes.nanpolicy``: ``"strict"`` or ``"skip"``; default: the module's dialect's, ``strict``
    except for qlib). ``missing="skip"`` evaluates only the outputs the data can feed (``available``) and reads
    a name defined nowhere as a field the data may lack; ``"error"`` (the default) stops at the first missing one.
    """

    def __init__(self, module: ast.Module, *, backend: str = DEFAULT_BACKEND, profile: str = "paper",
                 fields: Iterable[str] = (), base_dir: Path | None = None, keep: Iterable[str] | None = None,
                 allow_redefinition: bool = False, nan: str | NanPolicy | None = None, min_periods: int | None = None,
                 missing: str = "error", **backend_options) -> None:
        self.module = module
        self.missing = _check_missing(missing)
        self.skipped: dict[str, Skipped] = {}  # outputs left out by ``available``, with what they lack
        self._parts: dict[tuple[frozenset[str], frozenset[str]], Program] = {}
        self.nan = nan_policy(dialects.get(module.dialect).nan if nan is None else nan, min_periods)
        self.keep = tuple(keep) if keep else None
        self.allow_redefinition = allow_redefinition
        self.profile = get_profile(profile)
        self.backend = _check_backend(backend)
        self.backend_options = backend_options
        self.base_dir = base_dir
        self.extra_fields = frozenset(f.lower() for f in fields)
        self.plan = self._plan(frozenset())
        self._executors: dict[object, object] = {}
        self._plans: dict[object, Plan] = {}  # the kernel plan and the derivation plans (``kernel_plan``)

    def _plan(self, supplied: frozenset[str]) -> Plan:
        plan = build_plan(self.module, self.profile, self.extra_fields, supplied, self.base_dir,
                          self.allow_redefinition, self.nan, self.missing == "skip")
        return plan if self.keep is None else plan.restrict(self.keep)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.plan.outputs)

    @property
    def lookback(self) -> dict[str, int]:
        """Warm-up rows per output (with derived fields such as ``returns`` computed from ``close``)."""
        return self.plan.output_lookback

    @property
    def fields(self) -> tuple[str, ...]:
        """The data fields the program reads (derived fields expanded)."""
        return self.plan.fields

    @property
    def groups(self) -> tuple[str, ...]:
        return self.plan.groups

    def plan_for(self, available: Iterable[str]) -> Plan:
        """The plan for data holding ``available`` fields: derivable fields it supplies are read, not derived."""
        supplied = frozenset(f.lower() for f in available) & self.plan.derived
        return self.plan if not supplied else self._plan(supplied)

    def available(self, fields: Iterable[str], groups: Iterable[str] = ()) -> Program:
        """This program restricted to the outputs that data holding ``fields`` and group levels ``groups`` can
        feed; ``.skipped`` maps each other output to what it lacks (``passes.fields.Skipped``), and
        ``.skipped_lines()`` says so grouped. Itself when nothing is skipped, or when nothing is left (``run``
        then reports the first missing field).

        Example:
            >>> p = compile("a = rank(cap)\\nb = a * close\\nc = ts_mean(close, 5)", backend="reference")
            >>> part = p.available(["close"])
            >>> part.outputs, part.skipped_lines()
            (('c',), ['skipped 1 output lacking cap: a', 'skipped 1 output using skipped a (lacking cap): b'])
        """
        key = (frozenset(f.lower() for f in fields), frozenset(g.lower().removeprefix("indclass.") for g in groups))
        if key not in self._parts:
            plan = self.plan_for(key[0])
            skipped = skipped_outputs(plan.graph, plan.outputs, *key)
            keep = tuple(name for name in self.outputs if name not in skipped)
            self._parts[key] = self if not skipped or not keep else self._part(keep, skipped)
        return self._parts[key]

    def _part(self, keep: tuple[str, ...], skipped: dict[str, Skipped]) -> Program:
        part = copy.copy(self)
        for name, value in vars(part).items():  # caches (executors, parts) are its own, never its parent's
            if name.startswith("_") and isinstance(value, dict):
                setattr(part, name, {})
        part.keep, part.plan, part.skipped = keep, self.plan.restrict(keep), {**self.skipped, **skipped}
        return part

    def skipped_lines(self) -> list[str]:
        """``skipped``, one line per kind of lack: ``skipped 7 outputs lacking cap: alpha056, ...``."""
        return describe_skipped(self.skipped, self.extra_fields)

    def run(self, panel, **options) -> dict[str, np.ndarray]:
        """Evaluate every output on a ``Panel``, a mapping of field name -> (T, N) array or DataFrame (aligned on
        labels as ``Panel`` does), or an xarray Dataset; with ``missing="skip"``, every output the data can feed
        (``available``)."""
        panel = _as_panel(panel)
        if self.missing == "skip" and (part := self.available(panel.fields, panel.groups)) is not self:
            return part.run(panel, **options)
        plan = self.kernel_plan
        _bind(plan, panel, dict.fromkeys(self.plan.derived))  # what the data lacks is an error before any compile
        fields, groups = _bind(plan, panel, self._derived_inputs(plan, panel, options))
        return self._executor("kernel", plan, options)(fields, groups, panel.shape)

    @property
    def kernel_plan(self) -> Plan:
        """The plan the backend compiles: every derivable field the formulas use (``returns``, ``adv{d}``) is an
        input, computed before the kernels when the data lacks it, so one program compiles the same kernels
        whatever optional fields its data holds."""
        if "kernel" not in self._plans:
            self._plans["kernel"] = self._plan(self.plan.derived) if self.plan.derived else self.plan
        return self._plans["kernel"]

    def _derived_inputs(self, plan: Plan, panel, options: dict) -> dict[str, np.ndarray]:
        """The derivable fields ``plan`` reads that ``panel`` lacks, computed by one derivation plan of all the
        derivable fields it reads (``plan.derivation_plan``: the same kernel for every dataset that can feed it;
        else the plan of the missing ones only)."""
        names = tuple(f for f in plan.fields if f in self.plan.derived)
        missing = tuple(f for f in names if not panel.has_field(f))
        if not names:
            return {}
        derive = self._derivation(names, plan)
        if not all(panel.has_field(f) for f in derive.fields):
            if not missing:
                return {}
            names, derive = missing, self._derivation(missing, plan)
        fields, groups = _bind(derive, panel)
        values = self._executor(names, derive, options)(fields, groups, panel.shape)
        return {name: values[name] for name in missing}

    def _derivation(self, names: tuple[str, ...], plan: Plan) -> Plan:
        if names not in self._plans:  # errors point at the formula's use of the derived field
            spans = {name: plan.first_use(Leaf.FIELD, name) for name in names}
            self._plans[names] = derivation_plan(names, self.profile, self.nan, spans)
        return self._plans[names]

    def _executor(self, key, plan: Plan, options: dict):
        """The backend's executor of ``plan`` (kept under ``key``; run options such as ``threads`` make a new one)."""
        if options:
            return _backend_module(self.backend).prepare(plan, **{**self.backend_options, **options})
        if key not in self._executors:
            self._executors[key] = _backend_module(self.backend).prepare(plan, **self.backend_options)
        return self._executors[key]

    def explain(self) -> str:
        """The checked graph: one line per node with its lookback, outputs marked."""
        graph = self.plan.graph
        names = {node_id: name for name, node_id in self.plan.outputs.items()}
        lines = []
        for node_id, node in enumerate(graph.nodes):
            if node.op == Leaf.CONST:
                continue
            mark = f"  -> {names[node_id]}" if node_id in names else ""
            lines.append(f"%{node_id:<4} lookback {self.plan.lookbacks[node_id]:<4} {graph.describe(node_id, 100)}"
                         f"{mark}")
        return "\n".join(lines)

    def kernel_source(self) -> str:
        """The fused numba kernel source generated for this program (``kernel_plan``: derived fields such as
        ``returns`` are its inputs; ImportError without the numba backend)."""
        from alphalang.backend.numba import kernel_source

        return kernel_source(self.kernel_plan)

    def run_chunked(self, source, chunk_rows: int | None = None, client=None, out=None, **options):
        """``run`` in time chunks on dask.distributed, bit-identical (``alphalang.distributed.run_chunked``)."""
        from alphalang.distributed import run_chunked

        return run_chunked(self, source, chunk_rows, client, out, **options)

    def stream(self, panel_history=None, *, state=None):
        """A ``Stream`` that advances every output one date at a time (numba backend, O(1) per update).

        ``panel_history`` (a ``Panel`` or mapping) is pushed through first, so the next ``step`` continues
        right after its last row; its group labels are kept for later steps. ``state`` (a file written by
        ``stream.save_state(path)``, or a ``StreamState``) restores a saved stream of this program instead,
        checked against it before any kernel runs.
        Example: ``s = program.stream(history); s.save_state("s.npz"); program.stream(state="s.npz").step(row)``
        """
        from alphalang.backend.numba.stream import Stream

        if state is not None:
            if panel_history is not None:
                raise AlphaDataError("pass either panel_history or state to stream(), not both")
            return Stream.load(state, self)
        if panel_history is None:
            return Stream(self.plan)
        panel = _as_panel(panel_history)
        plan = self.plan_for(panel.fields)
        fields, groups = _bind(plan, panel)
        stream = Stream(plan, groups={k: np.asarray(v)[-1] for k, v in groups.items()})
        stream.advance(fields, groups, keep=False)
        return stream

    def __repr__(self) -> str:
        policy = "" if not self.nan.skip else f", nan={str(self.nan)!r}"
        return f"Program(outputs={len(self.outputs)}, backend={self.backend!r}, profile={self.profile.name!r}{policy})"


def _check_missing(missing: str) -> str:
    if missing not in MISSING:
        raise AlphaTypeError(f"unknown missing={missing!r}", hint=f"choose one of {', '.join(MISSING)}")
    return missing


def _check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise AlphaTypeError(f"unknown backend {name!r}", hint=f"choose one of {', '.join(BACKENDS)}")
    return name


def _backend_module(name: str):
    try:
        return importlib.import_module(BACKENDS[name])
    except ModuleNotFoundError as exc:
        if name == "reference" or exc.name not in (BACKENDS[name], "alphalang.backend.numba"):
            raise
        return None


def _as_panel(panel):
    """A Panel from what ``run``/``evaluate``/``stream`` were given (DataFrames aligned on their labels)."""
    from alphalang.data import as_panel

    return as_panel(panel)


def _bind(plan: Plan, panel, derived: dict[str, np.ndarray] | None = None,
          ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    fields = dict(derived or {})
    for name in plan.fields:
        if name in fields:
            continue
        if not panel.has_field(name):
            span = plan.first_use(Leaf.FIELD, name)
            have = ", ".join(sorted(panel.fields)) or "none"
            raise AlphaDataError(f"the data has no field {name!r}", span, hint=f"fields in the data: {have}")
        fields[name] = panel.field(name)
    groups = {}
    for level in plan.groups:
        if not panel.has_group(level):
            span = plan.first_use(Leaf.GROUP, level)
            have = ", ".join(sorted(panel.groups)) or "none"
            raise AlphaDataError(f"the data has no group level {level!r}", span,
                                 hint=f"group levels in the data: {have}")
        groups[level] = panel.group(level)
    return fields, groups


SOURCE_SUFFIXES = (".alpha", ".qlib", ".gtja", ".brain")  # a string ending so (one line) is a path


def library_path(name: str) -> Path | None:
    """The stdlib formula library a bare name means (``alpha158`` -> ``stdlib/alpha158.alpha``), if any and no
    file of that name exists here.

    >>> library_path("wq101").name, library_path("rank(close)")
    ('wq101.alpha', None)
    """
    from alphalang.resources import stdlib_dir

    if not name.isidentifier() or Path(name).exists():
        return None
    path = stdlib_dir() / f"{name}.alpha"
    return path if path.is_file() else None


def _read_source(source: str | Path) -> tuple[str, str, Path | None]:
    """(text, filename, directory) for a path, a stdlib library's name, or a formula text."""
    if isinstance(source, str):
        source = library_path(source) or source
    if isinstance(source, Path) or (isinstance(source, str) and source.endswith(SOURCE_SUFFIXES)
                                    and "\n" not in source):
        path = Path(source)
        return read_source(path), str(path), path.resolve().parent
    if not isinstance(source, str):
        raise AlphaSyntaxError(f"expected formula text or a path, got {type(source).__name__}")
    return source, "<string>", None


def load_module(source: str | Path, dialect: str | None = None) -> tuple[ast.Module, Path | None]:
    """Parse a path or text in its dialect (its ``# dialect:`` header or extension, else ``dialect``, else
    alphalang). Text that is one bare expression becomes a module with one output, ``alpha``."""
    text, filename, base_dir = _read_source(source)
    try:
        return parse_module(text, filename, dialect), base_dir
    except AlphaSyntaxError as module_error:
        chosen = dialects.detect(text, filename, dialect)
        try:
            expr = parse_expr(text, filename, chosen)
        except AlphaSyntaxError:
            raise module_error from None
        return ast.Module((ast.Assign(DEFAULT_OUTPUT, expr, expr.span),), filename, text, chosen.name), base_dir


def compile(source: str | Path, backend: str = DEFAULT_BACKEND, profile: str = "paper",  # noqa: A001
            fields: Iterable[str] = (), nan: str | NanPolicy | None = None, min_periods: int | None = None,
            dialect: str | None = None, missing: str = "error", **backend_options) -> Program:
    """Parse and check a ``.alpha`` file or formula text.

    ``fields`` names extra data fields the formulas may use beyond the standard ones
    (open high low close volume vwap cap returns adv{d}). ``nan="skip"`` computes window statistics over the
    valid values of each window, NaN when fewer than ``min_periods`` (default 1) are valid; ``"strict"`` (the
    default): any missing value in the window gives NaN (docs/semantics.md, "NaN policy"). ``missing="skip"``:
    ``run`` evaluates the outputs whose fields and group levels the data has and leaves out the others
    (``Program.available``, docs/data.md); ``"error"`` (the default): a missing field is an error.
    """
    module, base_dir = load_module(source, dialect)
    return Program(module, backend=backend, profile=profile, fields=fields, base_dir=base_dir, nan=nan,
                   min_periods=min_periods, missing=missing, **backend_options)


def evaluate(expr: str, panel, backend: str = DEFAULT_BACKEND, profile: str = "paper",
             nan: str | NanPolicy | None = None, min_periods: int | None = None, dialect: str | None = None,
             **options) -> np.ndarray:
    """Evaluate one expression on a panel; any field of the panel may be used; ``nan``/``min_periods`` as in
    ``compile``.

    Example: ``evaluate("rank(delta(close, 5))", alphalang.demo_panel())``,
    ``evaluate("ts_mean(close, 5)", panel, nan="skip", min_periods=3)``
    """
    panel = _as_panel(panel)
    node = parse_expr(expr, "<expr>", dialect)
    module = ast.Module((ast.Assign(DEFAULT_OUTPUT, node, node.span),), "<expr>", expr,
                        dialects.detect(expr, "<expr>", dialect).name)
    program = Program(module, backend=backend, profile=profile, fields=panel.fields, nan=nan,
                      min_periods=min_periods)
    return program.run(panel, **options)[DEFAULT_OUTPUT]
