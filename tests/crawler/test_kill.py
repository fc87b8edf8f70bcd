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
from tests.crawler.conftest import FAST, VEILLE, ROOT, crawl, write_sources

pytestmark = pytest.mark.integration

N_PAGES = 120


def _counts(db):
    from store.db import connect

    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT url) FROM articles),"
            " (SELECT count(*) FROM pages), (SELECT count(DISTINCT url) FROM pages)").fetchone()
    finally:
        con.close()


def test_ten_sigkills_then_normal_runs(tmp_path):
    base = fixture_site.start()
    rng = random.Random(4)
    db = tmp_path / "veille.duckdb"
    sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"],
                            start_urls=[f"{base}/bench/sitemap.xml?n={N_PAGES}"])
    args = [*VEILLE, "crawl", "--sources", str(sources), "--db", str(db), "--format", "json",
            *FAST, "--set", "VEILLE_FLUSH_EVERY=10"]
    env = dict(os.environ, VEILLE_DOWNLOAD_DELAY="0")
    try:
        for _ in range(10):
            proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 4.0))  # startup, discovery, fetching or a flush
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if db.exists():
                arts, distinct_arts, pages, distinct_pages = _counts(db)  # the file opens
                assert arts == distinct_arts and pages == distinct_pages
            code, summary = crawl(sources, db, "--set", "VEILLE_FLUSH_EVERY=10")
            assert code == 0, summary
            arts, distinct_arts, pages, distinct_pages = _counts(db)
            assert arts == distinct_arts == pages == distinct_pages == N_PAGES
    finally:
        fixture_site.stop()
