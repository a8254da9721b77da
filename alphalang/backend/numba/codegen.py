"""Generate one readable, time-major fused numba kernel per plan.

The kernel loops over rows; for each row it evaluates every node in a schedule that keeps runs of elementwise
nodes together, so each run becomes one loop over assets with one line (and one scalar) per node. Each run of
one family's time-series / cross-sectional / group nodes becomes one call of that family's runner
(``kernels.table.run_<family>``, through ``call_<family>``) over rows of the kernel's node table (one commented
line per node above the call). The kernel's source asks ``table.callers`` for exactly the families it uses, so
only those are compiled (once per machine), and the generated code stays small, so it compiles in seconds.
Values that outlive their run live in a few reusable row buffers (``rows[slot]``, assigned by liveness); only
outputs are written to (T, N) arrays.

The source is built only from registry templates, kernel-family names, numbers formatted by ``repr(float)``
and sanitised identifiers; user text (output names, node descriptions) reaches it only inside ``#`` comments
stripped of line breaks, so no name can end a comment or a string and inject code.

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> kernel = generate(build_plan(parse_module("a = rank(close - open)")))
    >>> print(kernel.source.splitlines()[-4])
                v2 = (f0_close[r, i] - f1_open[r, i])  # %2 (close - open)
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from dataclasses import dataclass
from importlib.metadata import version

import alphalang
from alphalang.backend.numba.families import CODES, FAMILY, FINGERPRINT, Kind
from alphalang.backend.numba.halo import exact_halo
from alphalang.backend.numba.lowering import lower
from alphalang.errors import AlphaTypeError
from alphalang.ir import GROUP, Leaf
from alphalang.ops import ArgKind, lookup
from alphalang.passes.nanpolicy import skip_reference, window_of
from alphalang.plan import Plan

NUMBA_VERSION = version("numba")  # named in the kernel header (read from the metadata: numba is not imported)


@dataclass(frozen=True)
class StateSlot:
    """One stateful node's state: its kernel family and the window (or, for ts_ema, 0)."""

    node: int
    family: str
    window: int
    skip: bool = False  # computed under the NaN policy skip (its window is never clamped: ``executor.windows``)


@dataclass(frozen=True)
class Kernel:
    """A generated kernel and what the executor needs to call it."""

    name: str
    source: str
    digest: str
    fields: tuple[str, ...]  # argument order of the field arrays
    groups: tuple[str, ...]  # order of the group levels in the stacked label array
    outputs: tuple[str, ...]  # order of the output block's first axis
    states: tuple[StateSlot, ...]
    table: tuple[tuple[int, ...], ...]  # node table rows (families.COLUMNS)
    consts: tuple[float, ...]  # constants the table refers to
    n_rows: int  # row buffers
    lookback: int  # rows of history every output needs (time-chunking overlap)
    has_unbounded: bool  # an operator of a ``Kind.STATE`` family (no finite window: ts_ema, hump): no time chunking
    nan: str = "strict"  # the plan's NaN policy (``passes.nanpolicy``), checked when a stream state is restored
    halo: int = 0  # rows a time chunk re-reads for exactly one run's bits (``halo.exact_halo``; >= lookback)


def _identifier(text: str) -> str:
    return re.sub(r"[^0-9a-zA-Z_]", "_", text).lower()[:24]


def _comment(text: str) -> str:
    return re.sub(r"[\r\n\x00-\x1f\x7f\u2028\u2029\x85]", " ", text)


def literal(value: float) -> str:
    """A float as Python source that reads back to exactly the same value."""
    v = float(value)
    if math.isnan(v):
        return "math.nan"
    if math.isinf(v):
        return "math.inf" if v > 0 else "(-math.inf)"
    text = repr(v)
    return f"({text})" if text.startswith("-") else text


def static_numbers(op: str, params: tuple, skip: int) -> tuple[float, ...]:
    """A node's statics after the first ``skip`` as the floats of the ``consts`` array (a CHOICE string as its
    index in the parameter's choices).

    Example:
        >>> static_numbers("inverse_cdf", ("cauchy",), 0)
        (2.0,)
    """
    statics = [p for p in lookup(op).params if p.carried]
    return tuple(float(p.choices.index(v)) if p.kind is ArgKind.CHOICE else float(v)
                 for p, v in zip(statics[skip:], params[skip:], strict=True))


