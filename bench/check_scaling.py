"""Checking time against module size: parse + check (resolve, fold, CSE, prune, lookback) of generated modules.

Each module repeats the 101 formulas of ``stdlib/wq101.alpha`` under new names, and every tenth statement
combines two earlier definitions, so names, spans and scopes are all exercised. Linear checking means the
time per statement stays flat as the module grows. Times are CPU seconds of this process
(``time.process_time``), so other work on a shared machine does not inflate them.

    python bench/check_scaling.py            # 4k, 8k and 40k statements
    python bench/check_scaling.py 1000 2000  # other sizes

Measured on the shared 2-core machine (CPU seconds, parse + check), before and after issue 8 item 12 (spans
from a line-start table instead of counting newlines from the start of the text; persistent scopes instead of
a copy of every earlier name per statement):

    statements   before (35b2903)        after
         4,000   29.5 s (7.4 ms/stmt)    10.2 s (2.6 ms/stmt)
         8,000  101.0 s (12.6 ms/stmt)   19.7 s (2.5 ms/stmt)
        40,000  ~2,200 s (extrapolated)  110.9 s (2.8 ms/stmt)

Most of what remains is lark's LALR parse with position propagation (about 2.3 ms per statement here).
"""

from __future__ import annotations

import sys
import time

from alphalang.plan import build_plan
from alphalang.resources import data_path
from alphalang.syntax import parse_module

FORMULAS = [line.split(" = ", 1)[1] for line in data_path("stdlib", "wq101.alpha").read_text().splitlines()
            if line.startswith("alpha")]


def module_text(statements: int) -> str:
    """A module of ``statements`` lines: wq101 formulas renamed, plus every tenth line using earlier names."""
    lines = []
    for i in range(statements):
        if i % 10 == 9:
            lines.append(f"s{i} = rank(s{i - 1}) - s{i - 5}")
        else:
            lines.append(f"s{i} = {FORMULAS[i % len(FORMULAS)]}")
    return "\n".join(lines) + "\n"


def check_seconds(statements: int) -> tuple[float, float, int]:
    """(parse CPU seconds, check CPU seconds, shared nodes) for a generated module."""
    text = module_text(statements)
    start = time.process_time()
    module = parse_module(text, "bench.alpha")
    parsed = time.process_time()
    plan = build_plan(module)
    return parsed - start, time.process_time() - parsed, len(plan.graph)


def main(sizes: list[int]) -> None:
    print(f"{'statements':>10}  {'parse s':>8}  {'check s':>8}  {'total s':>8}  {'us/stmt':>8}  {'nodes':>7}")
    for n in sizes:
        parse_s, check_s, nodes = check_seconds(n)
        total = parse_s + check_s
        print(f"{n:>10}  {parse_s:>8.2f}  {check_s:>8.2f}  {total:>8.2f}  {total / n * 1e6:>8.0f}  {nodes:>7}",
              flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [4_000, 8_000, 40_000])
