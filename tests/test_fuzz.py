"""Fuzzing: random bytes and mutated valid formulas raise only AlphaError subclasses, never a traceback."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, example, given, settings
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


# ---- depth, length and bytes (issue 8): deep chains and long programs check and run, or fail as AlphaErrors ----
def _only_alpha_errors_and_run(text: str) -> None:
    try:
        program = alphalang.compile(text, backend="reference")
        result = program.run(PANEL)
    except AlphaError as err:
        assert err.render()
        return
    assert all(v.shape == PANEL.shape for v in result.values())


_OPERANDS = st.sampled_from(["close", "open", "2", "0.5", "-1", "rank(close)", "x", "(", "1e999"])


_JOINERS = st.sampled_from([" ^ ", " ? ", " : ", " > 0 ? ", " ^ -", " + "])


@settings(max_examples=25, deadline=None)
@example([" ^ "], ["close", "1"], 2500)
@example([" > 0 ? ", " : "], ["close", "1"], 2000)
@given(st.lists(_JOINERS, min_size=1, max_size=3), st.lists(_OPERANDS, min_size=1, max_size=4),
       st.integers(1, 2500))
def test_deep_power_and_conditional_chains(joiners, operands, depth):
    text = operands[0]
    for i in range(1, depth + 1):
        text += joiners[i % len(joiners)] + operands[i % len(operands)]
    _only_alpha_errors_and_run("a = " + text)


_STEPS = st.sampled_from(["{p} + 1", "{p} ^ 1", "-{p}", "ts_max({p}, 2)", "{p} > 0 ? {p} : close", "rank({p})",
                          "{p} + undefined", "ts_mean({p}, 0)"])


@settings(max_examples=20, deadline=None)
@example(1200, ["{p} + 1"], True)
@given(st.integers(1, 1200), st.lists(_STEPS, min_size=1, max_size=3), st.booleans())
def test_long_definition_chains(length, steps, private):
    name = "_d" if private else "d"
    lines = [f"{name}0 = close"] + [
        f"{name}{i} = " + steps[i % len(steps)].format(p=f"{name}{i - 1}") for i in range(1, length)]
    _only_alpha_errors_and_run("\n".join(lines) + (f"\nout = {name}{length - 1}" if private else ""))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([b"", b"\xef\xbb\xbf", b"a = close\n"]), st.binary(max_size=120))
def test_random_bytes_in_files(tmp_path_factory, prefix, data):
    path = tmp_path_factory.mktemp("bytes") / "random.alpha"
    path.write_bytes(prefix + data)
    try:
        alphalang.compile(path, backend="reference")
    except AlphaError as err:
        assert err.render()
