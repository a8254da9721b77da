"""Generate one readable, time-major fused numba kernel per plan.

The kernel loops over rows; for each row it evaluates every node in a schedule that keeps runs of elementwise
nodes together, so each run becomes one loop over assets with one line (and one scalar) per node. Time-series
nodes call their state kernel's ``push`` on a row, cross-sectional and group nodes call a row kernel. Values
that outlive their run live in a few reusable row buffers (``rows[slot]``, assigned by liveness); only outputs
are written to (T, N) arrays. Every emitted line ends with a comment naming the node's formula.

The source is built only from registry templates, kernel-family names, numbers formatted by ``repr(float)``
and sanitised identifiers; user text never reaches it (comments are stripped of line breaks).

Example:
    >>> from alphalang.plan import build_plan, parse_module
    >>> kernel = generate(build_plan(parse_module("a = rank(close - open)")))
    >>> print(kernel.source.splitlines()[-4])
                v3 = (f0_close[r, i] - f1_open[r, i])  # %3 (close - open)
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

import numba

import alphalang
from alphalang.backend.numba.lowering import FAMILIES, lower
from alphalang.ops import lookup
from alphalang.plan import Plan

LEAVES = ("field", "group", "const")
STAGE_NODES = 48  # nodes per stage function
JIT_LINE = '@njit(cache=True, nogil=True, error_model="numpy")'


@dataclass(frozen=True)
class StateSlot:
    """One stateful node's state: its kernel family and the window (or, for ts_ema, 0)."""

    node: int
    family: str
    window: int


@dataclass(frozen=True)
class Kernel:
    """A generated kernel and what the executor needs to call it."""

    name: str
    source: str
    digest: str
    fields: tuple[str, ...]  # argument order of the field arrays
    groups: tuple[str, ...]  # argument order of the group-label arrays
    outputs: tuple[str, ...]  # order of the output block's first axis
    states: tuple[StateSlot, ...]
    n_rows: int  # row buffers
    lookback: int  # rows of history every output needs (time-chunking overlap)
    has_unbounded: bool  # an operator without a finite window (ts_ema): no time chunking


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


def schedule(plan: Plan) -> list[int]:
    """Topological order of the non-leaf nodes that keeps elementwise nodes in long consecutive runs."""
    nodes = plan.graph.nodes
    todo = [i for i, n in enumerate(nodes) if n.op not in LEAVES]
    waiting = {i: sum(1 for a in set(nodes[i].args) if nodes[a].op not in LEAVES) for i in todo}
    users: dict[int, list[int]] = {i: [] for i in todo}
    for i in todo:
        for a in set(nodes[i].args):
            if nodes[a].op not in LEAVES:
                users[a].append(i)
    ready = sorted(i for i in todo if waiting[i] == 0)
    order: list[int] = []
    elementwise = True
    while ready:
        same = [i for i in ready if _is_elementwise(nodes[i].op) == elementwise]
        if not same:
            elementwise = not elementwise
            continue
        node = same[0]
        ready.remove(node)
        order.append(node)
        for u in users[node]:
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
        ready.sort()
    return order


