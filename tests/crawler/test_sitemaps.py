"""Dated sitemap parsing (no network) and the backfill's seeds."""

from __future__ import annotations

from datetime import date

from crawler.backfill import seeds
from crawler.sitemaps import parse_date, parse_dated
from crawler.sources import Source

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def test_index_and_urlset_keep_their_dates():
    index = (
        f'<?xml version="1.0"?><sitemapindex {NS}>'
        "<sitemap><loc>https://ex.fr/s-2024-01.xml</loc>"
        "<lastmod>2024-01-31T23:00:00+01:00</lastmod></sitemap>"
        "<sitemap><loc>https://ex.fr/s-old.xml</loc></sitemap></sitemapindex>"
    ).encode()
    assert parse_dated(index) == (
        "index",
        [("https://ex.fr/s-2024-01.xml", date(2024, 1, 31)), ("https://ex.fr/s-old.xml", None)],
    )
    urlset = (
        f'<?xml version="1.0"?><urlset {NS} {NEWS}>'
        "<url><loc>https://ex.fr/a.html</loc><lastmod>2024-01-05</lastmod></url>"
        "<url><loc>https://ex.fr/b.html</loc><news:news>"
        "<news:publication_date>2023-12-24T08:00:00Z</news:publication_date>"
        "</news:news></url></urlset>"
    ).encode()
    assert parse_dated(urlset) == (
        "urlset",
        [("https://ex.fr/a.html", date(2024, 1, 5)), ("https://ex.fr/b.html", date(2023, 12, 24))],
    )


def test_odd_inputs():
    assert parse_dated(b"<html><body>page</body></html>") == ("other", [])
    assert parse_dated(b'<?xml version="1.0"?><rss><channel/></rss>') == ("other", [])
    assert parse_dated(b'<?xml version="1.0"?><urlset><url>') == ("broken", [])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e "https://evil/">]>'
        b"<urlset><url><loc>&e;</loc></url></urlset>"
    )
    assert parse_dated(bomb)[1] in ([], [("&e;", None)])  # never expanded
    assert parse_date("2024-03") == date(2024, 3, 1)
    assert parse_date("2024-02-30") is None and parse_date("hier") is None


def test_seeds_are_archive_sitemaps_else_robots():
    base = dict(id="x", name="X", region="24", departements=("18",), allowed_domains=("ex.fr",))
    with_archive = Source(
        start_urls=("https://www.ex.fr/rss",),
        archive_sitemaps=("https://www.ex.fr/sitemap-index.xml",),
        **base,
    )
    assert seeds(with_archive) == ["https://www.ex.fr/sitemap-index.xml"]
    plain = Source(
        start_urls=("https://www.ex.fr/rss", "https://www.ex.fr/sante/", "https://m.ex.fr/feed"),
        **base,
    )
    assert seeds(plain) == ["https://www.ex.fr/robots.txt", "https://m.ex.fr/robots.txt"]
