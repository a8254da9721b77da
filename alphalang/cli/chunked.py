"""``alphalang run FILE --chunk-rows N``: the chunked, distributed path of ``run`` (``alphalang.distributed``).

``--data`` names a long parquet file or hive-partitioned directory, read chunk by chunk on the workers;
``--out`` a parquet dataset directory written chunk by chunk and committed atomically (without ``--out``, the
outputs come back to this process and are summarised as ``run`` does). The cluster is a ``LocalCluster`` of
``--workers`` processes, or the scheduler at ``--scheduler``; the progress bar counts tasks as the scheduler
reports them done.

Example:
    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_chunked_options(p)
    >>> p.parse_args(["--chunk-rows", "250", "--workers", "4"]).chunk_rows
    250
"""

from __future__ import annotations

import argparse
import json
import time

from alphalang.errors import AlphaDataError

__all__ = ["add_chunked_options", "run_chunked_cli"]

PARQUET = (".parquet", ".pq")


def add_chunked_options(parser: argparse.ArgumentParser) -> None:
    """``--chunk-rows``, ``--scheduler``/``--workers`` and ``--overwrite``."""
    group = parser.add_argument_group("chunked evaluation on dask.distributed (pip install alphalang[dask])")
    group.add_argument("--chunk-rows", type=int, metavar="N", default=None,
                       help="evaluate N dates at a time on a dask cluster (bit-identical to a single run); "
                       "--data is read and --out written chunk by chunk")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="with --chunk-rows: a running dask scheduler, e.g. tcp://10.0.0.5:8786 (workers must see "
                       "--data and --out at the same paths)")
    where.add_argument("--workers", type=int, metavar="K", default=None,
                       help="with --chunk-rows: worker processes of the local cluster (default 2)")
    group.add_argument("--overwrite", action="store_true", help="with --chunk-rows: replace an existing --out")
    from alphalang.distributed.chunks import MODES

    group.add_argument("--chunk-mode", choices=MODES, default="auto",
                       help="with --chunk-rows: 'state' hands each formula group's state from chunk to chunk (no "
                       "halo; groups in parallel), 'halo' re-reads each chunk's lookback (chunks in parallel); "
                       "'auto' picks the one that keeps the workers busier (same bits either way)")


def _source(args: argparse.Namespace):
    """The parquet path itself (read lazily by the workers), or the panel ``load_data`` builds for anything else."""
    from pathlib import Path

    from alphalang.cli.common import load_data

    data = getattr(args, "data", None)
    if data and (Path(data).is_dir() or data.lower().endswith(PARQUET)):
        unsupported = [f"--{k.replace('_', '-')}" for k in ("start", "end", "groups", "date_format")
                       if getattr(args, k, None)]
        if unsupported:
            raise AlphaDataError(f"{', '.join(unsupported)} cannot be combined with --chunk-rows on a parquet dataset",
                                 hint="select the dates when writing the dataset, or drop --chunk-rows")
        return data
    return load_data(args)


def run_chunked_cli(args: argparse.Namespace) -> int:
    """Run ``args.file`` chunk by chunk; print the summary (or the written dataset) as ``run`` does."""
    from alphalang.cli.common import compile_options
    from alphalang.cli.progress import Progress
    from alphalang.distributed import as_source
    from alphalang.program import compile
    from alphalang.summary import format_table, summarize

    if args.chunk_rows < 1:
        raise AlphaDataError(f"--chunk-rows must be a positive number of dates, got {args.chunk_rows}")
    if args.workers is not None and args.workers < 1:
        raise AlphaDataError(f"--workers must be at least 1, got {args.workers}")
    groups = [g.strip() for g in args.group_cols.split(",")] if getattr(args, "group_cols", None) else None
    with Progress(args) as progress:
        progress.stage("reading the dataset's dates and assets")
        source = _source(args)
        source = as_source(source, date=args.date_col, asset=args.asset_col, groups=groups) \
            if isinstance(source, str) else as_source(source)
        start = time.perf_counter()
        program = compile(args.file, fields=source.fields, **compile_options(args))
        progress.stage(f"compiling {len(program.outputs)} outputs, starting the cluster")

        def advance(done: int, total: int) -> None:
            if done == 1:
                progress.steps(f"evaluating {len(program.outputs)} outputs in chunks of {args.chunk_rows} dates", total)
            progress.advance()

        result = program.run_chunked(source, args.chunk_rows, client=args.scheduler, out=args.out,
                                     workers=args.workers, overwrite=args.overwrite, mode=args.chunk_mode,
                                     progress=advance)
        seconds = time.perf_counter() - start
    shape = (source.n_rows, len(source.assets))
    if args.json:
        report = {"shape": list(shape), "chunk_rows": args.chunk_rows, "seconds": seconds, "out": args.out}
        if args.out is None:
            report["outputs"] = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                                 for row in summarize(result, program.lookback)]
        print(json.dumps(report, allow_nan=False, indent=1))
        return 0
    if args.quiet:
        return 0
    if args.out is None:
        print(format_table(summarize(result, program.lookback)))
    where = f"{args.scheduler}" if args.scheduler else f"a local cluster of {args.workers or 2} processes"
    print(f"\n{len(program.outputs)} outputs on {shape[0]} dates x {shape[1]} assets in chunks of {args.chunk_rows} "
          f"dates on {where}: {seconds:.2f} s" + (f"\nwrote {result}" if args.out else ""))
    return 0
