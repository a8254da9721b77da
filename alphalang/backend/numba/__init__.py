"""The fused numba backend: generated time-major kernels (one per output group), built from O(1) state kernels.

``prepare(plan, threads=1)`` follows the backend protocol (``-> executor(fields, groups, shape) -> outputs``);
``kernel_source(plan)`` is the generated source (``alphalang explain --kernel``); ``Stream`` advances a
program one date at a time with the same kernel.

Example:
    >>> import numpy as np
    >>> from alphalang.plan import build_plan, parse_module
    >>> plan = build_plan(parse_module("x = ts_mean(close, 2)"))
    >>> prepare(plan)({"close": np.array([[1.0], [3.0]])}, {}, (2, 1))["x"][:, 0]
    array([nan,  2.])
"""

from __future__ import annotations

import importlib
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from alphalang.backend.numba import partition
from alphalang.backend.numba.codegen import Kernel, generate
from alphalang.plan import Plan

__all__ = ["compile_plan", "kernel_source", "prepare"]

# Compiled dispatchers by kernel digest, least recently used first: a REPL session or a loop over thousands of
# formulas keeps at most MEMO_SIZE of them (numba's own cache keeps the machine code on disk).
MEMO_SIZE = 256
_KERNELS: OrderedDict[str, Any] = OrderedDict()

# ``loader`` and ``executor`` import (and so compile) the kernel families: only running a kernel needs them,
# not generating its source (``kernel_source``).
_LAZY = ("executor", "loader", "stream")


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def compile_plan(plan: Plan) -> tuple[Kernel, object]:
    """The generated kernel of a plan and its numba dispatcher (memoised by kernel digest, ``MEMO_SIZE``)."""
    from alphalang.backend.numba import loader

    kernel = generate(plan)
    fn = _KERNELS.get(kernel.digest)
    if fn is None:
        fn = loader.load(kernel)
        _KERNELS[kernel.digest] = fn
        while len(_KERNELS) > MEMO_SIZE:
            sys.modules.pop(loader.module_name(_KERNELS.popitem(last=False)[0]), None)
    else:
        _KERNELS.move_to_end(kernel.digest)
    return kernel, fn


def _compile_parts(plan: Plan) -> list[tuple[Plan, Kernel, object]]:
    """Every output group's plan, kernel and dispatcher."""
    return [(part, *compile_plan(part)) for part in partition.split(plan)]


def kernel_source(plan: Plan) -> str:
    """The generated Python source of the plan's kernels (one per output group, see ``partition``)."""
    parts = partition.split(plan)
    if len(parts) == 1:
        return generate(plan).source
    return "\n\n".join(f"# ---- kernel {k + 1} of {len(parts)}: {', '.join(part.outputs)}\n\n{generate(part).source}"
                       for k, part in enumerate(parts))


def prepare(plan: Plan, threads: int = 1) -> Callable[..., dict[str, np.ndarray]]:
    """The backend protocol: ``prepare(plan) -> executor(fields, groups, shape) -> {output: (T, N)}``.

    Each output group (``partition.split``) runs its own kernel. With ``threads > 1`` several groups run side
    by side; a single group splits time into chunks instead. Windows longer than the data are clamped to it
    and the total operator state is bounded (``executor.windows``, ``executor.check_state_size``)."""
    if int(threads) < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    threads = int(threads)
    started = time.perf_counter()
    from alphalang.backend.numba import loader

    with loader.reported(since=started):  # the kernel families compile on their first import on a machine
        from alphalang.backend.numba import executor

        parts = _compile_parts(plan)
    compiled = [(kernel, fn) for _, kernel, fn in parts]
    loader.ready(compiled)  # compile (or load) them now, each reported (``alphalang.backend.compiling``)

    def execute(fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                shape: tuple[int, int]) -> dict[str, np.ndarray]:
        from alphalang.backend.numba.kernels import quiet_objmode

        with quiet_objmode():  # a kernel's first call compiles (or loads) it: numba's objmode note is noise
            return run_parts(fields, groups, shape)

    def run_parts(fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                  shape: tuple[int, int]) -> dict[str, np.ndarray]:
        executor.check_state_size([(part, kernel) for part, kernel, _ in parts], shape[1], shape[0])
        if len(compiled) == 1:
            kernel, fn = compiled[0]
            return executor.run(kernel, fn, fields, groups, shape, threads)
        results: dict[str, np.ndarray] = {}
        groups = {level: executor.dense_labels(labels)[0] for level, labels in groups.items()}  # once, not per kernel
        if threads == 1:
            for kernel, fn in compiled:
                results.update(executor.run(kernel, fn, fields, groups, shape, 1))
        else:
            with ThreadPoolExecutor(threads) as pool:  # kernels release the GIL
                for part in pool.map(lambda kf: executor.run(kf[0], kf[1], fields, groups, shape, 1), compiled):
                    results.update(part)
        return {name: results[name] for name in plan.outputs}

    return execute
