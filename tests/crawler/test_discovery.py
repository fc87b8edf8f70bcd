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
