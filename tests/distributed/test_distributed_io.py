"""Chunked runs reading hive-partitioned parquet (real S&P 500 prices) and writing a parquet dataset: equal to
the in-memory run; a worker killed mid-run is replaced and the written dataset is still identical, with no
partial file or temporary directory left; a failed run leaves nothing under the target name."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from dist_support import assert_bit_identical, leftovers, read_dataset, scale  # noqa: E402

import alphalang  # noqa: E402
from alphalang.distributed import PanelSource  # noqa: E402
from alphalang.distributed.sinks import MANIFEST  # noqa: E402
from alphalang.errors import AlphaDataError  # noqa: E402

cloudpickle.register_pickle_by_value(__import__(__name__))  # the sources below are unpickled on the workers

SP500 = Path(__file__).resolve().parents[3] / "shared" / "data" / "sp500"
PANEL = alphalang.demo_panel(160, 12, seed=9)
FORMULAS = """
mom = rank(delta(close, 5))
ema = ts_ema(returns, 10)
neut = group_neutralize(ts_sum(returns, 4), sector)
corr = ts_corr(close, volume, 10)
"""


@pytest.fixture(scope="module")
def program():
    program = alphalang.compile(FORMULAS)
    program.run(PANEL)  # compile in the parent
    return program


class KillOnce(PanelSource):
    """Reads on the worker (lazy); the first read of chunk ``victim`` kills that worker process (SIGKILL)."""

    lazy = True

    def __init__(self, panel, marker: str, victim_start: int) -> None:
        super().__init__(panel)
        self.marker, self.victim_start = marker, victim_start

    def read(self, first, stop, fields, groups):
        if stop > self.victim_start >= first and not os.path.exists(self.marker):
            Path(self.marker).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return super().read(first, stop, fields, groups)


class AlwaysFails(PanelSource):
    lazy = True

    def read(self, first, stop, fields, groups):
        if first >= 40:
            raise OSError("disk on fire")
        return super().read(first, stop, fields, groups)


def test_killed_worker_retried_output_identical(dask_client, program, tmp_path):
    scale(dask_client, 2)
    marker, out = tmp_path / "killed", tmp_path / "out"
    result = program.run_chunked(KillOnce(PANEL, str(marker), 100), 20, client=dask_client, out=out)
    assert marker.exists() and result == out
    assert_bit_identical(program.run(PANEL), read_dataset(out, PANEL.dates, PANEL.assets, program.outputs))
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST] + [f"part-{k:05d}.parquet" for k in range(8)]
    assert leftovers(tmp_path) == []


def test_failed_run_leaves_nothing(dask_client, program, tmp_path):
    with pytest.raises(OSError, match="disk on fire"):
        program.run_chunked(AlwaysFails(PANEL), 20, client=dask_client, out=tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_existing_output_refused(program, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").touch()
    with pytest.raises(AlphaDataError, match="already exists"):
        program.run_chunked(PANEL, 20, client="unused", out=tmp_path / "out")


def sp500_long(n_dates: int = 260, every: int = 12) -> pd.DataFrame:
    """The last ``n_dates`` dates of the real prices for every ``every``-th ticker (listings and gaps as they
    are), with text sectors; a few tickers absent from whole years."""
    if not (SP500 / "prices.parquet").is_file():
        pytest.skip(f"real S&P 500 prices not found in {SP500}")
    long = pd.read_parquet(SP500 / "prices.parquet")
    dates = np.sort(long["date"].unique())[-n_dates:]
    tickers = np.sort(long["asset"].unique())[::every]
    long = long[long["date"].isin(dates) & long["asset"].isin(tickers)]
    sectors = pd.read_csv(SP500 / "sectors.csv")[["asset", "sector"]]
    long = long.merge(sectors, on="asset", how="left")
    return long.assign(year=long["date"].dt.year).reset_index(drop=True)


@pytest.mark.parametrize("by", ["year", "asset"])
def test_hive_parquet_sp500_equals_in_memory(dask_client, program, tmp_path, by):
    long = sp500_long()
    data = tmp_path / "prices"
    table = pa.Table.from_pandas(long if by == "year" else long.drop(columns="year"), preserve_index=False)
    pq.write_to_dataset(table, root_path=str(data), partition_cols=[by])
    expected = program.run(alphalang.load_panel(data, fields=["close", "volume"]))  # the in-memory run
    pivot = long.pivot(index="date", columns="asset", values="close")  # an independent look at the data
    got = program.run_chunked(data, 37, client=dask_client)
    assert got["mom"].shape == pivot.shape and np.isnan(pivot.to_numpy()).any()
    assert_bit_identical(expected, got)


def test_cli_chunked_run_on_a_scheduler(dask_client, program, tmp_path, capsys):
    import json

    from alphalang.cli import main
    from alphalang.data.io import write_parquet

    data, out, source = tmp_path / "prices", tmp_path / "alphas", tmp_path / "f.alpha"
    write_parquet(PANEL, data, partition_by="year")
    source.write_text(FORMULAS)
    argv = ["run", str(source), "--data", str(data), "--out", str(out), "--chunk-rows", "50", "--json",
            "--scheduler", dask_client.scheduler.address]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["shape"] == [160, 12] and report["out"] == str(out)
    assert_bit_identical(program.run(PANEL), read_dataset(out, PANEL.dates, PANEL.assets, program.outputs))
    assert main(argv) == 1  # the output exists: refused, named on stderr
    assert "already exists" in capsys.readouterr().err


def test_date_partitioned_source_reads_whole_rows(tmp_path):
    """A dataset partitioned by date (text partition values) reads a chunk's rows for every asset, missing
    cells NaN and group -1, in the panel's order (no cluster: the read a task does)."""
    from alphalang.distributed import ParquetSource

    long = PANEL.to_long(include_groups=True).reset_index()
    long = long[~((long["asset"] == PANEL.assets[3]) & (long["date"] >= PANEL.dates[15]))]  # delisted at row 15
    pq.write_to_dataset(pa.Table.from_pandas(long, preserve_index=False), root_path=str(tmp_path / "d"),
                        partition_cols=["date"])
    source = ParquetSource(tmp_path / "d")
    assert source.n_rows == PANEL.n_dates and list(source.assets) == list(PANEL.assets)
    chunk = source.read(10, 30, ("close",), ("sector",))
    close = PANEL.field("close")[10:30].copy()
    close[5:, 3] = np.nan
    sector = np.broadcast_to(PANEL.groups["sector"], (20, PANEL.n_assets)).copy()
    sector[5:, 3] = -1
    assert chunk.first == 10 and np.array_equal(chunk.fields["close"], close, equal_nan=True)
    assert np.array_equal(chunk.groups["sector"], sector)
