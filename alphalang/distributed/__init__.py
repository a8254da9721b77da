"""Exact, chunked evaluation of a program over time on dask.distributed (``pip install alphalang[dask]``).

``program.run_chunked(source, chunk_rows=250, client=None, out=None)`` evaluates every output of ``program``
over ``source`` (a ``Panel`` or a long parquet dataset path, hive partitions allowed) in chunks of
``chunk_rows`` dates, on a ``LocalCluster`` of ``workers`` processes (no ``client``), an existing
``distributed.Client`` or a scheduler address. It returns ``{output: (T, N) array}`` like ``run`` - bit
for bit the same numbers - or, with ``out``, writes a parquet dataset (one file per chunk, committed
atomically) and returns its path. Why each case is exact: ``docs/distributed.md``.

Example (no cluster: the chunk tasks in process):
    >>> import numpy as np, alphalang
    >>> from alphalang.distributed.chunks import ChunkLayout
    >>> ChunkLayout.build(300, 100, (20, 0), (False, True)).read_range(1)
    (80, 200)
"""

from __future__ import annotations

from alphalang.distributed.engine import default_chunk_rows, local_client, run_chunked
from alphalang.distributed.sources import PanelSource, ParquetSource, as_source

__all__ = ["PanelSource", "ParquetSource", "as_source", "default_chunk_rows", "local_client", "run_chunked"]
