"""`veille sources check`, the live canary, run against the local fixture site only."""

from __future__ import annotations

import json

import pytest

from tests.crawler.conftest import fixture_sources, run_veille, write_sources

pytestmark = pytest.mark.integration


def test_check_reports_article_links_per_discovery_url(site, tmp_path):
    sources = fixture_sources(tmp_path, site)
    proc = run_veille("sources", "check", "--sources", str(sources), "--delay", "0",
                      "--format", "json", timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in json.loads(proc.stdout)}
    assert rows["rss.xml"]["kind"] == "entries" and rows["rss.xml"]["links"] == 5
    # example.org, 127.0.0.2 and 169.254.169.254 are refused by host; file: is no link.
    assert rows["rss.xml"]["offsite"] == 3 and "allowed_domains" in rows["rss.xml"]["fix"]
    assert rows["sitemap.xml"]["kind"] == "index" and rows["sitemap.xml"]["links"] == 3
    assert rows["local.html"]["kind"] == "html" and rows["local.html"]["links"] == 4


def test_check_fails_on_a_dead_source(site, tmp_path):
    sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"],
                            start_urls=[f"{site}/sitemaps/casse.xml", f"{site}/nulle-part.xml"])
    proc = run_veille("sources", "check", "--sources", str(sources), "--delay", "0", timeout=60)
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout
