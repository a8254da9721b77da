"""A second process reuses the cached kernels: numba reports a cache hit and no compilation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, alphalang
from alphalang.backend.numba import compile_plan
p = alphalang.compile("a = rank(ts_corr(close, volume, 7)) * ts_max(returns, 3)", backend="numba")
panel = alphalang.demo_panel(30, 6)
p.run(panel)
kernel, fn = compile_plan(p.plan_for(panel.fields))
print(json.dumps({"hits": sum(fn.stats.cache_hits.values()), "misses": sum(fn.stats.cache_misses.values()),
                  "path": fn.stats.cache_path}))
"""


def _run(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}  # numba caches beside the kernel
    env["ALPHALANG_CACHE_DIR"] = str(cache)
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_second_process_loads_kernels_from_cache(tmp_path):
    first = _run(tmp_path)
    second = _run(tmp_path)
    assert first["misses"] == 1 and first["hits"] == 0
    assert second["hits"] == 1 and second["misses"] == 0
    assert Path(second["path"]).is_relative_to(tmp_path)
    assert list((tmp_path / "kernels").glob("alphalang_kernel_*.py"))
