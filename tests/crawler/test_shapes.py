"""Held-out shapes of the real regional press (crawler.fixture_shapes): a BOM feed on a
moved host, a news sitemap index, a paginated date-path listing, a paywalled teaser,
a robots.txt answering 503 and a TDM reservation. Exact counts."""

from __future__ import annotations

import json

import pytest

from crawler import fixture_shapes as shapes
from crawler import fixture_site
from tests.crawler.conftest import crawl, run_veille

pytestmark = pytest.mark.integration


def _sources(path, base, *, morvan_domains=("127.0.0.1", "localhost"), morvan_urls=None):
    hosts = fixture_site.hosts()
    morvan_urls = morvan_urls or [f"{base}/morvan/flux.xml", f"{base}/morvan/sitemap_index.xml",
                                  f"{base}/morvan/sante/"]
    entries = [
        ("courrier-du-morvan", morvan_urls, list(morvan_domains)),
        ("robots-en-panne", [f"{hosts['robots5xx']}/rss.xml"], ["127.0.0.1"]),
        ("tdm-reserve", [f"{hosts['tdm']}/rss.xml"], ["127.0.0.1"]),
    ]
    text = ""
    for sid, urls, domains in entries:
        text += (f'[[source]]\nid = "{sid}"\nname = "{sid}"\nregion = "27"\n'
                 f'departements = ["58"]\nstart_urls = {json.dumps(urls)}\n'
                 f"allowed_domains = {json.dumps(domains)}\nallow_private = true\n"
                 'evidence = "fixture"\n\n')
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def shaped_site():
    base = fixture_site.start()
    yield base
    fixture_site.stop()


def test_every_article_page_stored_once_and_no_fault(shaped_site, tmp_path):
    from store.db import connect

    base = shaped_site
    db = tmp_path / "v.duckdb"
    _, summary = crawl(_sources(tmp_path / "s.toml", base), db)
    morvan = summary["sources"]["courrier-du-morvan"]
    assert morvan["new"] == shapes.ARTICLE_COUNT == 25
    assert morvan["failed"] == {} and morvan["problem"] is None
    assert morvan["listing_pages"] == 3  # rel=next, then ?page=2 -> /page/3/
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT url, paywalled FROM articles "
                           "WHERE source_id = 'courrier-du-morvan'").fetchall()
        faults = con.execute("SELECT source_id, url, reason FROM fetch_failures "
                             "ORDER BY source_id").fetchall()
        pages = con.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone()
        aliases = con.execute("SELECT url, canonical FROM url_aliases").fetchall()
    finally:
        con.close()
    expected = {f"{base}{p}" for p in fixture_site.state.shapes}
    assert {u for u, _ in rows} == expected and len(rows) == 25  # once each, new host
    assert pages == (25, 25)
    # The feed's five old-host URLs are remembered as aliases of the new-host pages.
    port = base.rsplit(":", 1)[1]
    assert sorted(aliases) == sorted(
        (f"http://{shapes.OLD_HOST}:{port}{m['path']}", f"{base}{m['path']}")
        for m in list(fixture_site.state.shapes.values())[:shapes.FEED_ENTRIES])
    paywalled = [u for u, p in rows if p]
    assert paywalled == [f"{base}{list(fixture_site.state.shapes)[shapes.PAYWALLED_INDEX]}"]
    # No fault for the outlet; the two closed hosts each record why, once.
    assert [(s, r) for s, _, r in faults] == [("robots-en-panne", "robots_unavailable"),
                                              ("tdm-reserve", "tdm_reserved")]
    hits = fixture_site.hits()
    main_paths = {h.path.split("?")[0] for h in hits if h.role == "main"}
    for nav in ("nevers-58000/", "val-d-oise-95/", "nievre-58/", "2024/11/", "rubrique/sante/"):
        assert f"/morvan/{nav}" not in main_paths  # town and section pages are not articles
    assert "/morvan/sitemap-2019-01.xml" not in main_paths  # stale archive not followed
    assert {h.path for h in hits if h.role == "robots5xx"} == {"/robots.txt"}
    assert {h.path for h in hits if h.role == "tdm"} == {"/robots.txt",
                                                        "/.well-known/tdmrep.json"}
    assert summary["status"] == "partial"
    assert summary["problem_sources"] == ["robots-en-panne", "tdm-reserve"]
    assert summary["sources"]["robots-en-panne"]["problem"].startswith("robots_unavailable")
    assert summary["sources"]["tdm-reserve"]["problem"].startswith("tdm_reserved")
    assert summary["sources"]["tdm-reserve"]["tdm_reserved"].startswith("/.well-known")

    fixture_site.clear_hits()  # a second night fetches no article again
    _, second = crawl(_sources(tmp_path / "s.toml", base), db)
    assert second["sources"]["courrier-du-morvan"]["new"] == 0
    assert not [h for h in fixture_site.hits() if h.path.split("?")[0] in fixture_site.state.shapes]


