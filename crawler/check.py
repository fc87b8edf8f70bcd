"""`veille sources check`: a live canary for real deployments.

Fetches each discovery URL once, politely (robots.txt, our User-Agent, a delay
between two requests to one host, the same address guard as the crawl) and reports
per source how many article links it yields. A redesigned site shows up here as
"0 links" before the nightly crawl silently finds nothing; a moved outlet shows up
as entries "refused by host". Every failing row says what to fix.

Same reading rules as the crawl (crawler.listing): BOM and comments before a feed's
root, recent children of a sitemap index, the source's article_pattern or the
structural guess on listing pages; robots.txt answering 5xx means disallow all
(RFC 9309); a TDM reservation (tdmrep.json or the tdm-reservation header) is reported.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.listing import listing_links, parse_listing_xml
from crawler.middlewares import address_refusal
from crawler.policy import TDMREP_PATH, header_reserves, parse_tdmrep, tdm_reservation
from crawler.sources import Source


@dataclass(frozen=True)
class UrlCheck:
    source_id: str
    url: str
    ok: bool
    kind: str  # index | entries | html | broken | error
    links: int  # article links found (sitemap URLs for an index)
    detail: str
    offsite: int = 0  # entries / article-like links refused by host (outside allowed_domains)
    fix: str = ""  # what to change when the row fails
    next_page: str | None = None  # the listing's next page, when it has one


@dataclass(frozen=True)
class SourceVerdict:
    """One line per source: ok, or a PROBLEM with what to fix."""

    source_id: str
    ok: bool
    links: int
    offsite: int
    problem: str


def verdicts(results: list[UrlCheck]) -> list[SourceVerdict]:
    out: dict[str, list[UrlCheck]] = {}
    for r in results:
        out.setdefault(r.source_id, []).append(r)
    verdict = []
    for sid, rows in out.items():
        links = sum(r.links for r in rows if r.kind != "index")
        offsite = sum(r.offsite for r in rows)
        ok = any(r.ok for r in rows)
        if ok:
            problem = ""
        elif offsite:
            problem = (f"every entry found ({offsite}) is outside allowed_domains: "
                       + next(r.fix for r in rows if r.offsite))
        else:
            problem = "; ".join(dict.fromkeys(r.fix for r in rows if r.fix)) or \
                "no article link found"
        verdict.append(SourceVerdict(sid, ok, links, offsite, problem))
    return verdict


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None  # redirects are followed by hand, so each hop is checked


def check_sources(sources: list[Source], *, user_agent: str, delay: float = 2.0,
                  timeout: float = 20.0, max_bytes: int = 5_000_000,
                  research_exception: bool = False) -> list[UrlCheck]:
    """Check every start URL. `research_exception` (settings.tdm_research_exception):
    a TDM reservation is then reported in the detail, not a failure, as in the crawl."""
    opener = urllib.request.build_opener(_NoRedirect)
    last_hit: dict[str, float] = {}
    robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
    out = []
    for source in sources:
        for url in source.start_urls:
            out.append(_check(url, source, opener=opener, user_agent=user_agent, delay=delay,
                              timeout=timeout, max_bytes=max_bytes, last_hit=last_hit,
                              robots=robots, research_exception=research_exception))
    return out


def _check(url: str, source: Source, **kw) -> UrlCheck:  # noqa: ANN003
    notes: list[str] = []
    try:
        body, final = _fetch(url, source, notes=notes, **kw)
    except _Refused as exc:
        return UrlCheck(source.id, url, False, "error", 0, str(exc), fix=exc.fix)
    except urllib.error.HTTPError as exc:
        return UrlCheck(source.id, url, False, "error", 0, f"HTTP {exc.code}",
                        fix="the URL is dead or blocked: find the outlet's news sitemap or "
                            "feed (docs/sources.md) and replace it")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return UrlCheck(source.id, url, False, "error", 0, f"{type(exc).__name__}: {exc}",
                        fix="the host did not answer: check the host name, retry later")
    if body[:2] == b"\x1f\x8b":
        from scrapy.utils.gz import gunzip

        try:
            body = gunzip(body, max_size=kw["max_bytes"])  # bounded: no gzip bombs
        except Exception as exc:  # noqa: BLE001 - any bad gzip is the same answer
            return UrlCheck(source.id, url, False, "broken", 0, f"bad gzip: {exc}")
    kind, links = parse_listing_xml(body)
    if kind == "broken":
        return UrlCheck(source.id, url, False, kind, 0, links[0] if links else "malformed XML",
                        fix="not a readable sitemap or feed: replace the URL")
    pattern = source.is_article_url if source.article_pattern else None
    offsite: dict[str, int] = {}
    next_page = None
    if kind == "html":
        found = listing_links(body, final, allows_host=source.allows_host, pattern=pattern)
        links, offsite, next_page = found.articles, dict(found.offsite), found.next_page
    else:
        links = [u for u in (urljoin(final, link) for link in links)
                 if u.startswith(("http://", "https://"))]
        for link in links:
            host = urlsplit(link).hostname or "?"
            if not source.allows_host(host):
                offsite[host] = offsite.get(host, 0) + 1
        links = [u for u in links if source.allows_host(urlsplit(u).hostname)]
        if pattern is not None and kind == "entries":
            links = [u for u in links if pattern(u)]
    refused = sum(offsite.values())
    ok = len(links) > 0
    if ok:
        detail = "yields article links" + (f", {refused} refused by host" if refused else "")
        detail += f"; next page {next_page}" if next_page else ""
        fix = (f"add {', '.join(sorted(offsite))} to allowed_domains if the outlet moved there"
               if refused else "")
    elif refused:
        detail = f"all {refused} entries are outside allowed_domains"
        fix = f"add {', '.join(sorted(offsite))} to allowed_domains (the outlet moved?)"
    else:
        detail = "no article link found"
        fix = ("article_pattern matches none of the links: fix the pattern" if pattern else
               "layout changed? prefer the outlet's news sitemap, or set article_pattern")
    detail += "".join(f"; {n}" for n in notes)
    return UrlCheck(source.id, url, ok, kind, len(links), detail, offsite=refused, fix=fix,
                    next_page=next_page)


class _Refused(Exception):
    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


def _fetch(url: str, source: Source, *, opener, user_agent: str, delay: float, timeout: float,  # noqa: ANN001
           max_bytes: int, last_hit: dict[str, float], robots: dict, notes: list[str],
           research_exception: bool) -> tuple[bytes, str]:
    for _ in range(6):  # at most 5 redirects
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not source.allows_host(host):
            raise _Refused(f"{url} is outside the allowed domains",
                           fix=f"add {host} to allowed_domains if the outlet moved there")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for info in socket.getaddrinfo(host, port):
            why = address_refusal(info[4][0], allow_private=source.allow_private)
            if why:
                raise _Refused(f"{host}: {why}", fix="the host resolves to a private address: "
                               "check the host name")
        verdict = _robots_allow(url, user_agent, robots, opener, timeout)
        if verdict is None:
            raise _Refused("robots.txt answers 5xx or not at all: the site is off limits "
                           "(RFC 9309)",
                           fix="retry later; tell the outlet if it lasts")
        if not verdict:
            raise _Refused("forbidden by robots.txt",
                           fix="robots.txt forbids this URL: use another discovery URL")
        reserved = _tdm_reserved(url, user_agent, robots, opener, timeout)
        if reserved and not research_exception and \
                _page_tdm_header(url, user_agent, opener, timeout) == "0":
            reserved = ""  # the page's own header takes precedence over the file, as in the crawl
        if reserved:
            _reservation(reserved, notes, research_exception)
        wait = last_hit.get(host, 0.0) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        last_hit[host] = time.monotonic()
        req = urllib.request.Request(url, headers={"User-Agent": user_agent})
        try:
            with opener.open(req, timeout=timeout) as resp:
                if header_reserves((resp.headers.get("tdm-reservation") or "").encode()):
                    _reservation("header tdm-reservation: 1", notes, research_exception)
                return resp.read(max_bytes + 1)[:max_bytes], resp.geturl()
        except urllib.error.HTTPError as exc:
            if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                url = urljoin(url, exc.headers["Location"])
                continue
            raise
    raise _Refused("too many redirects")


def _reservation(how: str, notes: list[str], research_exception: bool) -> None:
    if not research_exception:
        raise _Refused(f"the outlet reserves text-and-data mining ({how})",
                       fix="honoured by default; only an organisation that may invoke the "
                           "research exception sets tdm_research_exception (docs/sources.md)")
    notes.append(f"TDM reserved ({how}), crawled under the research exception")


def _robots_allow(url: str, user_agent: str, cache: dict, opener, timeout: float) -> bool | None:  # noqa: ANN001,E501
    """True/False from robots.txt; None when it answers 5xx/429 or not at all (disallow
    all, RFC 9309). A 4xx means no robots.txt: everything allowed."""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    if root not in cache:
        parser: urllib.robotparser.RobotFileParser | str | None
        parser = urllib.robotparser.RobotFileParser()
        try:
            req = urllib.request.Request(root + "/robots.txt", headers={"User-Agent": user_agent})
            with opener.open(req, timeout=timeout) as resp:
                parser.parse(resp.read(500_000).decode("utf-8", "replace").splitlines())
        except urllib.error.HTTPError as exc:
            parser = "unavailable" if exc.code >= 500 or exc.code == 429 else None
        except (OSError, urllib.error.URLError):
            parser = "unavailable"  # no answer at all: disallow all, as for the crawl
        cache[root] = parser
    parser = cache[root]
    if parser == "unavailable":
        return None
    return parser is None or parser.can_fetch(user_agent, url)


def _page_tdm_header(url: str, user_agent: str, opener, timeout: float) -> str | None:  # noqa: ANN001
    """The page's `tdm-reservation` header from a HEAD request; None if absent or failed."""
    req = urllib.request.Request(url, headers={"User-Agent": user_agent}, method="HEAD")
    try:
        with opener.open(req, timeout=timeout) as resp:
            value = resp.headers.get("tdm-reservation")
    except (OSError, urllib.error.URLError):
        return None
    return value.strip() if value is not None else None


def _tdm_reserved(url: str, user_agent: str, cache: dict, opener, timeout: float) -> str:  # noqa: ANN001
    parts = urlsplit(url)
    key = f"tdm:{parts.scheme}://{parts.netloc}"
    if key not in cache:
        rules: list = []
        try:
            req = urllib.request.Request(f"{parts.scheme}://{parts.netloc}{TDMREP_PATH}",
                                         headers={"User-Agent": user_agent})
            with opener.open(req, timeout=timeout) as resp:
                rules = parse_tdmrep(resp.read(200_000))
        except (OSError, urllib.error.URLError, ValueError):
            pass  # no file: no reservation by it
        cache[key] = rules
    return f"{TDMREP_PATH} reserves it" if tdm_reservation(cache[key], parts.path or "/") else ""
