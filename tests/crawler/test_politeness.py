"""Politeness and safety, seen from the fixture server's side."""

from __future__ import annotations

import pytest

from crawler import fixture_site
from tests.crawler.conftest import crawl, write_sources

pytestmark = pytest.mark.integration


@pytest.fixture
def polite_site():
    base = fixture_site.start(crawl_delay=1, retry_after=3)
    yield base
    fixture_site.stop()


def test_robots_crawl_delay_retry_after_user_agent_one_at_a_time(polite_site, tmp_path):
    base = polite_site
    sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"],
                            start_urls=[f"{base}/sitemaps/politesse.xml"])
    _, summary = crawl(sources, tmp_path / "db.duckdb", "--set", "AUTOTHROTTLE_START_DELAY=0.2",
                       "--set", "AUTOTHROTTLE_MAX_DELAY=5", delay=0.2)
    hits = sorted(fixture_site.hits(), key=lambda h: h.started)
    paths = [h.path for h in hits]
    assert paths[0] == "/robots.txt"
    assert "/prive/note-interne-redaction.html" not in paths  # robots.txt Disallow
    assert summary["totals"]["failed"] == {"robots": 1}
    assert summary["totals"]["new"] == 3  # la-chatre answered 429 first, then the page
    # The User-Agent names us and says how to reach us.
    from veille.config import Settings

    assert all(Settings().contact_url in h.user_agent for h in hits)
    # One request at a time, and Crawl-delay: 1 between two starts.
    for prev, cur in zip(hits, hits[1:], strict=False):
        assert cur.started >= prev.ended - 0.01, (prev.path, cur.path)
        assert cur.started - prev.started >= 1.0 - 0.02, (prev.path, cur.path)
    # 429 with Retry-After: 3 -> no new request to the host for 3 s.
    i = paths.index("/actualites/sante/la-chatre-un-bus-sante-pour-les-villages.html")
    assert hits[i].status == 429
    assert hits[i + 1].started - hits[i].started >= 3.0 - 0.02


def test_circuit_breaker_stops_asking_a_failing_host(tmp_path):
    base = fixture_site.start()
    try:
        port = base.rsplit(":", 1)[1]
        sources = write_sources(tmp_path / "s.toml", domains=["localhost"],
                                start_urls=[f"http://localhost:{port}/panne/sitemap.xml"])
        _, summary = crawl(sources, tmp_path / "db.duckdb", "--set", "VEILLE_BREAKER_THRESHOLD=3",
                           "--set", "RETRY_TIMES=0")
        asked = [h.path for h in fixture_site.hits() if h.path.startswith("/panne/article")]
    finally:
        fixture_site.stop()
    assert len(asked) == 3
    assert summary["totals"]["failed"] == {"http_503": 3, "circuit_open": 9}


def test_private_addresses_are_refused_unless_the_source_allows_them(tmp_path):
    base = fixture_site.start()
    try:
        port = base.rsplit(":", 1)[1]
        sources = write_sources(tmp_path / "s.toml", domains=["localhost"], allow_private=False,
                                start_urls=[f"http://localhost:{port}/sitemaps/pages.xml"])
        _, summary = crawl(sources, tmp_path / "db.duckdb")
        assert fixture_site.hits() == []  # not even robots.txt
    finally:
        fixture_site.stop()
    assert summary["totals"]["failed"] == {"private_address": 1}