def test_moved_outlet_and_sources_check(shaped_site, tmp_path):
    base = shaped_site
    # The registry still names only the new host: every feed entry (old host) is offsite.
    sources = _sources(tmp_path / "s.toml", base, morvan_domains=("127.0.0.1",),
                       morvan_urls=[f"{base}/morvan/flux.xml"])
    _, summary = crawl(sources, tmp_path / "v.duckdb")
    morvan = summary["sources"]["courrier-du-morvan"]
    assert morvan["new"] == 0 and morvan["failed"] == {"offsite": shapes.FEED_ENTRIES}
    assert morvan["problem"].startswith("all_offsite") and "localhost" in morvan["problem"]
    assert summary["status"] == "partial"

    # A registry that names only the old host: the start URL redirects to the new one.
    old = _sources(tmp_path / "old.toml", base, morvan_domains=("localhost",),
                   morvan_urls=[f"http://localhost:{base.rsplit(':', 1)[1]}/morvan/flux.xml"])
    _, summary = crawl(old, tmp_path / "old.duckdb", "--source", "courrier-du-morvan")
    morvan = summary["sources"]["courrier-du-morvan"]
    assert morvan["failed"] == {"offsite": 1} and morvan["offsite_hosts"] == {"127.0.0.1": 1}
    assert morvan["problem"].startswith("all_offsite") and "127.0.0.1" in morvan["problem"]

    proc = run_veille("sources", "check", "--sources", str(sources), "--delay", "0",
                      "--format", "json", timeout=60)
    assert proc.returncode == 1, proc.stderr
    rows = {r["source_id"]: r for r in json.loads(proc.stdout)}
    feed = rows["courrier-du-morvan"]
    assert (feed["kind"], feed["links"], feed["offsite"]) == ("entries", 0, shapes.FEED_ENTRIES)
    assert "add localhost to allowed_domains" in feed["fix"]
    assert "outside allowed_domains" in feed["source_problem"]
    assert "5xx" in rows["robots-en-panne"]["detail"]
    assert "text-and-data mining" in rows["tdm-reserve"]["detail"]

    good = _sources(tmp_path / "good.toml", base)
    proc = run_veille("sources", "check", "--sources", str(good), "--source",
                      "courrier-du-morvan", "--delay", "0", "--format", "json", timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {r["url"].split("/morvan/")[1]: r for r in json.loads(proc.stdout)}
    assert rows["flux.xml"]["links"] == shapes.FEED_ENTRIES  # BOM + comment: read as a feed
    assert rows["sitemap_index.xml"]["kind"] == "index"
    assert rows["sitemap_index.xml"]["links"] == 1  # the 2019 archive is left out
    assert rows["sante/"]["links"] == 10 and rows["sante/"]["next_page"].endswith("?page=2")


def test_research_exception_fetches_but_still_records_the_reservation(shaped_site, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("VEILLE_TDM_RESEARCH_EXCEPTION", "true")
    tdm = fixture_site.hosts()["tdm"]
    path = tmp_path / "s.toml"
    path.write_text('[[source]]\nid = "tdm-reserve"\nname = "t"\nregion = "24"\n'
                    f'departements = ["18"]\nstart_urls = ["{tdm}/rss.xml"]\n'
                    'allowed_domains = ["127.0.0.1"]\nallow_private = true\n', encoding="utf-8")
    _, summary = crawl(path, tmp_path / "v.duckdb")
    source = summary["sources"]["tdm-reserve"]
    assert source["tdm_reserved"] and source["problem"] is None
    assert source["new"] == 3  # the feed's three good articles (its faults are the usual ones)
    assert "tdm_reserved" not in source["failed"]
    proc = run_veille("sources", "check", "--sources", str(path), "--delay", "0",
                      "--format", "json", timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["ok"] and "crawled under the research exception" in row["detail"]
