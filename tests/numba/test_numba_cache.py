"""The kernel cache: reused by a second process, healed when an entry is corrupt (also while another process
shares it), refused when it is not private, never written into the package, and safe for adversarial names.

Every subprocess gets its own copy of a warm cache directory (the package kernels this test process already
compiled, plus one generated kernel), so no test pays for a cold compile of the package kernels.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.backend.numba import cache
from alphalang.syntax import ast
from alphalang.syntax.parse import parse_expr

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alphalang"
SCRIPT = """
import json, warnings, alphalang
warnings.simplefilter("always")
from alphalang.backend.numba import compile_plan
p = alphalang.compile("a = rank(ts_corr(close, volume, 7)) * ts_max(returns, 3)", backend="numba")
panel = alphalang.demo_panel(30, 6)
out = p.run(panel)["a"]
kernel, fn = compile_plan(p.kernel_plan)  # the plan run() compiled
print(json.dumps({"hits": sum(fn.stats.cache_hits.values()), "misses": sum(fn.stats.cache_misses.values()),
                  "path": fn.stats.cache_path, "a": [repr(v) for v in out.ravel()]}))
"""


def _env(cache_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", cache.ENV_VAR)}
    env[cache.ENV_VAR] = str(cache_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def _start(cache_dir: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=_env(cache_dir, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1]), err


def _run(cache_dir: Path, **extra: str) -> tuple[dict, str]:
    return _finish(_start(cache_dir, **extra))


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> tuple[Path, dict]:
    """A private cache holding the package kernels (copied from this process's cache) and SCRIPT's kernel."""
    here = cache.usable_dir()
    if here is None:
        pytest.skip("this process has no usable kernel cache to copy")
    warm_dir = tmp_path_factory.mktemp("warm") / "cache"
    warm_dir.mkdir(mode=0o700)
    shutil.copytree(here / "numba", warm_dir / "numba", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("alphalang_kernel_*"))
    # the family runners' generated sources, with their times (numba's cache entries are stamped with them)
    if (here / "kernels").is_dir():
        shutil.copytree(here / "kernels", warm_dir / "kernels", ignore=shutil.ignore_patterns("alphalang_kernel_*"))
    clean, _ = _run(warm_dir)
    return warm_dir, clean


def _copy(warm_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "cache"
    shutil.copytree(warm_dir, target)
    target.chmod(0o700)
    return target


def _generated_entries(cache_dir: Path, suffix: str) -> list[Path]:
    return sorted((cache_dir / "numba").glob(f"*/alphalang_kernel_*{suffix}"))


def test_second_process_loads_kernels_from_cache(warm, tmp_path):
    cache_dir = _copy(warm[0], tmp_path)
    second, err = _run(cache_dir)
    assert second["hits"] == 1 and second["misses"] == 0
    assert Path(second["path"]).is_relative_to(cache_dir)
    assert second["a"] == warm[1]["a"]
    assert "CacheWarning" not in err
    assert list((cache_dir / "kernels").glob("alphalang_kernel_*.py"))
    assert (cache_dir.stat().st_mode & 0o777) == 0o700


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CORRUPTIONS = {
    "generated .nbc truncated": lambda d: _truncate(_generated_entries(d, ".nbc")[0]),
    "generated .nbi empty": lambda d: _generated_entries(d, ".nbi")[0].write_bytes(b""),
    "package .nbc truncated": lambda d: [_truncate(p) for p in (d / "numba").glob("kernels_*/extrema.*.nbc")],
}


def test_corrupt_index_is_deleted_and_recompiled_once(warm, tmp_path):
    cache_dir = _copy(warm[0], tmp_path)
    CORRUPTIONS["generated .nbi empty"](cache_dir)
    healed, err = _run(cache_dir)
    assert healed["a"] == warm[1]["a"]
    assert err.count("corrupt kernel cache entry") == 1, err
    again, err = _run(cache_dir)
    assert again["a"] == warm[1]["a"] and again["hits"] == 1 and "CacheWarning" not in err
    assert "object mode" not in err, err  # loading warm kernels never shows numba's objmode note


def test_truncated_generated_source_is_rewritten(warm, tmp_path):
    cache_dir = _copy(warm[0], tmp_path)
    source = next((cache_dir / "kernels").glob("alphalang_kernel_*.py"))
    text = source.read_text()
    source.write_text(text[: len(text) // 2])
    healed, _ = _run(cache_dir)
    assert healed["a"] == warm[1]["a"]
    assert source.read_text() == text


def test_two_processes_share_a_cache_with_corrupt_entries(warm, tmp_path):
    """Truncated machine code of a generated kernel and of a package kernel: both processes find them, both
    finish with the clean result; afterwards the cache is whole again."""
    cache_dir = _copy(warm[0], tmp_path)
    CORRUPTIONS["generated .nbc truncated"](cache_dir)
    CORRUPTIONS["package .nbc truncated"](cache_dir)
    first, second = _start(cache_dir), _start(cache_dir)
    (a, err_a), (b, err_b) = _finish(first), _finish(second)
    assert a["a"] == b["a"] == warm[1]["a"]
    assert "corrupt kernel cache entry" in err_a + err_b
    again, err = _run(cache_dir)
    assert again["a"] == warm[1]["a"] and again["hits"] == 1 and "CacheWarning" not in err
    assert "object mode" not in err, err  # loading warm kernels never shows numba's objmode note


def test_no_writable_home_compiles_in_memory_with_one_warning(warm, tmp_path):
    """Every kernel (the package's too) compiles in memory: the one slow test here, kept to one process."""
    home = tmp_path / "file"
    home.write_text("")
    result, err = _run(home, HOME=str(home), **{cache.ENV_VAR: "", "XDG_CACHE_HOME": ""})
    assert result["a"] == warm[1]["a"] and result["hits"] == 0
    assert err.count("CacheWarning") == 1 and "compiling kernels in memory" in err, err
    assert "object mode" not in err, err  # compiling every kernel cold never shows numba's objmode note


def test_entry_writable_by_others_is_refused(warm, tmp_path):
    """Every generated entry (the program's kernel and the derivation kernels beside it) made writable by others:
    none is loaded, each refusal warns once, and the result is computed in memory all the same."""
    cache_dir = _copy(warm[0], tmp_path)
    entries = _generated_entries(cache_dir, ".nbi")
    for entry in entries:
        entry.chmod(0o666)
    result, err = _run(cache_dir)
    assert result["a"] == warm[1]["a"] and result["hits"] == 0
    assert err.count("kernel cache entry refused") == len(entries) and "writable by group or others" in err, err


def _fresh_program(tag: float):
    """A program whose kernel no other test loads (the loader memoises kernels per process)."""
    return alphalang.compile(f"x = ts_mean(close, 3) * {tag}", backend="numba")


@pytest.mark.parametrize("how", ["group-writable", "another user's", "not a directory"])
def test_untrusted_or_unwritable_cache_dir_is_refused(tmp_path, monkeypatch, how):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    if how == "not a directory":  # as unwritable as it gets, even for root
        (cache_dir / "file").write_text("")
        monkeypatch.setenv(cache.ENV_VAR, str(cache_dir / "file" / "cache"))
        fragment = "Not a directory"
    elif how == "group-writable":
        cache_dir.chmod(0o770)
        fragment = "writable by group or others"
    else:
        if os.geteuid() != 0:
            pytest.skip("making a directory another user's needs root")
        os.chown(cache_dir, 4321, -1)
        fragment = "belongs to another user"
    if how != "not a directory":
        monkeypatch.setenv(cache.ENV_VAR, str(cache_dir))
    panel = alphalang.demo_panel(12, 4, seed=2)
    tag = {"group-writable": 7.25, "another user's": 7.5, "not a directory": 7.75}[how]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = _fresh_program(tag).run(panel)["x"]
    messages = [str(w.message) for w in caught if issubclass(w.category, cache.CacheWarning)]
    assert len(messages) == 1 and fragment in messages[0], messages
    assert [p.name for p in cache_dir.iterdir()] == (["file"] if how == "not a directory" else [])
    want = pd.DataFrame(panel.field("close")).rolling(3).mean().to_numpy() * tag
    np.testing.assert_allclose(got, want, rtol=1e-12)


def _numba_files_in_package() -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in PACKAGE.rglob("*") if p.suffix in (".nbi", ".nbc", ".fingerprint")}


def test_nothing_is_written_into_the_package(warm, tmp_path):
    before = _numba_files_in_package()
    cache_dir = _copy(warm[0], tmp_path)
    for p in (cache_dir / "numba").glob("kernels_*/extrema.*"):
        p.unlink()  # forces numba to compile and save a package kernel (ts_max's family)
    _run(cache_dir, PYTHONDONTWRITEBYTECODE="1")
    assert _numba_files_in_package() == before
    assert list((cache_dir / "numba").glob("kernels_*/extrema.*.nbc"))


def test_output_name_cannot_inject_code(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    marker = tmp_path / "pwned"
    name = f'x""";open({str(marker)!r}, "w").close();"""\n# \r\nopen({str(marker)!r}, "w").close()'
    expr = parse_expr("close * 2.5")
    program = alphalang.Program(ast.Module((ast.Assign(name, expr, expr.span),), "<api>", "close * 2.5"))
    panel = alphalang.demo_panel(5, 3, seed=1)
    out = program.run(panel)
    assert not marker.exists()
    np.testing.assert_array_equal(out[name], panel.field("close") * 2.5)
