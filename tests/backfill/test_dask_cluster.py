"""`backfill warc --scheduler` against a separately started `dask scheduler` + 2 `dask worker`
processes on 127.0.0.1 (started and stopped here), including a worker killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backfill.run import backfill_warc, local_segments
from tests.backfill.helpers import SPACY_MODEL, duplicates, snapshot

pytestmark = [pytest.mark.models, pytest.mark.integration]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """Scheduler address of a loopback cluster: 1 scheduler, 2 workers (nanny-managed)."""
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    common = ["--host", "127.0.0.1", "--no-dashboard"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dask",
                "scheduler",
                "--port",
                "0",
                "--scheduler-file",
                str(info),
                *common,
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for name in ("w1", "w2"):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "dask",
                        "worker",
                        "--scheduler-file",
                        str(info),
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--name",
                        name,
                        *common,
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    cwd=folder,
                )
            )
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_external_cluster_stores_the_same(
    cluster, reference, sample, sample_sources, tmp_path
) -> None:
    db = tmp_path / "ext.duckdb"
    report = backfill_warc(
        db,
        local_segments([str(p) for p in sample.files]),
        sources=sample_sources,
        spacy_model=SPACY_MODEL,
        scheduler=cluster,
    )
    assert report.executor == f"scheduler {cluster}"
    assert snapshot(db) == snapshot(reference[0])


def test_worker_killed_mid_run_costs_a_retry_not_the_job(
    cluster, reference, sample, sample_sources, tmp_path
) -> None:
    from distributed import Client

    killed: list[str] = []

    def kill_a_busy_worker() -> None:
        """SIGKILL the first worker seen holding one of this run's map tasks."""
        with Client(cluster, timeout="30s") as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                for worker, keys in client.processing().items():
                    if any(str(k).startswith("warc-map-") for k in keys):
                        pid = client.run(os.getpid, workers=[worker])[worker]
                        os.kill(pid, signal.SIGKILL)
                        killed.append(f"{worker} pid {pid} holding {sorted(map(str, keys))}")
                        return
                time.sleep(0.02)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    db = tmp_path / "killed.duckdb"
    try:
        backfill_warc(
            db,
            local_segments([str(p) for p in sample.files]),
            sources=sample_sources,
            spacy_model=SPACY_MODEL,
            scheduler=cluster,
        )
    finally:
        killer.join()
    assert killed, "no worker was caught holding a task"
    assert duplicates(db) == 0
    assert snapshot(db) == snapshot(reference[0])
