"""Unit tests without network: feed/sitemap sniffing, URL keys, address and reason rules."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest

from crawler.middlewares import Blocked, address_refusal, retry_after_seconds
from crawler.reasons import reason_for
from crawler.settings import scrapy_settings
from crawler.spiders.press import parse_listing_xml
from crawler.urls import canonical_url, looks_like_article
from veille.config import Settings

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://www.lejdc.fr/nevers/actualite/2024/03/12/un-medecin-arrive.html</link></item>
<item><title>b</title><guid>https://www.lejdc.fr/cosne/b-c-d-e.html</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>x</title><link rel="enclosure" href="https://m.fr/x.mp3"/>
<link href="https://www.magcentre.fr/123-orleans-nouveau-centre-de-sante/"/></entry></feed>"""
NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc> https://www.leberry.fr/vierzon-18100/actualites/un-centre-de-sante_1.html </loc>
<news:news><news:title>t</news:title></news:news></url></urlset>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.fr/s1.xml.gz</loc></sitemap><sitemap><loc>https://a.fr/s2.xml</loc></sitemap>
</sitemapindex>"""


def test_feeds_and_sitemaps_are_sniffed_by_content():
    assert parse_listing_xml(RSS) == ("entries", [
        "https://www.lejdc.fr/nevers/actualite/2024/03/12/un-medecin-arrive.html"])
    assert parse_listing_xml(ATOM) == ("entries", [
        "https://www.magcentre.fr/123-orleans-nouveau-centre-de-sante/"])
    assert parse_listing_xml(NEWS) == ("entries", [
        "https://www.leberry.fr/vierzon-18100/actualites/un-centre-de-sante_1.html"])
    assert parse_listing_xml(INDEX) == ("index", ["https://a.fr/s1.xml.gz", "https://a.fr/s2.xml"])
    assert parse_listing_xml(b"<!DOCTYPE html><html><body>x</body></html>")[0] == "html"
    kind, detail = parse_listing_xml(b'<?xml version="1.0"?><urlset><url><loc>x')
    assert kind == "broken" and detail


def test_xml_entities_are_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<urlset><url><loc>&b;</loc></url></urlset>")
    kind, links = parse_listing_xml(bomb)
    assert kind == "broken" or all(len(x) < 50 for x in links)


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("HTTPS://WWW.Ouest-France.fr:443/bretagne/a-b-c.html?utm_source=rss"
                         "&xtor=RSS-1&id=3#comments"
                         ) == "https://www.ouest-france.fr/bretagne/a-b-c.html?id=3"
    assert canonical_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"


@pytest.mark.parametrize("url, expected", [
    ("https://www.leprogres.fr/sante/2024/05/02/le-cabinet-medical-ferme", True),
    ("https://www.lamontagne.fr/moulins-03000/actualites/un-medecin_14394969/", True),
    ("https://www.leprogres.fr/rubrique/sante.html", False),
    ("https://www.leprogres.fr/", False),
    ("https://www.leprogres.fr/mentions-legales.html", False),
    ("https://www.leprogres.fr/img/une-photo-du-maire.jpg", False),
])
def test_article_link_guess(url, expected):
    assert looks_like_article(url) is expected


def test_address_rules():
    assert address_refusal("93.184.216.34", allow_private=False) is None
    assert address_refusal("127.0.0.1", allow_private=False)
    assert address_refusal("10.1.2.3", allow_private=False)
    assert address_refusal("::1", allow_private=False)
    assert address_refusal("127.0.0.1", allow_private=True) is None
    # The cloud metadata address stays refused even for tests and the demo.
    assert address_refusal("169.254.169.254", allow_private=True)
    assert address_refusal("::ffff:169.254.169.254", allow_private=True)


def test_retry_after_and_reason_codes():
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
    assert reason_for(Blocked("offsite", "x"))[0] == "offsite"
    assert reason_for(IgnoreRequest("Forbidden by robots.txt"))[0] == "robots"
    assert reason_for(IgnoreRequest("max redirections reached"))[0] == "redirect_loop"
    assert reason_for(DownloadTimeoutError("took longer"))[0] == "timeout"
    assert reason_for(ValueError("x"))[0] == "error:ValueError"


def test_safety_settings():
    s = scrapy_settings(Settings())
    assert s["ROBOTSTXT_OBEY"] and s["AUTOTHROTTLE_ENABLED"]
    assert s["DOWNLOAD_VERIFY_CERTIFICATES"] is True
    assert s["TELNETCONSOLE_ENABLED"] is False
    assert s["DOWNLOAD_HANDLERS"]["file"] is None and s["DOWNLOAD_HANDLERS"]["data"] is None
    assert s["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert s["DOWNLOAD_DELAY"] == Settings().download_delay and s["DOWNLOAD_DELAY_JITTER"] == 0
    assert s["DOWNLOAD_MAXSIZE"] == Settings().max_page_bytes
    assert Settings().contact_url in s["USER_AGENT"]
    assert 0 < s["RETRY_TIMES"] <= 3


# -- real shapes (issue 10) -------------------------------------------------------------

def test_feeds_with_a_bom_comment_or_processing_instruction_are_xml():
    from crawler.listing import sniff

    rss = b'<rss version="2.0"><channel><item><link>https://a.fr/x-y-z</link></item></channel></rss>'
    for prefix in (b"\xef\xbb\xbf", b"\xef\xbb\xbf<?xml version='1.0'?>\n", b"<!-- cms -->\n",
                   b'\n  <?xml-stylesheet href="f.xsl"?><!-- a --><!-- b -->'):
        assert parse_listing_xml(prefix + rss) == ("entries", ["https://a.fr/x-y-z"]), prefix
    assert sniff(b"\xef\xbb\xbf<!DOCTYPE html><html></html>")[0] == "html"
    assert sniff(b"<!-- x --><html><body>page</body></html>")[0] == "html"


def test_news_sitemap_index_keeps_recent_children_newest_first():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://a.fr/2019-01.xml</loc><lastmod>2019-01-31</lastmod></sitemap>
    <sitemap><loc>https://a.fr/news-old.xml</loc><lastmod>2024-11-10T00:00:00Z</lastmod></sitemap>
    <sitemap><loc>https://a.fr/news.xml</loc><lastmod>2024-11-28T09:00:00+01:00</lastmod></sitemap>
    <sitemap><loc>https://a.fr/undated.xml</loc></sitemap></sitemapindex>"""
    kind, links = parse_listing_xml(index)
    assert kind == "index"
    assert links == ["https://a.fr/news.xml", "https://a.fr/undated.xml",
                     "https://a.fr/news-old.xml"]