def schedule(plan: Plan) -> list[int]:
    """Topological order of the non-leaf nodes that keeps elementwise nodes in long consecutive runs, and the
    other nodes of one kernel family together where the order allows (each stretch is one runner call)."""
    nodes = plan.graph.nodes
    todo = [i for i, n in enumerate(nodes) if not n.is_leaf]
    waiting = {i: sum(1 for a in set(nodes[i].args) if not nodes[a].is_leaf) for i in todo}
    users: dict[int, list[int]] = {i: [] for i in todo}
    for i in todo:
        for a in set(nodes[i].args):
            if not nodes[a].is_leaf:
                users[a].append(i)
    ready = sorted(i for i in todo if waiting[i] == 0)
    order: list[int] = []
    elementwise = True
    family = ""
    while ready:
        same = [i for i in ready if _is_elementwise(nodes[i].op) == elementwise]
        if not same:
            elementwise = not elementwise
            continue
        node = next((i for i in same if lower(nodes[i].op).family == family), same[0])
        family = lower(nodes[node].op).family
        ready.remove(node)
        order.append(node)
        for u in users[node]:
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
        ready.sort()
    return order


def _is_elementwise(op: str) -> bool:
    return lower(op).kind is Kind.ELEMENTWISE


def generate(plan: Plan) -> Kernel:
    """The fused kernel for a plan (source and calling convention)."""
    return _Generator(plan).run()