def _is_elementwise(op: str) -> bool:
    return lower(op).kind == "elementwise"


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
        self.group_arg = {g: f"g{k}_{_identifier(g)}" for k, g in enumerate(self.groups)}
        self.out_index: dict[int, list[int]] = {}
        for k, name in enumerate(self.outputs):
            self.out_index.setdefault(plan.outputs[name], []).append(k)
        self.slot: dict[int, int] = {}
        self.free: list[int] = []
        self.n_rows = 0
        self.states: list[StateSlot] = []
        self.lines: list[str] = []
        self.chunks: list[list[str]] = []  # the lines of each block, in schedule order
        self.families: set[str] = {"crosssection"}  # the workspace comes from crosssection

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
            if a in self.slot and last_use.get(a, -1) <= position:
                self.free.append(self.slot.pop(a))
        self.free.sort(reverse=True)

    def row(self, node_id: int) -> str:
        """A whole row (N,) of a node's value, for a row or state kernel."""
        node = self.nodes[node_id]
        if node.op == "field":
            return f"{self.field_arg[node.params[0]]}[r]"
        if node.op == "group":
            arg = self.group_arg[node.params[0]]
            return f"{arg}[min(r, {arg}.shape[0] - 1)]"
        return f"rows[{self.slot[node_id]}]"

    def scalar(self, node_id: int, block: set[int]) -> str:
        """One asset's value of a node inside an elementwise loop."""
        node = self.nodes[node_id]
        if node.op == "const":
            return literal(node.params[0])
        if node.op == "field":
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
        body = ["        for i in range(n):"]
        for node_id in block:
            node = self.nodes[node_id]
            template = lookup(node.op).lowering
            expr = template.format(*(self.scalar(a, members) for a in node.args))
            body.append(f"            v{node_id} = {expr}  # {self.describe(node_id)}")
            if node_id in self.slot:
                body.append(f"            rows[{self.slot[node_id]}, i] = v{node_id}")
            for k in self.out_index.get(node_id, ()):
                body.append(f"            if keep:\n                out[{k}, r, i] = v{node_id}")
        self.lines.extend(body)

    def emit_call(self, node_id: int) -> None:
        node = self.nodes[node_id]
        low = lower(node.op)
        args = [self.row(a) for a in node.args]
        slot = self.alloc(node_id)
        out = f"rows[{slot}]"
        fam = low.family
        self.families.add(fam)
        if low.kind == "window":
            k = len(self.states)
            d = int(node.params[0])
            self.states.append(StateSlot(node_id, fam, d))
            call = (f"{fam}.push(fs[fo[{k}]:fo[{k + 1}]], is_[io[{k}]:io[{k + 1}]], t, {d}, {fam}.{low.mode}, "
                    f"{', '.join(args)}, {out})")
        elif low.kind == "ema":
            k = len(self.states)
            self.states.append(StateSlot(node_id, fam, 0))
            decay = 0.5 ** (1.0 / float(node.params[0]))  # exactly the reference's decay
            call = f"ema.push(fs[fo[{k}]:fo[{k + 1}]], is_[io[{k}]:io[{k + 1}]], t, {literal(decay)}, {args[0]}, {out})"
        elif low.kind == "row":
            consts = [literal(p) for p in node.params]
            call = f"crosssection.{low.mode}({', '.join(args + consts)}, {out}" + (", ws)" if low.mode == "rank" else ")")
        else:  # group
            call = f"group.push({args[0]}, {args[1]}, group.{low.mode}, {out}, ws, n_groups)"
        self.lines.append(f"        {call}  # {self.describe(node_id)}")
        for k in self.out_index.get(node_id, ()):
            self.lines.append(f"        if keep:\n            out[{k}, r] = {out}")

    def emit_leaf_outputs(self) -> None:
        for node_id, ks in self.out_index.items():
            if self.nodes[node_id].op == "field":
                for k in ks:
                    self.lines.append(f"        if keep:\n            out[{k}, r] = {self.row(node_id)}  "
                                      f"# {self.describe(node_id)}")

    # -- driver ----------------------------------------------------------------------------------------
    def run(self) -> Kernel:
        order = schedule(self.plan)
        position = {node_id: p for p, node_id in enumerate(order)}
        blocks: list[list[int]] = []
        for node_id in order:
            if _is_elementwise(self.nodes[node_id].op) and blocks and _is_elementwise(self.nodes[blocks[-1][0]].op):
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
        self.emit_leaf_outputs()
        for block in blocks:
            self.chunks.append(self.lines)
            self.lines = []
            if _is_elementwise(self.nodes[block[0]].op):
                self.emit_elementwise(block, needs_row)
            else:
                self.emit_call(block[0])
            done = [a for node_id in block for a in self.nodes[node_id].args] + block
            self.release(done, position[block[-1]], last_use)
        self.chunks.append(self.lines)
        return self.assemble()

    def stages(self) -> list[list[str]]:
        """Blocks packed into stage functions of about STAGE_NODES nodes (compile time grows faster than
        linearly with function size; a stage is one row of a slice of the schedule)."""
        stages: list[list[str]] = [[]]
        weight = 0
        for chunk in self.chunks:
            if not chunk:
                continue
            nodes = sum(1 for line in chunk if "  # %" in line)
            if weight and weight + nodes > STAGE_NODES:
                stages.append([])
                weight = 0
            stages[-1].extend(line[4:] for line in "\n".join(chunk).split("\n"))
            weight += nodes
        return [s for s in stages if s]

    def assemble(self) -> Kernel:
        field_args = [self.field_arg[f] for f in self.fields]
        group_args = [self.group_arg[g] for g in self.groups]
        data = ", ".join([*field_args, *group_args, "n_groups", "out", "rows", "fs", "is_", "fo", "io"])
        signature = f"t_base, r0, r1, w0, n, {data}"
        stage_args = f"t, r, keep, n, {data}, ws"
        imports = [f for f in FAMILIES if f in self.families]
        header = [
            f'"""Fused alphalang kernel: {len(self.outputs)} outputs, {len(self.nodes)} nodes (generated; do not edit).',
            "",
            "Arguments: rows r0..r1-1 of the inputs are processed (absolute row t = t_base + r); outputs are written",
            "for r >= w0. fs/is_ are the flat float/int state buffers, state k spans fs[fo[k]:fo[k+1]].",
            "Outputs: " + _comment(", ".join(f"{k}={name}" for k, name in enumerate(self.outputs)))[:2000],
            '"""',
            "",
            "import math",
            "",
            "from numba import njit",
            "",
            f"from alphalang.backend.numba.kernels import {', '.join(imports)}",
            "from alphalang.backend.numba.kernels import elementwise as ew",
            "",
            f"# alphalang {alphalang.__version__}, numba {numba.__version__}",
            "",
            "",
        ]
        stages = self.stages()
        for k, lines in enumerate(stages):
            header += [JIT_LINE, f"def stage{k}({stage_args}):", *lines, "", ""]
        header += [
            JIT_LINE,
            f"def KERNEL_NAME({signature}):",
            "    ws = crosssection.workspace(n, n_groups)",
            "    for r in range(r0, r1):",
            "        t = t_base + r",
            "        keep = r >= w0",
            *(f"        stage{k}({stage_args})" for k in range(len(stages))),
        ]
        body = "\n".join(header) + "\n"
        digest = hashlib.sha256(body.encode()).hexdigest()
        name = f"fused_{digest[:12]}"
        source = body.replace("KERNEL_NAME", name)
        lookback = max(self.plan.lookbacks, default=0)
        unbounded = any(s.family == "ema" for s in self.states)
        return Kernel(name, source, digest[:24], self.fields, self.groups, self.outputs, tuple(self.states),
                      self.n_rows, lookback, unbounded)
