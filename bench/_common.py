"""Shared benchmark helpers: timing (min of several runs), machine description, markdown tables.

Example:
    >>> best, n = best_time(lambda: sum(range(10)), repeat=2)
    >>> n
    2
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], repeat: int = 3, budget: float = 60.0) -> tuple[float, int]:
    """(min wall time over up to ``repeat`` runs, runs done); stops early once ``budget`` seconds are spent."""
    best = float("inf")
    spent = 0.0
    runs = 0
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best = min(best, took)
        spent += took
        runs += 1
        if spent > budget:
            break
    return best, runs


def machine() -> str:
    """One line: CPU model, cores, memory, Python and key library versions."""
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    versions = []
    for mod in ("numpy", "numba", "pandas", "bottleneck", "numbagg", "KunQuant"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001 - optional competitors
            try:
                out = subprocess.run(["pip", "show", mod], capture_output=True, text=True).stdout
                versions.append(f"{mod} {next(l.split()[1] for l in out.splitlines() if l.startswith('Version'))}")
            except Exception:  # noqa: BLE001
                versions.append(f"{mod} n/a")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, load {load:.1f}; Python "
            f"{platform.python_version()}; " + ", ".join(versions))


def table(header: list[str], rows: list[list[object]]) -> str:
    """A markdown table."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            if v != v:
                return "-"
            return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def isolated(cmd: list[str]) -> tuple[dict | None, str]:
    """Run a competitor's worker ``cmd`` in its own process, whose generated machine code may die on another CPU
    (an illegal instruction): ``(the JSON of its last stdout line, "")``, or ``(None, why it was not measured)``."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode < 0:
        sig = signal.Signals(-done.returncode).name
        return None, f"crashed ({'illegal instruction' if sig == 'SIGILL' else sig}) in its subprocess"
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def time_kunquant(module, inputs: dict, threads: list[int], repeat: int) -> tuple[dict[int, float], dict]:
    """KunQuant's best run time of ``module`` per thread count (each after a first run outside the timing), and
    the outputs of the first run (KunQuant's TS layout: inputs are (T, N) arrays)."""
    from KunQuant.runner import KunRunner as kr

    t = next(iter(inputs.values())).shape[0]
    seconds, out = {}, None
    for th in threads:
        executor = kr.createSingleThreadExecutor() if th == 1 else kr.createMultiThreadExecutor(th)
        first = kr.runGraph(executor, module, inputs, 0, t)
        out = first if out is None else out
        seconds[th], _ = best_time(lambda ex=executor: kr.runGraph(ex, module, inputs, 0, t), repeat)
    return seconds, out
