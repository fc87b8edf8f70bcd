"""SIGKILL `veille nightly` at random moments, then run it normally: the published
snapshot always opens and the final counts equal an uninterrupted run's (the demo's).

Runs 1-2 start from an empty database so the kill lands in the crawl or the analysis;
later runs kill a night with nothing new (crawl, retention, publish). The store's own
kill tests (tests/store/test_kill.py) hammer the analysis batches."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawler import fixture_site
from ops.demo import DEMO_DIR, write_sources
from tests.ops.conftest import FAST, VEILLE, content_counts, env_for

pytestmark = [pytest.mark.integration, pytest.mark.models]


def _snapshot_opens(path: Path) -> None:
    import duckdb

    if not path.exists():
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SELECT count(*) FROM v_articles, v_stories LIMIT 1").fetchall()
    finally:
        con.close()


def test_sigkill_at_random_moments(demo_run: dict, tmp_path: Path) -> None:
    reference = content_counts(demo_run["published"])
    rng = random.Random(int(os.environ.get("KILL_SEED", "6")))
    base = fixture_site.start(root=DEMO_DIR / "site")
    try:
        sources = write_sources(base, tmp_path)
        data = tmp_path / "night"
        cmd = [
            *VEILLE,
            "nightly",
            "--sources",
            str(sources),
            "--no-embeddings",
            "--format",
            "json",
            *FAST,
        ]
        env = env_for(data)
        published = data / "published" / "veille.duckdb"
        killed_codes = []
        # Kill moments are drawn inside the measured length of the run they interrupt,
        # so the kills land whatever the machine's speed (a fixed range missed them
        # all on an idle machine). Run 0's range is a guess; then measured.
        full_run, quiet_run = 25.0, 6.0
        for i in range(10):
            span = full_run if i < 2 else quiet_run
            delay = rng.uniform(0.05, 0.9) * span
            if i < 2:
                shutil.rmtree(data, ignore_errors=True)
            started = time.monotonic()
            proc = subprocess.Popen(
                cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            killed_codes.append(proc.returncode)
            first_part = time.monotonic() - started
            _snapshot_opens(published)
            started = time.monotonic()
            again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
            if i == 0:
                full_run = first_part + (time.monotonic() - started)
            else:
                quiet_run = time.monotonic() - started
            assert again.returncode == 0, f"run after kill #{i}: " + again.stderr[-3000:]
            _snapshot_opens(published)
            assert content_counts(published) == reference, f"after kill #{i} (delay {delay:.1f}s)"
        assert killed_codes.count(-signal.SIGKILL) >= 5, killed_codes
    finally:
        fixture_site.stop()
