"""TOML training configs: which alphas, which rule per alpha, the meta node, data, periods and optimiser.

Layout (every table but ``[data]`` and one node is optional)::

    [data]
    alphas = "my.alpha"            # .alpha file, relative to the config (or `formulas = "a = rank(close)"`)
    demo = { days = 500, assets = 20, seed = 0 }    # or: path = "prices.parquet" / prices = "p.npy"
    price_field = "close"

    [strategy]                      # StrategyConfig fields: simulation, cost, fees, chunk_period, ...
    simulation = "portfolio"
    maximum_change = 0.02

    [meta]                          # used when there is more than one [[node]]
    mode = "weights"                # or "outputs"

    [[node]]                        # rule, signal, transform, memory_days, k_per_day, use_alt_lamb,
    rule = "signal_gradient"        # initial = {...}; rule = "meta" takes mode and children = [...]
    signal = "a"

    [training]                      # keyword arguments of alphalang.strategy.train
    periods = 4
    epochs = 50

    [walk_forward]                  # optional: train_length, test_length, step
    train_length = 250
    test_length = 60

Mistakes raise :class:`~alphalang.errors.AlphaTypeError` (bad keys/values; a value of the wrong TOML type
names its key, and the file:line:col where the key is written) or
:class:`~alphalang.errors.AlphaDataError` (missing files, signals or fields).  Prices are forward-filled
(never back-filled: that would use a later quote); leading rows before every asset has its first quote are
dropped, prices and signals alike, so a missing quote never reaches the simulation. Alpha NaNs are kept
(rules treat them as "no signal").

Example:
    >>> cfg = parse_config({"data": {"demo": {"days": 60, "assets": 4}}, "node": [{"rule": "momentum"}]})
    >>> cfg.strategy.node.rule, cfg.data.prices.shape
    ('momentum', (60, 4))
"""

from __future__ import annotations

import inspect
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from alphalang.errors import AlphaDataError, AlphaTypeError
from alphalang.source import span_at
from alphalang.strategy.meta import MIX_MODES, MetaNode
from alphalang.strategy.metrics import OBJECTIVES
from alphalang.strategy.nodes import SIMULATIONS, MarketData, Node, RuleNode, Strategy, StrategyConfig
from alphalang.strategy.rules import RULES, SIGNAL_TRANSFORMS
from alphalang.strategy.train import AGGREGATIONS, OPTIMISERS, SCHEDULES, train
from alphalang.strategy.walkforward import walk_forward

TOP_KEYS = {"data", "strategy", "meta", "node", "training", "walk_forward"}
DATA_KEYS = {"alphas", "formulas", "demo", "path", "prices", "price_field", "outputs", "start", "end"}
NODE_OPTION_KEYS = {"transform", "memory_days", "k_per_day", "use_alt_lamb"}
NODE_KEYS = {"rule", "signal", "initial", "mode", "children", "initial_logits"} | NODE_OPTION_KEYS
#: config keys of [training]: train()'s keyword-only arguments except those a file cannot give
TRAIN_KEYS = {p.name for p in inspect.signature(train).parameters.values()
              if p.kind is p.KEYWORD_ONLY} - {"params", "verbose", "log", "on_epoch"}
#: config keys of [walk_forward]: walk_forward()'s own keyword-only arguments (the rest are [training] keys)
WALK_KEYS = {p.name for p in inspect.signature(walk_forward).parameters.values()
             if p.kind is p.KEYWORD_ONLY} - {"burn_in", "verbose", "log", "on_epoch", "dates"}


@dataclass
class TrainConfig:
    """A parsed config: the strategy, the market data, the keyword arguments for train/walk_forward, and the
    dates of the data's rows (None for a bare price array)."""

    strategy: Strategy
    data: MarketData
    training: dict = field(default_factory=dict)
    walk_forward: dict | None = None
    source: Path | None = None
    dates: Any = None


