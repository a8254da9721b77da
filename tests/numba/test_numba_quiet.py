"""A user never sees numba's compile-time warning about the SIMD sort's ``objmode`` block: every import path that
compiles a kernel family eagerly does so inside ``kernels.quiet_objmode``. Checked in a fresh process with a
fresh cache, then again with that cache warm, warnings turned into errors."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import warnings
warnings.simplefilter("error")
import alphalang.backend.numba.executor, alphalang.backend.numba.stream, alphalang.backend.numba.kernels.elementwise
import alphalang
alphalang.compile("a = rank(close)\\nb = group_rank(close, IndClass.sector)").run(alphalang.demo_panel(30, 5))
print("clean")
"""


def test_importing_and_running_the_backend_is_quiet_cold_and_warm(tmp_path):
    env = {**os.environ, "ALPHALANG_CACHE_DIR": str(tmp_path / "cache")}
    for cache in ("cold", "warm"):  # a warm cache loads the kernels a first run compiled: that warned too
        done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=900)
        assert done.returncode == 0 and "clean" in done.stdout, f"{cache}: {done.stderr[-2000:]}"
