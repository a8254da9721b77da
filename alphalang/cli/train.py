"""alphalang train CONFIG.toml: train a strategy on alpha signals and write its parameters.

Prints progress, then a table per training period (sharpe, return, return over hold, with mean, std and
worst), and writes params.json, params.npz and periods.csv into --out (default: <config name>.trained).

With a [walk_forward] table (or --walk-forward) it then trains fold by fold and prints the out-of-sample
sharpe and return of each test window next to two baselines on the same window: the untrained initial
parameters and a uniform hold. It writes walk_forward.txt and walk_forward.csv as well.

Annualisation uses [strategy] bars_per_day and days_per_year (daily stock data: 1 and 252).

Example:
    alphalang train examples/train_momentum.toml --epochs 20 --out /tmp/mom
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
    from alphalang.cli.progress import Progress
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
    epochs = kwargs.get("epochs", 100)
    log_every = kwargs.pop("log_every", max(epochs // 10, 1))
    if verbose:
        d, sc = cfg.data, cfg.strategy.config
        span = f" ({cfg.dates[0]:%Y-%m-%d}..{cfg.dates[-1]:%Y-%m-%d})" if _has_dates(cfg.dates) else ""
        print(f"data: {d.length} bars{span} x {d.n_assets} assets; signals: {', '.join(sorted(d.signals)) or 'none'}")
        print(f"strategy: {cfg.strategy.node.describe()}; simulation {sc.simulation}, chunk {sc.chunk_period} "
              f"bars, max change {sc.maximum_change}/bar; annualised with bars_per_day = {sc.bars_per_day:g}, "
              f"days_per_year = {sc.days_per_year:g}")
    with Progress(args) as progress:
        progress.steps(f"training ({epochs} epochs)", epochs)
        try:
            result = train(cfg.strategy, cfg.data, verbose=verbose, log_every=log_every,
                           on_epoch=lambda *_: progress.advance(), **kwargs)
        except ValueError as exc:
            raise AlphaTypeError(f"{args.config}: {exc}") from None
    print(result.table(cfg.dates if _has_dates(cfg.dates) else None))
    out = Path(args.out) if args.out else Path(Path(args.config).stem + ".trained")
    result.save(out)
    written = [out / name for name in ("params.json", "params.npz", "periods.csv")]
    if verbose:
        print(f"best objective ({result.metric}, {result.aggregation}): {result.best_objective:.6f}; "
              f"{result.seconds:.1f}s")
    walk = cfg.walk_forward
    if walk and not args.no_walk_forward or args.walk_forward:
        if not walk:
            raise AlphaTypeError(f"{args.config}: --walk-forward needs a [walk_forward] table")
        wf_kwargs = {k: v for k, v in kwargs.items() if k != "burn_in"}
        if verbose:
            print(f"walk-forward: train {walk['train_length']} bars, test {walk['test_length']} bars, "
                  f"{epochs} epochs per fold")
        with Progress(args) as progress:
            def on_epoch(fold: int, epoch: int, *_) -> None:
                if epoch == 1:
                    progress.steps(f"fold {fold}: training", epochs)
                progress.advance()

            try:
                wf = walk_forward(cfg.strategy, cfg.data, burn_in=kwargs.get("burn_in", 0), verbose=verbose,
                                  dates=cfg.dates if _has_dates(cfg.dates) else None, on_epoch=on_epoch,
                                  **walk, **wf_kwargs)
            except ValueError as exc:
                raise AlphaTypeError(f"{args.config}: [walk_forward]: {exc}") from None
        print("walk-forward (out of sample):")
        print(wf.table())
        written += wf.save(out)
    if verbose:
        print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _has_dates(dates) -> bool:
    """Whether the config's rows carry real dates (a DatetimeIndex), not just row numbers."""
    import pandas as pd

    return isinstance(dates, pd.DatetimeIndex) and len(dates) > 0