def load_config(path: str | Path) -> TrainConfig:
    """Read and validate a TOML config file (relative paths inside it are relative to the file)."""
    path = Path(path)
    if not path.is_file():
        raise AlphaDataError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise AlphaTypeError(f"{path}: not valid UTF-8 (byte offset {exc.start}); TOML files must be UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise AlphaTypeError(f"{path}: invalid TOML: {exc}") from None
    cfg = parse_config(raw, base_dir=path.parent, name=str(path), text=text)
    cfg.source = path
    return cfg


def parse_config(raw: dict, base_dir: Path | str = ".", name: str = "<config>", text: str | None = None) -> TrainConfig:
    """Validate a config already parsed from TOML (a dict) and build the strategy and data.

    ``text`` (the TOML source) lets a type error point at the line of the offending key.
    """
    base_dir = Path(base_dir)
    where = _Where(name, text)
    _check_keys(raw, TOP_KEYS, name)
    _check_types(raw, _schema(), where)
    if "data" not in raw:
        raise AlphaTypeError(f"{name}: missing [data] table", hint="add e.g. [data] demo = {days = 500}")
    if not raw.get("node"):
        raise AlphaTypeError(f"{name}: no [[node]] given", hint='add [[node]] with rule = "momentum"')
    scfg = _strategy_config(raw.get("strategy", {}), name, where)
    nodes = [_node(n, f"{name}: node {i}") for i, n in enumerate(_as_list(raw["node"], f"{name}: node"))]
    meta = raw.get("meta", {})
    _check_keys(meta, {"mode", "initial_logits"}, f"{name}: [meta]")
    if len(nodes) == 1 and not meta:
        root: Node = nodes[0]
    else:
        root = _meta(nodes, meta.get("mode", "weights"), meta.get("initial_logits"), f"{name}: [meta]")
    data, dates = _data(raw["data"], base_dir, scfg, root, name)
    training = dict(raw.get("training", {}))
    _check_keys(training, TRAIN_KEYS, f"{name}: [training]")
    _check_choice(training, "aggregation", AGGREGATIONS, name)
    _check_choice(training, "optimiser", OPTIMISERS, name)
    _check_choice(training, "schedule", SCHEDULES, name)
    _check_choice(training, "metric", OBJECTIVES, name)
    walk = raw.get("walk_forward")
    if walk is not None:
        _check_keys(walk, WALK_KEYS, f"{name}: [walk_forward]")
        for key in ("train_length", "test_length"):
            if key not in walk:
                raise AlphaTypeError(f"{name}: [walk_forward] needs {key}")
    return TrainConfig(Strategy(root, scfg), data, training, dict(walk) if walk else None, dates=dates)


# ------------------------------------------------------------------------------------------ validation
_NODE_TYPES: dict[str, Any] = {
    "rule": str, "signal": str, "initial": dict, "mode": str, "initial_logits": list[float], "transform": str,
    "memory_days": float, "k_per_day": float, "use_alt_lamb": bool,
}
_NODE_TYPES["children"] = list[_NODE_TYPES]  # type: ignore[valid-type]


def _schema() -> dict[str, Any]:
    """The TOML type of every known key: Python types, ``list[T]``, and dicts for tables (derived from the
    signatures of StrategyConfig, train and walk_forward, so the schema cannot drift from them)."""
    def hints(obj, keys) -> dict[str, Any]:
        return {k: v for k, v in typing.get_type_hints(obj).items() if k in keys}

    return {
        "data": {"alphas": str, "formulas": str, "path": str, "prices": str, "price_field": str,
                 "outputs": list[str], "demo": {"days": int, "assets": int, "seed": int}},
        "strategy": hints(StrategyConfig, {f.name for f in fields(StrategyConfig)}),
        "meta": {"mode": str, "initial_logits": list[float]},
        "node": list[_NODE_TYPES],  # type: ignore[valid-type]
        "training": hints(train, TRAIN_KEYS),
        "walk_forward": hints(walk_forward, WALK_KEYS),
    }


class _Where:
    """Names the config file in errors, and finds the line of a key in its TOML text (when given)."""

    def __init__(self, name: str, text: str | None) -> None:
        self.name = name
        self.text = text

    def error(self, path: tuple, message: str, hint: str | None = None) -> AlphaTypeError:
        section = ".".join(str(p) for p in path[:-1] if isinstance(p, str))
        label = f"[{section}] " if section else ""
        span = self._locate(path)
        if span is None:
            return AlphaTypeError(f"{self.name}: {label}{message}", hint=hint)
        return AlphaTypeError(f"{label}{message}", span, hint)

    def _locate(self, path: tuple):
        """The span of ``path``'s last key, written after the header of its first table (best effort)."""
        if self.text is None:
            return None
        text, key = self.text, str(path[-1])
        start, end = 0, len(text)
        if len(path) > 1 and isinstance(path[0], str):
            count = path[1] if len(path) > 2 and isinstance(path[1], int) else 0
            headers = list(re.finditer(r"(?m)^[ \t]*\[\[?[ \t]*([\w.]+)[ \t]*\]\]?", text))
            own = [h for h in headers if h.group(1) == path[0]]
            if count < len(own):
                start = own[count].end()
                end = next((h.start() for h in headers if h.start() > start), len(text))
        found = re.compile(rf'(?m)(?:^|[{{,])[ \t]*"?({re.escape(key)})"?[ \t]*=').search(text, start, end)
        if found is None:
            return None
        return span_at(self.name, text, found.start(1), found.end(1))


def _type_text(expected: Any) -> str:
    if isinstance(expected, dict) or expected is dict:
        return "a table"
    if typing.get_origin(expected) is list:
        inner = typing.get_args(expected)[0]
        return "a list of tables" if isinstance(inner, dict) else f"a list of {_type_text(inner)[2:]}s"
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
    options = [names[t] for t in _options(expected) if t in names]
    return " or ".join(options) or f"a {getattr(expected, '__name__', expected)}"


def _options(expected: Any) -> tuple:
    """The alternatives of a union annotation (None dropped: TOML has no null), or the type itself."""
    if isinstance(expected, types.UnionType) or typing.get_origin(expected) is typing.Union:
        return tuple(t for t in typing.get_args(expected) if t is not type(None))
    return (expected,)


def _fits(expected: Any, value: Any) -> bool:
    """Whether a TOML value has the expected type (an integer is a number; true is not an integer)."""
    if isinstance(expected, dict) or expected is dict:
        return isinstance(value, dict)
    if typing.get_origin(expected) is list:
        inner = typing.get_args(expected)[0]
        return isinstance(value, list) and all(_fits(inner, v) for v in value) or (
            isinstance(inner, dict) and isinstance(value, dict))  # one table where a list of tables may stand
    for option in _options(expected):
        if option is float and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if option in (str, bool) and isinstance(value, option):
            return True
    return expected is Any


def _check_types(table: dict, schema: dict[str, Any], where: _Where, path: tuple = ()) -> None:
    """Every known key of ``table`` (and of its sub-tables) holds a value of its schema type."""
    for key, value in table.items():
        expected = schema.get(key)
        if expected is None:
            continue  # unknown keys are reported by _check_keys, with the allowed ones
        if not _fits(expected, value):
            raise where.error((*path, key), f"{key} must be {_type_text(expected)}, got {value!r}")
        if isinstance(expected, dict):
            _check_types(value, expected, where, (*path, key))
        elif typing.get_origin(expected) is list and isinstance(typing.get_args(expected)[0], dict):
            for i, item in enumerate([value] if isinstance(value, dict) else value):
                _check_types(item, typing.get_args(expected)[0], where, (*path, key, i))


def _check_keys(table: Any, allowed: set, where: str) -> None:
    if not isinstance(table, dict):
        raise AlphaTypeError(f"{where}: expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise AlphaTypeError(f"{where}: unknown key(s) {', '.join(unknown)}",
                             hint=f"allowed: {', '.join(sorted(allowed))}")


def _check_choice(table: dict, key: str, choices, where: str) -> None:
    if key in table and table[key] not in choices:
        raise AlphaTypeError(f"{where}: {key} = {table[key]!r} is not one of {', '.join(choices)}")


def _as_list(value, where: str) -> list:
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise AlphaTypeError(f"{where}: expected a list of tables")
    return value


def _strategy_config(table: dict, name: str, where: _Where) -> StrategyConfig:
    allowed = {f.name for f in fields(StrategyConfig)}
    _check_keys(table, allowed, f"{name}: [strategy]")
    _check_choice(table, "simulation", SIMULATIONS, f"{name}: [strategy]")
    try:
        cfg = StrategyConfig(**table)
    except TypeError as exc:
        raise AlphaTypeError(f"{name}: [strategy]: {exc}") from None
    except AlphaTypeError as exc:  # StrategyConfig's own consistency checks: point at the key that breaks it
        key = "interpolation_period" if "interpolation_period" in exc.message else next(iter(table), "")
        raise where.error(("strategy", key), exc.message, exc.hint) from None
    if cfg.chunk_period < 1 or (cfg.interpolation_period is not None and cfg.interpolation_period < 1):
        raise AlphaTypeError(f"{name}: [strategy]: chunk_period and interpolation_period must be >= 1")
    if cfg.maximum_change <= 0:
        raise AlphaTypeError(f"{name}: [strategy]: maximum_change must be > 0")
    return cfg


def _node(table: dict, where: str) -> Node:
    _check_keys(table, NODE_KEYS, where)
    rule = table.get("rule")
    if rule is None:
        raise AlphaTypeError(f"{where}: missing rule", hint=f"one of: meta, {', '.join(sorted(RULES))}")
    if rule == "meta":
        children = [_node(c, f"{where}.child {i}") for i, c in enumerate(_as_list(table.get("children", []),
                                                                                   where))]
        return _meta(children, table.get("mode", "weights"), table.get("initial_logits"), where)
    if rule not in RULES:
        raise AlphaTypeError(f"{where}: unknown rule {rule!r}", hint=f"one of: meta, {', '.join(sorted(RULES))}")
    spec = RULES[rule]
    if spec.uses == "signal" and not table.get("signal"):
        raise AlphaTypeError(f"{where}: rule {rule!r} needs signal = <alpha output name>")
    if spec.uses == "price" and table.get("signal"):
        raise AlphaTypeError(f"{where}: rule {rule!r} reads prices, not a signal",
                             hint="use signal_gradient or signal_target for alphas")
    options = {k: table[k] for k in NODE_OPTION_KEYS if k in table}
    if options.get("transform", "identity") not in SIGNAL_TRANSFORMS:
        raise AlphaTypeError(f"{where}: transform must be one of {', '.join(SIGNAL_TRANSFORMS)}")
    initial = table.get("initial", {})
    _check_keys(initial, {p.name for p in spec.schema}, f"{where}: initial")
    return RuleNode(rule, table.get("signal"), options, dict(initial))


def _meta(children: list, mode: str, logits, where: str) -> MetaNode:
    if mode not in MIX_MODES:
        raise AlphaTypeError(f"{where}: mode must be one of {', '.join(MIX_MODES)}")
    try:
        return MetaNode(tuple(children), mode, tuple(logits) if logits is not None else None)
    except ValueError as exc:
        raise AlphaTypeError(f"{where}: {exc}") from None


def _fill_prices(prices: np.ndarray, where: str) -> tuple[np.ndarray, int]:
    """Forward-filled prices without their leading rows where some asset has no quote yet, and how many
    rows were dropped. Back-filling is never done: it would put a later price into earlier rows."""
    import pandas as pd

    out = pd.DataFrame(prices).ffill().to_numpy(dtype=np.float64)
    complete = np.isfinite(out).all(axis=1)
    if not complete.any():
        raise AlphaDataError(f"{where}: no date has a finite price for every asset",
                             hint="drop assets that have no prices in the period")
    first = int(np.argmax(complete))
    out = out[first:]
    if (out <= 0).any():
        raise AlphaDataError(f"{where}: prices must be positive")
    return out, first


def _data(table: dict, base_dir: Path, scfg: StrategyConfig, root: Node, name: str) -> tuple[MarketData, Any]:
    """The market data of ``[data]`` (its bar size: the strategy's) and the dates of its rows (or None)."""
    _check_keys(table, DATA_KEYS, f"{name}: [data]")
    freq = scfg.freq
    needed = root.signal_names()
    if "prices" in table:
        path = base_dir / table["prices"]
        if not path.is_file():
            raise AlphaDataError(f"{name}: [data] prices file not found: {path}")
        prices = np.load(path) if path.suffix == ".npy" else np.loadtxt(path, delimiter=",")
        if needed:
            raise AlphaDataError(f"{name}: nodes read signals {sorted(needed)} but [data] gives only prices",
                                 hint="use alphas = ... with demo = {...} or path = ...")
        return MarketData(_fill_prices(np.atleast_2d(prices), name)[0], {}, freq), None
    import alphalang

    if "demo" in table:
        demo = table["demo"]
        _check_keys(demo, {"days", "assets", "seed"}, f"{name}: [data] demo")
        panel = alphalang.demo_panel(int(demo.get("days", 500)), int(demo.get("assets", 20)),
                                     int(demo.get("seed", 0)))
    elif "path" in table:
        path = base_dir / table["path"]
        if not path.exists():
            raise AlphaDataError(f"{name}: [data] path not found: {path}")
        panel = alphalang.load_panel(path)
    else:
        raise AlphaTypeError(f"{name}: [data] needs one of demo, path or prices")
    price_field = table.get("price_field", "close")
    prices, first = _fill_prices(np.asarray(panel.field(price_field), dtype=np.float64), name)
    signals: dict[str, np.ndarray] = {}
    if "alphas" in table or "formulas" in table:
        source = base_dir / table["alphas"] if "alphas" in table else table["formulas"]
        if "alphas" in table and not Path(source).is_file():
            raise AlphaDataError(f"{name}: [data] alphas file not found: {source}")
        outputs = alphalang.compile(source).run(panel)
        keep = table.get("outputs")
        signals = {k: np.asarray(v, dtype=np.float64) for k, v in outputs.items() if keep is None or k in keep}
    missing = sorted(needed - set(signals))
    if missing:
        have = ", ".join(sorted(signals)) or "none"
        raise AlphaDataError(f"{name}: node signal(s) {', '.join(missing)} not produced by the alphas",
                             hint=f"alpha outputs: {have}")
    return MarketData(prices, {k: signals[k][first:] for k in needed}, freq), panel.dates[first:]
