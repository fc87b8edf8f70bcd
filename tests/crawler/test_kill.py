"""Kill test: SIGKILL a fixture crawl at random moments; the file always opens and the
next normal run finishes the job without a duplicate article."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from crawler import fixture_site
from tests.crawler.conftest import FAST, ROOT, VEILLE, crawl, write_sources

pytestmark = pytest.mark.integration

BATCH = 60  # new articles offered by each round, so every kill has work to interrupt


def _counts(db):
    from store.db import connect

    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT url) FROM articles),"
            " (SELECT count(*) FROM pages), (SELECT count(DISTINCT url) FROM pages)").fetchone()
    finally:
        con.close()


def _wait_for_article_hits(timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(h.path.startswith("/bench/article-") for h in fixture_site.hits()):
            return
        time.sleep(0.05)


def test_ten_sigkills_then_normal_runs(tmp_path):
    base = fixture_site.start()
    rng = random.Random(4)
    db = tmp_path / "veille.duckdb"
    env = dict(os.environ, VEILLE_DOWNLOAD_DELAY="0")
    interrupted = []
    try:
        for k in range(10):
            sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"], start_urls=[
                f"{base}/bench/sitemap.xml?n={BATCH}&start={k * BATCH}"])
            extra = ["--set", "VEILLE_FLUSH_EVERY=5", "--set", "DOWNLOAD_DELAY=0.05"]
            fixture_site.clear_hits()
            proc = subprocess.Popen(
                [*VEILLE, "crawl", "--sources", str(sources), "--db", str(db), *FAST, *extra],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if k % 2 == 0:  # any moment: imports, migrations, discovery, fetching, a flush
                time.sleep(rng.uniform(0.3, 3.0))
            else:  # while articles are being fetched and flushed
                _wait_for_article_hits(timeout=30)
                time.sleep(rng.uniform(0.5, 3.0))
            hits_at_kill = sum(h.path.startswith("/bench/article-") for h in fixture_site.hits())
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if db.exists():
                arts, distinct_arts, pages, distinct_pages = _counts(db)  # the file opens
                assert arts == distinct_arts and pages == distinct_pages
                interrupted.append((hits_at_kill, arts - k * BATCH))
            code, summary = crawl(sources, db, *extra)
            assert code == 0, summary
            assert _counts(db) == ((k + 1) * BATCH,) * 4
    finally:
        fixture_site.stop()
    from store.db import connect

    con = connect(db, read_only=True)
    try:
        statuses = [r[0] for r in con.execute("SELECT status FROM crawl_runs").fetchall()]
    finally:
        con.close()
    # Killed runs were marked at the next start; none is left "running".
    assert "running" not in statuses and statuses.count("ok") == 10, statuses
    print("articles stored by each killed run:", interrupted, "runs:", statuses)
    assert any(0 < n < BATCH for _, n in interrupted), interrupted  # some kills hit mid-crawl
