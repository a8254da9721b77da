"""The fused numba backend: one generated time-major kernel per plan, built from O(1) state kernels.

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

from collections.abc import Callable

import numpy as np

from alphalang.backend.numba import executor, loader
from alphalang.backend.numba.codegen import Kernel, generate
from alphalang.plan import Plan

__all__ = ["compile_plan", "kernel_source", "prepare"]

_KERNELS: dict[int, tuple[Plan, Kernel, object]] = {}


def compile_plan(plan: Plan) -> tuple[Kernel, object]:
    """The generated kernel of a plan and its numba dispatcher (memoised per plan object)."""
    found = _KERNELS.get(id(plan))
    if found is not None and found[0] is plan:
        return found[1], found[2]
    kernel = generate(plan)
    fn = loader.load(kernel)
    _KERNELS[id(plan)] = (plan, kernel, fn)
    return kernel, fn


def kernel_source(plan: Plan) -> str:
    """The generated Python source of the plan's fused kernel."""
    return generate(plan).source


def prepare(plan: Plan, threads: int = 1) -> Callable[..., dict[str, np.ndarray]]:
    """The backend protocol: ``prepare(plan) -> executor(fields, groups, shape) -> {output: (T, N)}``."""
    if int(threads) < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    kernel, fn = compile_plan(plan)

    def execute(fields: dict[str, np.ndarray], groups: dict[str, np.ndarray],
                shape: tuple[int, int]) -> dict[str, np.ndarray]:
        return executor.run(kernel, fn, fields, groups, shape, int(threads))

    return execute