@pytest.mark.parametrize("url, text, in_article, expected", [
    ("https://www.lyonne.fr/auxerre-89000/2024/03/12/medecin", None, False, True),
    ("https://www.lejsl.com/123456/article/2024-03-12/ehpad", None, False, True),
    ("https://www.lemonde.fr/article/sante/654321/nouveau-medecin", None, False, True),
    ("https://actu.fr/2024/11/05/k7q2-ehpad", None, False, True),
    ("https://www.lejdc.fr/nevers-58000/", "Nevers", False, False),
    ("https://actu.fr/ile-de-france/val-d-oise-95/", None, True, False),
    ("https://www.x.fr/2024/11/", "Novembre 2024", False, False),
    ("https://www.x.fr/sante/medecins", "Les médecins du département cherchent des "
     "successeurs", True, True),
    ("https://www.x.fr/sante/medecins", "Santé", False, False),
])
def test_structural_article_guess(url, text, in_article, expected):
    assert looks_like_article(url, text=text, in_article=in_article) is expected


def test_listing_links_use_the_pattern_and_find_the_next_page():
    from crawler.listing import listing_links, next_page_url

    page = b"""<html><head><link rel="next" href="/sante/?page=2"></head><body>
    <article><h3><a href="/2024/11/05/k7q2-ehpad">Luzy : l'Ehpad cherche un medecin</a></h3>
    </article>
    <a href="/nevers-58000/">Nevers</a> <a href="https://old.example.fr/2024/11/05/a-b">Vieux</a>
    <article><h2><a href="https://old.example.fr/2024/11/04/x9-bus">Le bus sante repart</a>
    </h2></article>
    </body></html>"""
    mine = lambda h: h == "www.x.fr"  # noqa: E731
    found = listing_links(page, "https://www.x.fr/sante/", allows_host=mine)
    assert found.articles == ["https://www.x.fr/2024/11/05/k7q2-ehpad"]
    assert dict(found.offsite) == {"old.example.fr": 2}  # dated links on the old host
    assert found.next_page == "https://www.x.fr/sante/?page=2"
    only_ids = listing_links(page, "https://www.x.fr/sante/", allows_host=mine,
                             pattern=lambda u: "/nevers" in u)
    assert only_ids.articles == ["https://www.x.fr/nevers-58000/"]  # the source's word wins
    assert next_page_url("https://x.fr/s/?page=2", ["https://x.fr/s/page/3/"]) == \
        "https://x.fr/s/page/3/"
    assert next_page_url("https://x.fr/s/page/3/", ["https://x.fr/s/page/2/"]) is None


def test_rel_canonical_is_read_from_the_head():
    from crawler.spiders.press import rel_canonical

    assert rel_canonical(b'<html><head><link href="https://n.fr/a" rel="canonical">'
                         b"</head><body></body></html>") == "https://n.fr/a"
    assert rel_canonical(b"<html><head><link rel='alternate' href='x'></head>") is None
    assert rel_canonical(b'<head></head><body><link rel="canonical" href="/late"></body>') is None


