"""``alphalang train CONFIG.toml``: train a strategy on alpha signals and write its parameters.

Prints progress and a per-period table (sharpe, return, return over hodl with mean/std/worst), then writes
``params.json``, ``params.npz`` and ``periods.csv`` into ``--out`` (default ``<config stem>.trained``).  With a
``[walk_forward]`` table (or ``--walk-forward``) it also prints out-of-sample results per fold.

Example:
    $ alphalang train examples/train_momentum.toml --epochs 20 --out /tmp/mom
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a JAX strategy on alpha signals from a TOML config",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", metavar="CONFIG.toml", help="training config (see docs/strategy.md)")
    parser.add_argument("--epochs", type=int, default=None, help="override [training] epochs")
    parser.add_argument("--out", metavar="DIR", default=None, help="output directory")
    parser.add_argument("--quiet", action="store_true", help="only print the final table")
    parser.add_argument("--walk-forward", action="store_true",
                        help="also run the [walk_forward] evaluation (runs by default when the table exists)")
    parser.add_argument("--no-walk-forward", action="store_true", help="skip the walk-forward evaluation")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from alphalang.errors import AlphaTypeError
    from alphalang.strategy import train, walk_forward
    from alphalang.strategy.config import load_config

    cfg = load_config(args.config)
    kwargs = dict(cfg.training)
    if args.epochs is not None:
        if args.epochs < 0:
            raise AlphaTypeError("--epochs must be >= 0")
        kwargs["epochs"] = args.epochs
    verbose = not args.quiet
    log_every = kwargs.pop("log_every", max(kwargs.get("epochs", 100) // 10, 1))
    if verbose:
        d = cfg.data
        print(f"data: {d.length} bars x {d.n_assets} assets; signals: {', '.join(sorted(d.signals)) or 'none'}")
        sc = cfg.strategy.config
        print(f"strategy: {cfg.strategy.node.describe()}; simulation {sc.simulation}, chunk {sc.chunk_period} "
              f"bars, max change {sc.maximum_change}/bar")
    try:
        result = train(cfg.strategy, cfg.data, verbose=verbose, log_every=log_every, **kwargs)
    except ValueError as exc:
        raise AlphaTypeError(f"{args.config}: {exc}") from None
    print(result.table())
    out = Path(args.out) if args.out else Path(Path(args.config).stem + ".trained")
    result.save(out)
    if verbose:
        print(f"best objective ({result.metric}, {result.aggregation}): {result.best_objective:.6f}; "
              f"{result.seconds:.1f}s; wrote {out}/params.json, params.npz, periods.csv")
    walk = cfg.walk_forward
    if walk and not args.no_walk_forward or args.walk_forward:
        if not walk:
            raise AlphaTypeError(f"{args.config}: --walk-forward needs a [walk_forward] table")
        wf_kwargs = {k: v for k, v in kwargs.items() if k != "burn_in"}
        try:
            wf = walk_forward(cfg.strategy, cfg.data, burn_in=kwargs.get("burn_in", 0), verbose=verbose,
                              **walk, **wf_kwargs)
        except ValueError as exc:
            raise AlphaTypeError(f"{args.config}: [walk_forward]: {exc}") from None
        print("walk-forward (out of sample):")
        print(wf.table())
        (out / "walk_forward.txt").write_text(wf.table() + "\n")
    return 0