class _Generator:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.nodes = plan.graph.nodes
        self.fields = plan.fields
        self.groups = plan.groups
        self.outputs = tuple(plan.outputs)
        self.field_arg = {f: f"f{k}_{_identifier(f)}" for k, f in enumerate(self.fields)}
        self.out_index: dict[int, list[int]] = {}
        for k, name in enumerate(self.outputs):
            self.out_index.setdefault(plan.outputs[name], []).append(k)
        self.slot: dict[int, int] = {}
        self.free: list[int] = []
        self.n_rows = 0
        self.states: list[StateSlot] = []
        self.table: list[tuple[int, ...]] = []
        self.consts: list[float] = []
        self.lines: list[str] = []
        self.families: list[str] = []  # the kernel families the node table uses, in first-use order
        self.uses_ew = False  # whether a registry template calls an ``ew.`` helper (``kernels.elementwise``)
        self.row_labels = any(n.kind == GROUP and not n.is_leaf for n in self.nodes)  # bucket, densify

    # -- helpers ---------------------------------------------------------------------------------------
    def describe(self, node_id: int) -> str:
        return _comment(f"%{node_id} {self.plan.graph.describe(node_id, 90)}")

    def alloc(self, node_id: int) -> int:
        slot = self.free.pop() if self.free else self.n_rows
        self.n_rows = max(self.n_rows, slot + 1)
        self.slot[node_id] = slot
        return slot

    def release(self, node_ids, position: int, last_use: dict[int, int]) -> None:
        """Return the row buffers of nodes with no use after ``position`` to the free list."""
        for a in set(node_ids):
            if a in self.slot and last_use.get(a, -1) <= position and self.nodes[a].op != Leaf.FIELD:
                self.free.append(self.slot.pop(a))
        self.free.sort(reverse=True)

    def scalar(self, node_id: int, block: set[int]) -> str:
        """One asset's value of a node inside an elementwise loop."""
        node = self.nodes[node_id]
        if node.op == Leaf.CONST:
            return literal(node.params[0])
        if node.op == Leaf.FIELD:
            return f"{self.field_arg[node.params[0]]}[r, i]"
        if node_id in block:
            return f"v{node_id}"
        return f"rows[{self.slot[node_id]}, i]"

    # -- emitters --------------------------------------------------------------------------------------
    def emit_elementwise(self, block: list[int], needs_row: set[int]) -> None:
        members = set(block)
        for node_id in block:
            if node_id in needs_row:
                self.alloc(node_id)
        self.lines.append("        for i in range(n):")
        for node_id in block:
            node = self.nodes[node_id]
            template = lookup(node.op).lowering
            self.uses_ew = self.uses_ew or "ew." in template
            expr = template.format(*(self.scalar(a, members) for a in node.args),
                                   *map(literal, static_numbers(node.op, node.params, 0)))
            self.lines.append(f"            v{node_id} = {expr}  # {self.describe(node_id)}")
            if node_id in self.slot:
                self.lines.append(f"            rows[{self.slot[node_id]}, i] = v{node_id}")
            for k in self.out_index.get(node_id, ()):
                self.lines.append(f"            if keep:\n                out[{k}, r, i] = v{node_id}")

    def label_source(self, node_id: int) -> int:
        """The level column for a group argument: an ``IndClass`` level's index, or -1 - the row buffer holding a
        label-valued operator's output (``bucket``, ``densify``; ``kernels.table`` reads it back)."""
        node = self.nodes[node_id]
        return self.groups.index(node.params[0]) if node.op == Leaf.GROUP else -1 - self.slot[node_id]

    def skip_periods(self, node_id: int, family) -> int:
        """Under the NaN policy skip, the valid values the node's window needs (0: strict, or an operator the
        policy does not change); an ``AlphaTypeError`` if its kernel family has no skip modes."""
        node = self.nodes[node_id]
        spec = lookup(node.op)
        if not self.plan.nan.skip or skip_reference(spec) is None:
            return 0
        if not family.skip:
            raise AlphaTypeError(f'{node.op} has no numba kernel for nan="skip" yet',
                                 self.plan.graph.spans.get(node_id),
                                 hint='run this program with backend="reference", or with nan="strict"')
        return self.plan.nan.periods(window_of(spec, node.params))

    def table_row(self, node_id: int, consumed: bool) -> str:
        """Add one node to the node table (``consumed``: another node reads it); returns its comment line."""
        node = self.nodes[node_id]
        low = lower(node.op)
        series = [a for a in node.args if self.nodes[a].kind != GROUP]
        level = [self.label_source(a) for a in node.args if self.nodes[a].kind == GROUP]
        ins = [self.slot[a] for a in series] + [-1, -1]
        out = self.alloc(node_id)
        state = const = -1
        family = FAMILY[low.family]
        periods = self.skip_periods(node_id, family)
        mode = family.mode_code(low.mode, periods)
        window = family.window(node.params) if family.stateful else -1
        if family.stateful:
            state = len(self.states)
            self.states.append(StateSlot(node_id, low.family, window, periods > 0))
        values = family.consts(node.params) if family.consts else static_numbers(node.op, node.params,
                                                                                  1 if low.kind is Kind.WINDOW else 0)
        values = (*values, *map(float, level[1:]))  # a second group argument's label source (groups2.CARTESIAN)
        if values:
            const = len(self.consts)
            self.consts.extend(values)
        outputs = self.out_index.get(node_id, [])
        direct = int(len(outputs) == 1 and not consumed)
        self.table.append((CODES[low.family], mode, window, ins[0], ins[1], out, state,
                           outputs[0] if outputs else -1, level[0] if level else -1, const, direct))
        what = f"{low.family}.{low.mode}" + (f" d={window}" if low.kind is Kind.WINDOW else "")
        args = ", ".join(f"rows[{i}]" for i in ins if i >= 0)
        target = f"out[{outputs[0]}] (kept rows; else rows[{out}])" if direct else f"rows[{out}]"
        line = f"        # [{len(self.table) - 1}] {target} = {what}({args})  {self.describe(node_id)}"
        return line + "".join(f"\n        if keep:\n            out[{k}, r] = rows[{out}]" for k in outputs[1:])

    def emit_table_run(self, run: list[int], position: dict[int, int], last_use: dict[int, int]) -> None:
        """One call of a family's runner per stretch of the run's nodes of that family (``call_<family>``)."""
        for family, stretch in itertools.groupby(run, key=lambda node_id: lower(self.nodes[node_id].op).family):
            if family not in self.families:
                self.families.append(family)
            start = len(self.table)
            comments = []
            for node_id in stretch:
                comments.append(self.table_row(node_id, node_id in last_use))
                self.release([*self.nodes[node_id].args, node_id], position[node_id], last_use)
            self.lines.extend(c.split("\n")[0] for c in comments)
            self.lines.append(f"        call_{family}(prog, {start}, {len(self.table)}, t, r, keep, rows, fs, is_, fo, "
                              "io, consts, groups, n_groups, ws, out)")
            for c in comments:
                self.lines.extend(c.split("\n")[1:])

    # -- driver ----------------------------------------------------------------------------------------
    def run(self) -> Kernel:
        order = schedule(self.plan)
        position = {node_id: p for p, node_id in enumerate(order)}
        blocks: list[list[int]] = []
        for node_id in order:
            if blocks and _is_elementwise(self.nodes[node_id].op) == _is_elementwise(self.nodes[blocks[-1][0]].op):
                blocks[-1].append(node_id)
            else:
                blocks.append([node_id])
        block_of = {node_id: b for b, block in enumerate(blocks) for node_id in block}
        last_use: dict[int, int] = {}
        needs_row: set[int] = set()
        for node_id in order:
            for a in self.nodes[node_id].args:
                if a in position:
                    last_use[a] = max(last_use.get(a, -1), position[node_id])
                    if not (_is_elementwise(self.nodes[node_id].op) and block_of[a] == block_of[node_id]):
                        needs_row.add(a)
        # fields read by table nodes get a row buffer, filled at the start of every row
        table_fields = sorted({a for n in order if not _is_elementwise(self.nodes[n].op)
                               for a in self.nodes[n].args if self.nodes[a].op == Leaf.FIELD})
        for a in table_fields:
            self.lines.append(f"        rows[{self.alloc(a)}] = {self.field_arg[self.nodes[a].params[0]]}[r]  "
                              f"# {self.describe(a)}")
        for node_id, ks in self.out_index.items():
            if self.nodes[node_id].op == Leaf.FIELD:
                arg = self.field_arg[self.nodes[node_id].params[0]]
                self.lines.extend(f"        if keep:\n            out[{k}, r] = {arg}[r]" for k in ks)
        for block in blocks:
            if _is_elementwise(self.nodes[block[0]].op):
                self.emit_elementwise(block, needs_row)
                done = [a for node_id in block for a in self.nodes[node_id].args] + block
                self.release(done, position[block[-1]], last_use)
            else:
                self.emit_table_run(block, position, last_use)
        return self.assemble()

    def assemble(self) -> Kernel:
        field_args = [self.field_arg[f] for f in self.fields]
        for family in self.families:  # family names become identifiers (``call_<family>``): validate them
            if not re.fullmatch(r"[a-z][a-z0-9_]*", family) or family not in FAMILY:
                raise ValueError(f"kernel family {family!r} is not a declared identifier")
        # only the row-wide families use the row kernels' workspace: other kernels import no row-kernel module
        rowwise = any(FAMILY[f].kind in (Kind.ROW, Kind.GROUP) for f in self.families)
        imports = [*(["crosssection"] if rowwise else []), "table", *(["elementwise as ew"] if self.uses_ew else [])]
        callers = ["", f"{', '.join(f'call_{f}' for f in self.families)}, = table.callers("
                   f"{', '.join(repr(f) for f in self.families)},)"] if self.families else []
        # labels read from a row buffer are renumbered per row to at most n (``group.row_labels``)
        width = "max(n_groups, n)" if self.row_labels else "n_groups"
        workspace = f"    ws = {'crosssection.workspace' if rowwise else 'table.no_workspace'}(n, {width})"
        signature = ", ".join(["t_base", "r0", "r1", "w0", "n", *field_args, "groups", "n_groups", "out", "rows",
                               "fs", "is_", "fo", "io", "prog", "consts"])
        header = [
            f'"""Fused alphalang kernel: {len(self.outputs)} outputs, {len(self.nodes)} nodes. Generated: do not edit.',
            "",
            "Rows r0..r1-1 of the inputs are processed (absolute row t = t_base + r); outputs are written for",
            "r >= w0. Elementwise nodes are the loops below; each '# [k]' comment is row k of the node table",
            "``prog`` that the following ``call_<family>`` (its family's runner) executes. State k spans",
            "fs[fo[k]:fo[k+1]].",
            "The loader compiles KERNEL_NAME with numba.njit(**JIT_OPTIONS) (cached only in a trusted cache).",
            '"""',
            "",
            "# Outputs: " + _comment(", ".join(f"{k}={name}" for k, name in enumerate(self.outputs)))[:2000],
            "",
            "import math",
            "",
            *(f"from alphalang.backend.numba.kernels import {m}" for m in imports),
            "",
            f"# alphalang {alphalang.__version__}, numba {NUMBA_VERSION}, kernels {FINGERPRINT}",
            *([f"# NaN policy: {self.plan.nan}"] if self.plan.nan.skip else []),  # never shared with strict
            *callers,
            "",
            "",
            f"def KERNEL_NAME({signature}):",
            workspace,
            "    for r in range(r0, r1):",
            "        t = t_base + r",
            "        keep = r >= w0",
        ]
        table_text = "# node table: " + repr(self.table) + " consts: " + repr(self.consts)
        body = "\n".join(header + self.lines) + "\n"
        digest = hashlib.sha256((body + table_text).encode()).hexdigest()
        name = f"fused_{digest[:12]}"
        source = body.replace("KERNEL_NAME", name)
        lookback = max(self.plan.lookbacks, default=0)
        unbounded = any(FAMILY[s.family].kind is Kind.STATE for s in self.states)  # recursions: no finite window
        return Kernel(name, source, digest[:24], self.fields, self.groups, self.outputs, tuple(self.states),
                      tuple(self.table), tuple(self.consts), self.n_rows, lookback, unbounded, str(self.plan.nan),
                      exact_halo(self.plan))
