"""The acceptance test: a full crawl of the fixture site, then a second run."""

from __future__ import annotations

import pytest

from crawler import fixture_site
from tests.crawler.conftest import crawl, fixture_sources

pytestmark = pytest.mark.integration

# (The in-article "Abonnez-vous" call-to-action is left to nlp.furniture, not checked here.)
BOILERPLATE = ("cookies", "Tous droits réservés", "Se connecter", "Lire aussi",
               "Partager")


def test_fixture_crawl_stores_good_articles_once_and_every_fault(site, tmp_path):
    from store.db import connect

    db = tmp_path / "veille.duckdb"
    sources = fixture_sources(tmp_path, site)
    code, first = crawl(sources, db)
    assert code == 1 and first["status"] == "partial"  # the faults make it partial
    totals = first["totals"]
    assert totals["new"] == fixture_site.GOOD_ARTICLE_COUNT
    _clean(db)

    con = connect(db, read_only=True)
    try:
        arts = con.execute(
            "SELECT url, title, published, text, body_start FROM articles").fetchall()
        assert len(arts) == fixture_site.GOOD_ARTICLE_COUNT
        assert len({a[0] for a in arts}) == len(arts)
        for url, title, published, text, body_start in arts:
            assert "utm_" not in url and "#" not in url and "xtor" not in url
            assert title and published is not None, url
            assert text.startswith(title) and len(text) - body_start > 100
            assert not [b for b in BOILERPLATE if b in text], (url, text)
        port = site.rsplit(":", 1)[1]
        failures = dict(con.execute("SELECT url, reason FROM fetch_failures").fetchall())
        expected = {
            (u.format(port=port) if "://" in u else site + u): reason
            for u, reason in fixture_site.EXPECTED_FAILURES.items()
        }
        assert failures == expected
        run = con.execute("SELECT status, summary FROM crawl_runs").fetchall()
        assert [r[0] for r in run] == ["partial"]
        pages = con.execute("SELECT count(*), count(body), min(status) FROM pages").fetchone()
        assert pages == (fixture_site.GOOD_ARTICLE_COUNT, fixture_site.GOOD_ARTICLE_COUNT, 200)
        # The analyse stage records how it decoded each page (and with which cleaner).
        decoded = con.execute("SELECT DISTINCT charset_used, clean_version IS NOT NULL "
                              "FROM pages").fetchall()
        assert decoded == [("utf-8", True)]
    finally:
        con.close()

    fixture_site.clear_hits()
    _, second = crawl(sources, db)
    assert _clean(db).selected == 0  # nothing new to clean
    article_paths = {p for p in fixture_site.state.articles}
    fetched_again = [h.path for h in fixture_site.hits() if h.path.split("?")[0] in article_paths]
    assert fetched_again == []
    assert second["totals"]["new"] == 0
    assert second["totals"]["skipped"] == fixture_site.GOOD_ARTICLE_COUNT
    # Faults that will not heal are not asked again; transient ones (5xx, 429, timeout) are.
    assert set(second["totals"]["failed"]) <= {"http_500", "http_429", "timeout", "robots",
                                               "bad_scheme", "bad_sitemap", "offsite",
                                               "private_address"}
    refetched = {h.path for h in fixture_site.hits()}
    assert "/documents/rapport-ars-2024.pdf" not in refetched
    assert "/actualites/sante/article-supprime.html" not in refetched


def _clean(db):
    """The crawl stores raw pages; the analyse stage cleans them (here without the models)."""
    from store.process import process

    return process(db, analyse=False, stories=False)


def test_a_timed_out_crawl_says_so_and_keeps_what_it_fetched(site, tmp_path):
    from tests.crawler.conftest import write_sources

    sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"],
                            start_urls=[f"{site}/bench/sitemap.xml?n=400"])
    _, summary = crawl(sources, tmp_path / "db.duckdb", "--set", "CLOSESPIDER_TIMEOUT=2",
                       "--set", "DOWNLOAD_DELAY=0.05")
    assert summary["close_reason"] == "closespider_timeout"
    assert summary["status"] == "partial"
    assert 0 < summary["totals"]["new"] < 400
