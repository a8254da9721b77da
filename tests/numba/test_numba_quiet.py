"""A user never sees numba's compile-time warning about the SIMD sort's ``objmode`` block: every import path that
compiles a kernel family eagerly does so inside ``kernels.quiet_objmode``. Checked in a fresh process with a
fresh cache (a warm cache compiles nothing and would hide it), warnings turned into errors."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import warnings
warnings.simplefilter("error")
import alphalang.backend.numba.executor, alphalang.backend.numba.stream, alphalang.backend.numba.kernels.elementwise
print("clean")
"""


def test_importing_the_backend_compiles_quietly(tmp_path):
    env = {**os.environ, "ALPHALANG_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0 and "clean" in done.stdout, done.stderr[-2000:]
