"""`veille backfill sitemaps` on the fixture site's dated archive (24 monthly sitemaps):
exactly the period is fetched, a budget or a SIGKILL resumes without fetching twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from datetime import date

import pytest

from crawler import fixture_site
from tests.crawler.conftest import FAST, ROOT, VEILLE, run_veille

pytestmark = pytest.mark.integration

POLITE = ["--set", "DOWNLOAD_DELAY=0.05"]


def _sources(tmp_path, base):
    path = tmp_path / "archive.toml"
    path.write_text(
        '[[source]]\nid = "echo-du-berry"\nname = "L\'Écho du Berry (fixture)"\nregion = "24"\n'
        f'departements = ["18", "36"]\nstart_urls = ["{base}/rss.xml"]\n'
        'allowed_domains = ["127.0.0.1"]\nallow_private = true\n'
        f'archive_sitemaps = ["{base}/archives/sitemap-index.xml"]\n',
        encoding="utf-8",
    )
    return path


def _backfill(sources, db, since, *extra):
    proc = run_veille(
        "backfill",
        "sitemaps",
        "--since",
        since,
        "--sources",
        str(sources),
        "--db",
        str(db),
        "--format",
        "json",
        *FAST,
        *POLITE,
        *extra,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout)


def _period(since: str) -> set[str]:
    return {p for p, d in fixture_site.archive_articles() if d >= since}


def _article_hits() -> list[str]:
    dates = dict(fixture_site.archive_articles())
    return [h.path for h in fixture_site.hits() if h.path in dates]


def _sitemap_hits() -> list[str]:
    return [h.path for h in fixture_site.hits() if h.path.startswith("/archives/sitemap")]


def test_exactly_the_period_then_nothing_twice(site, tmp_path):
    from store.db import connect
    from store.process import process

    sources, db, since = _sources(tmp_path, site), tmp_path / "v.duckdb", "2024-03-10"
    code, summary = _backfill(sources, db, since)
    expected = _period(since)
    assert code == 0 and summary["status"] == "ok"
    assert Counter(_article_hits()) == Counter(dict.fromkeys(expected, 1))
    # Monthly sitemaps whose <lastmod> is before --since are never fetched.
    months = {m for m in fixture_site.archive_months() if m >= since[:7]}
    assert sorted(_sitemap_hits()) == sorted(
        ["/archives/sitemap-index.xml"]
        + [
            f"/archives/sitemap-{m}.xml"
            + (".gz" if m == fixture_site.ARCHIVE_GZIPPED_MONTH else "")
            for m in months
        ]
    )
    assert summary["fetched"] == len(expected) and summary["pending_articles"] == 0

    # The analyse stage cleans what the backfill stored; dates come from the pages.
    assert process(db, analyse=False, stories=False).cleaned == len(expected)
    con = connect(db, read_only=True)
    try:
        published = [r[0] for r in con.execute("SELECT published FROM articles").fetchall()]
        runs = con.execute("SELECT kind, status FROM crawl_runs").fetchall()
    finally:
        con.close()
    assert len(published) == len(expected) and min(published) >= date.fromisoformat(since)
    assert runs == [("backfill", "ok")]

    fixture_site.clear_hits()
    code, again = _backfill(sources, db, since)
    assert code == 0 and again["fetched"] == 0 and _article_hits() == [] and _sitemap_hits() == []

    # An earlier --since reaches the older sitemaps, and only what is new is fetched.
    fixture_site.clear_hits()
    code, older = _backfill(sources, db, "2024-01-01")
    assert code == 0
    assert set(_article_hits()) == _period("2024-01-01") - expected
    assert len(_article_hits()) == len(set(_article_hits()))


def test_a_budget_resumes_where_it_stopped(site, tmp_path):
    sources, db, since = _sources(tmp_path, site), tmp_path / "v.duckdb", "2024-01-01"
    expected = _period(since)
    runs = []
    for _ in range(10):
        code, summary = _backfill(sources, db, since, "--max-pages", "7")
        runs.append(summary["fetched"])
        if code == 0:
            break
    assert all(n == 7 for n in runs[:-1]) and sum(runs) == len(expected)
    assert Counter(_article_hits()) == Counter(dict.fromkeys(expected, 1))
    assert len(_sitemap_hits()) == len(set(_sitemap_hits()))


def test_sigkill_at_random_moments_fetches_nothing_twice_and_misses_nothing(tmp_path):
    """A page fetched at the very moment of the kill (served, not yet committed) is the
    only one that may be fetched again: the store cannot know it was served. There is at
    most one such page per kill (one request per host at a time); every other URL, sitemaps
    included, is fetched exactly once, and none of the period is missed."""
    base = fixture_site.start()
    rng = random.Random(11)
    sources, db, since = _sources(tmp_path, base), tmp_path / "v.duckdb", "2023-07-01"
    env = dict(os.environ, VEILLE_DOWNLOAD_DELAY="0")
    kills: list[float] = []
    try:
        for _ in range(6):
            proc = subprocess.Popen(
                [
                    *VEILLE,
                    "backfill",
                    "sitemaps",
                    "--since",
                    since,
                    "--sources",
                    str(sources),
                    "--db",
                    str(db),
                    *FAST,
                    "--set",
                    "DOWNLOAD_DELAY=0.1",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(1.0, 4.0))  # start-up, seeding, sitemaps or articles
            kills.append(time.monotonic())
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        code, final = _backfill(sources, db, since)
        assert code == 0 and final["pending_articles"] == 0
        hits = [h for h in fixture_site.hits() if h.path.startswith("/archives/")]
    finally:
        fixture_site.stop()
    expected = _period(since)
    fetched = Counter(h.path for h in hits if h.path in dict(fixture_site.archive_articles()))
    assert set(fetched) == expected  # none missed, none outside the period
    first: dict[str, fixture_site.Hit] = {}
    twice = []
    for h in hits:
        if h.path in first:
            twice.append((h.path, first[h.path]))
        else:
            first[h.path] = h
    for path, hit in twice:
        in_flight = any(hit.started <= k and hit.ended >= k - 2.0 for k in kills)
        assert in_flight, f"{path} fetched again although it was done before any kill"
    assert len(twice) <= len(kills)
    from store.db import connect

    con = connect(db, read_only=True)
    try:
        statuses = [r[0] for r in con.execute("SELECT status FROM crawl_runs").fetchall()]
    finally:
        con.close()
    assert "running" not in statuses, statuses  # killed runs are marked at the next start
    print(
        f"{len(kills)} kills, {len(twice)} page(s) in flight at a kill fetched again, "
        f"{len(first)} URLs"
    )
