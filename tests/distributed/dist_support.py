"""Helpers of the tests/distributed modules: cluster size, bitwise comparison, reading a written dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd


def scale(client, workers: int) -> None:
    """Grow or shrink the test cluster to exactly ``workers`` worker processes."""
    import time

    client.cluster.scale(workers)
    deadline = time.monotonic() + 120
    while len(client.scheduler_info(n_workers=-1)["workers"]) != workers:
        assert time.monotonic() < deadline, "the cluster did not reach its size"
        time.sleep(0.1)


def assert_bit_identical(expected: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> None:
    """The same outputs, each with the same shape and bytes (NaN payloads and signed zeros included)."""
    assert list(got) == list(expected)
    bad = [name for name in expected if got[name].shape != expected[name].shape
           or np.ascontiguousarray(got[name]).tobytes() != np.ascontiguousarray(expected[name]).tobytes()]
    assert not bad, f"{len(bad)} outputs differ, e.g. {bad[:5]}"


def read_dataset(path, dates, assets, names) -> dict[str, np.ndarray]:
    """The outputs of a written dataset as (T, N) arrays, pivoted by pandas (independent of the writer)."""
    frame = pd.read_parquet(path)
    assert len(frame) == len(dates) * len(assets)
    frame = frame.set_index(["date", "asset"]).sort_index()
    index = pd.MultiIndex.from_product([pd.Index(dates), pd.Index(assets)])
    return {name: frame[name].reindex(index).to_numpy().reshape(len(dates), len(assets)) for name in names}


def leftovers(directory) -> list[str]:
    """Hidden temporary directories or partial files anywhere under ``directory``."""
    from pathlib import Path

    return sorted(str(p) for p in Path(directory).rglob("*") if p.name.startswith(".") or "inprogress" in p.name)
