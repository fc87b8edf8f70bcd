"""Ops test helpers: `veille` as a subprocess (as cron runs it) against the demo press site.

The session-scoped `demo_run` runs `veille demo --no-serve` once (a full nightly with the
real models) and the other tests read its working database and published snapshot.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ops.demo import FAST_OVERRIDES, HISTORY_ENV

ROOT = Path(__file__).resolve().parents[2]
VEILLE = (
    [str(ROOT / ".venv/bin/veille")]
    if (ROOT / ".venv/bin/veille").exists()
    else [sys.executable, "-c", "from veille.cli import main; main()"]
)
# No politeness against our own local server: the suite must stay fast.
FAST = [*FAST_OVERRIDES, "--set", "LOG_LEVEL=WARNING"]
# Views whose rows depend on the run history itself (run ids, run counts), not on the input.
RUN_DEPENDENT_VIEWS = {"v_source_health"}


def env_for(data: Path, **extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        VEILLE_DB_PATH=str(data / "veille.duckdb"),
        VEILLE_PUBLISHED_PATH=str(data / "published" / "veille.duckdb"),
        VEILLE_LOG_DIR=str(data / "logs"),
        VEILLE_DOWNLOAD_DELAY="0",
        **HISTORY_ENV,  # as the demo: the crawl's recent pages, then the year's archives
    )
    env.pop("VEILLE_CONFIG", None)
    env.update(extra)
    return env


def veille(
    *args: str, data: Path, timeout: float = 600, **extra: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*VEILLE, *args],
        env=env_for(data, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def content_counts(path: Path) -> dict[str, int]:
    """Rows per public view (except run-history views) and per main table."""
    from store.queries import PUBLIC_VIEWS, open_readonly

    con = open_readonly(path)
    try:
        out = {
            v: con.execute(f"SELECT count(*) FROM {v}").fetchall()[0][0]
            for v in PUBLIC_VIEWS
            if v not in RUN_DEPENDENT_VIEWS
        }
        for t in ("pages", "articles", "initiatives", "figures", "commune_mentions", "stories"):
            out[t] = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        return out
    finally:
        con.close()


def content_checksums(path: Path) -> dict[str, tuple[int, int]]:
    from store.queries import open_readonly, view_checksums

    con = open_readonly(path)
    try:
        return {k: v for k, v in view_checksums(con).items() if k not in RUN_DEPENDENT_VIEWS}
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`veille demo --no-serve` into a temp folder: the demo, and a nightly run end to end."""
    data = tmp_path_factory.mktemp("demo")
    port = free_port()
    proc = veille("demo", "--no-serve", "--port", str(port), "--data", str(data), data=data)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {
        "data": data,
        "port": port,
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "db": data / "veille.duckdb",
        "published": data / "published" / "veille.duckdb",
    }
