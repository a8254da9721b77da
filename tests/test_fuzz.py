"""Fuzzing: random bytes and mutated valid formulas raise only AlphaError subclasses, never a traceback."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alphalang
from alphalang import AlphaError
from alphalang.resources import data_path

FORMULAS = [line.split(" = ", 1)[1] for line in data_path("stdlib", "wq101.alpha").read_text().splitlines()
            if line.startswith("alpha")]
ALPHABET = "()+-*/^<>=!?:,.|&# \n0123456789eE_abcdefghijklmnopqrstuvwxyzIC" + "\x00\t\r\"'$@[]{};~`\\é中"
PANEL = alphalang.demo_panel(12, 3, seed=0)


def _compile_only_alpha_errors(text: str) -> None:
    try:
        alphalang.compile(text)
    except AlphaError as err:
        assert err.render()  # renders without crashing


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=80))
def test_random_bytes(data):
    _compile_only_alpha_errors(data.decode("latin-1"))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_token_soup(text):
    _compile_only_alpha_errors(text)


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice("dise")
        at = rng.randrange(len(chars) + 1)
        if op == "d" and chars:
            del chars[min(at, len(chars) - 1)]
        elif op == "i":
            chars.insert(at, rng.choice(ALPHABET))
        elif op == "s" and len(chars) > 1:
            j = rng.randrange(len(chars))
            chars[min(at, len(chars) - 1)], chars[j] = chars[j], chars[min(at, len(chars) - 1)]
        else:
            chars[min(at, len(chars) - 1)] = rng.choice(ALPHABET) if chars else ""
    return "".join(chars)


@settings(max_examples=1500, deadline=None)
@given(st.integers(0, len(FORMULAS) - 1), st.integers(0, 2**32 - 1))
def test_mutated_formulas(index, seed):
    _compile_only_alpha_errors("a = " + _mutate(FORMULAS[index], random.Random(seed)))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(FORMULAS) - 1), st.integers(0, 2**32 - 1))
def test_mutated_formulas_that_compile_also_run(index, seed):
    text = "a = " + _mutate(FORMULAS[index], random.Random(seed))
    try:
        program = alphalang.compile(text)
        result = program.run(PANEL)
    except AlphaError:
        return
    assert all(v.shape == PANEL.shape and v.dtype == np.float64 for v in result.values())


def test_deep_nesting_is_a_clear_error():
    for text in ("(" * 5000 + "close" + ")" * 5000, "-" * 20000 + "close", "rank(" * 3000 + "close" + ")" * 3000):
        _compile_only_alpha_errors(text)
