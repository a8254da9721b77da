"""One LocalCluster (separate worker processes) for every test of tests/distributed, and shared helpers.

The cluster starts with one worker; ``scale(client, k)`` grows or shrinks it. Programs are compiled (and the
numba cache warmed) in the parent by each module's fixtures before any chunk task runs, so workers only load.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(scope="session")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        yield client