def test_embedded_and_shared_addresses_are_refused():
    for ip in ("100.64.0.1", "100.100.100.200"):  # shared range, a cloud metadata address
        assert "100.64.0.0/10" in address_refusal(ip, allow_private=True)
    assert address_refusal("2002:a9fe:a9fe::", allow_private=True)  # 6to4 of 169.254.169.254
    assert address_refusal("2002:7f00:1::", allow_private=False)  # 6to4 of 127.0.0.1
    assert address_refusal("64:ff9b::a00:1", allow_private=False)  # NAT64 of 10.0.0.1
    assert address_refusal("64:ff9b:1::1", allow_private=True)  # local-use NAT64
    assert address_refusal("::10.0.0.1", allow_private=False)  # IPv4-compatible
    assert address_refusal("::ffff:10.0.0.1", allow_private=False)  # IPv4-mapped
    assert address_refusal("2001:0:4136:e378:8000:63bf:f5ff:fffe", allow_private=False)  # Teredo
    assert address_refusal("fd00:ec2::254", allow_private=False)  # AWS IPv6 metadata (ULA)
    assert address_refusal("192.0.2.1", allow_private=False)  # documentation range
    assert address_refusal("2002:5db8:d822::", allow_private=False) is None  # public 6to4
    assert address_refusal("2a00:1450:4007:80e::200e", allow_private=False) is None


def test_tdm_rules_and_header():
    from crawler.policy import header_reserves, parse_tdmrep, tdm_reservation

    rules = parse_tdmrep(b'[{"location": "/articles/*", "tdm-reservation": 1},'
                         b' {"location": "/", "tdm-reservation": 0}]')
    assert tdm_reservation(rules, "/articles/2024/x") is True
    assert tdm_reservation(rules, "/rss.xml") is False
    assert tdm_reservation(parse_tdmrep(b'[{"location": "/", "tdm-reservation": 1}]'), "/a")
    assert parse_tdmrep(b"not json") == [] and parse_tdmrep(b'{"a": 1}') == []
    assert header_reserves(b"1") and not header_reserves(b"0") and not header_reserves(None)
    from crawler.policy import html_reserves

    assert html_reserves(b'<head><meta name="tdm-reservation" content="1"></head>')
    assert html_reserves(b"<head><meta content='1' name='tdm-reservation'></head>")
    assert not html_reserves(b'<head><meta name="tdm-reservation" content="0"></head>')
    assert not html_reserves(b'<head><meta name="description" content="1"></head>')


def test_tdm_setting_reaches_scrapy_and_robots_middleware_is_strict():
    s = scrapy_settings(Settings())
    assert s["VEILLE_TDM_RESEARCH_EXCEPTION"] is False
    assert s["DOWNLOADER_MIDDLEWARES"]["crawler.policy.StrictRobotsTxtMiddleware"]
    mws = s["DOWNLOADER_MIDDLEWARES"]
    assert mws["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    from dataclasses import replace

    assert scrapy_settings(replace(Settings(), tdm_research_exception=True))[
        "VEILLE_TDM_RESEARCH_EXCEPTION"] is True


def test_source_problems_say_what_to_fix():
    from collections import Counter

    from crawler.items import SourceStats

    assert SourceStats().problem.startswith("no_links")
    moved = SourceStats(discovered=3, failed=Counter(offsite=3),
                        offsite_hosts=Counter({"france3-regions.franceinfo.fr": 3}))
    assert moved.problem.startswith("all_offsite") and "franceinfo" in moved.problem
    assert SourceStats(discovered=3, new=3).problem is None
    reserved = SourceStats(failed=Counter(tdm_reserved=1), tdm_reserved="header")
    assert reserved.problem.startswith("tdm_reserved")
    exempt = SourceStats(discovered=2, new=2, tdm_reserved="header")  # research exception
    assert exempt.problem is None
    robots = SourceStats(failed=Counter(robots_unavailable=1))
    assert robots.problem.startswith("robots_unavailable")


def test_interrupted_runs_are_marked_at_the_next_start(tmp_path):
    from store.db import connect
    from store.writer import Writer

    db = tmp_path / "v.duckdb"
    with Writer.open(db) as w:
        killed = w.start_run(kind="crawl")
        other = w.start_run(kind="process")
    with Writer.open(db) as w:
        assert w.mark_interrupted(kind="crawl") == 1
    con = connect(db, read_only=True)
    try:
        status = dict(con.execute("SELECT run_id, status FROM crawl_runs").fetchall())
    finally:
        con.close()
    assert status == {killed: "interrupted", other: "running"}


def test_a_dated_url_is_an_article_whatever_its_anchor_says():
    assert looks_like_article("https://x.fr/2024/11/05/medecin", text="Lire", in_article=False)
    assert looks_like_article("https://x.fr/actu/20241105/a1b2", text="", in_article=False)
    assert not looks_like_article("https://x.fr/2024/11/05/", text="5 novembre")
