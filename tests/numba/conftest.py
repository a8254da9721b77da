"""Session-wide compiled programs: compile work is the test budget, so each module is compiled once."""

from __future__ import annotations

import pytest
from nb_support import compile_both, op_module, random_module

import alphalang
from alphalang.resources import stdlib_dir


@pytest.fixture(scope="session")
def op_programs():
    return compile_both(op_module())


@pytest.fixture(scope="session")
def random_programs():
    return compile_both(random_module(count=48, seed=3))


@pytest.fixture(scope="session")
def wq101():
    path = stdlib_dir() / "wq101.alpha"
    return alphalang.compile(path, backend="numba"), alphalang.compile(path, backend="reference")
