"""`veille sources check`: a live canary for real deployments.

Fetches each discovery URL once, politely (robots.txt, our User-Agent, a delay
between two requests to one host, the same address guard as the crawl) and reports
per source how many article links it yields. A redesigned site shows up here as
"0 links" before the nightly crawl silently finds nothing.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.middlewares import address_refusal
from crawler.sources import Source
from crawler.spiders.press import parse_listing_xml
from crawler.urls import looks_like_article


@dataclass(frozen=True)
class UrlCheck:
    source_id: str
    url: str
    ok: bool
    kind: str  # index | entries | html | broken | error
    links: int  # article links found (sitemap URLs for an index)
    detail: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None  # redirects are followed by hand, so each hop is checked


def check_sources(sources: list[Source], *, user_agent: str, delay: float = 2.0,
                  timeout: float = 20.0, max_bytes: int = 5_000_000) -> list[UrlCheck]:
    opener = urllib.request.build_opener(_NoRedirect)
    last_hit: dict[str, float] = {}
    robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
    out = []
    for source in sources:
        for url in source.start_urls:
            out.append(_check(url, source, opener=opener, user_agent=user_agent, delay=delay,
                              timeout=timeout, max_bytes=max_bytes, last_hit=last_hit,
                              robots=robots))
    return out


def _check(url: str, source: Source, **kw) -> UrlCheck:  # noqa: ANN003
    try:
        body, final = _fetch(url, source, **kw)
    except _Refused as exc:
        return UrlCheck(source.id, url, False, "error", 0, str(exc))
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return UrlCheck(source.id, url, False, "error", 0, f"{type(exc).__name__}: {exc}")
    if body[:2] == b"\x1f\x8b":
        from scrapy.utils.gz import gunzip

        try:
            body = gunzip(body, max_size=kw["max_bytes"])  # bounded: no gzip bombs
        except Exception as exc:  # noqa: BLE001 - any bad gzip is the same answer
            return UrlCheck(source.id, url, False, "broken", 0, f"bad gzip: {exc}")
    kind, links = parse_listing_xml(body)
    if kind == "broken":
        return UrlCheck(source.id, url, False, kind, 0, links[0] if links else "malformed XML")
    if kind == "html":
        import lxml.html

        tree = lxml.html.fromstring(body)
        links = sorted({urljoin(final, href) for _, _, href, _ in tree.iterlinks()
                        if looks_like_article(urljoin(final, href))
                        and source.allows_host(urlsplit(urljoin(final, href)).hostname)})
    ok = len(links) > 0
    return UrlCheck(source.id, url, ok, kind, len(links),
                    "yields article links" if ok else "no article link found: layout changed?")


class _Refused(Exception):
    pass


def _fetch(url: str, source: Source, *, opener, user_agent: str, delay: float, timeout: float,  # noqa: ANN001
           max_bytes: int, last_hit: dict[str, float], robots: dict) -> tuple[bytes, str]:
    for _ in range(6):  # at most 5 redirects
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not source.allows_host(host):
            raise _Refused(f"{url} is outside the allowed domains")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for info in socket.getaddrinfo(host, port):
            why = address_refusal(info[4][0], allow_private=source.allow_private)
            if why:
                raise _Refused(f"{host}: {why}")
        if not _robots_allow(url, user_agent, robots, opener, timeout):
            raise _Refused("forbidden by robots.txt")
        wait = last_hit.get(host, 0.0) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        last_hit[host] = time.monotonic()
        req = urllib.request.Request(url, headers={"User-Agent": user_agent})
        try:
            with opener.open(req, timeout=timeout) as resp:
                return resp.read(max_bytes + 1)[:max_bytes], resp.geturl()
        except urllib.error.HTTPError as exc:
            if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                url = urljoin(url, exc.headers["Location"])
                continue
            raise
    raise _Refused("too many redirects")


def _robots_allow(url: str, user_agent: str, cache: dict, opener, timeout: float) -> bool:  # noqa: ANN001
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    if root not in cache:
        parser = urllib.robotparser.RobotFileParser()
        try:
            req = urllib.request.Request(root + "/robots.txt", headers={"User-Agent": user_agent})
            with opener.open(req, timeout=timeout) as resp:
                parser.parse(resp.read(500_000).decode("utf-8", "replace").splitlines())
        except (OSError, urllib.error.URLError):
            parser = None  # no robots.txt: everything allowed, as for the crawl
        cache[root] = parser
    parser = cache[root]
    return parser is None or parser.can_fetch(user_agent, url)
