"""What the outlet allows: robots.txt (RFC 9309) and text-and-data-mining rights
reservations (W3C TDMRep).

- `StrictRobotsTxtMiddleware`: Scrapy's robots.txt middleware, plus RFC 9309 §2.3.1.3:
  an unreachable robots.txt means "disallow all" for this run. That is a 5xx (or 429)
  answer, or no answer at all (timeout, connection refused, reset or closed before a
  response): requests to that host are refused with reason `robots_unavailable`. When
  the host cannot be resolved or fails TLS verification, its pages are refused with
  that cause (`dns`, `tls`), which is what the operator has to fix. A 4xx such as 404
  still means "no robots.txt, everything allowed" (RFC 9309 §2.3.1.3).
- `TdmMiddleware`: reads `/.well-known/tdmrep.json` once per host (before the first
  page), the `tdm-reservation` response header on every response (then for the whole
  host) and `<meta name="tdm-reservation" content="1">` in HTML pages (that page). A reservation is
  recorded in the source's run summary and, unless the operator invokes the research
  exception (`tdm_research_exception = true` in the settings, see docs/sources.md),
  the host's pages are refused with reason `tdm_reserved`.
  The page's own header takes precedence over the file (TDMRep): when the file
  reserves a page's path, the page is first asked with a HEAD request, and a
  `tdm-reservation: 0` answer lifts the file's reservation for that page only. An
  HTML `<meta content="0">` cannot: reading it would mean downloading the reserved page.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares import Blocked
from crawler.reasons import reason_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

log = logging.getLogger(__name__)

_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
TDMREP_PATH = "/.well-known/tdmrep.json"
_MAX_TDMREP_BYTES = 200_000


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt unreachable (5xx/429, or no answer) => the whole host is disallowed for
    this run."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # netloc -> (reason, why), for hosts whose robots.txt could not be read
        self.unavailable: dict[str, tuple[str, str]] = {}

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:
            self.unavailable[netloc] = ("robots_unavailable",
                                        f"robots.txt answered {response.status}")
            log.warning("robots.txt of %s answered %d: nothing is fetched from it in this run",
                        netloc, response.status)
            response = response.replace(body=_DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Scrapy reads a failed robots.txt download as "allow all"; RFC 9309 says an
        # unreachable robots.txt is "disallow all". Our own refusals (IgnoreRequest:
        # address guard, offsite...) keep their reason on the pages themselves.
        if not isinstance(exc, IgnoreRequest):
            code, detail = reason_for(exc)
            reason = code if code in ("dns", "tls") else "robots_unavailable"
            self.unavailable[netloc] = (reason, f"robots.txt could not be fetched ({code}: "
                                                f"{detail[:200]})")
            log.warning("robots.txt of %s could not be fetched (%s): nothing is fetched from "
                        "it in this run", netloc, code)
        super()._robots_error(exc, netloc)

    def process_request_2(self, rp: Any, request: Request) -> None:
        unavailable = self.unavailable.get(urlparse_cached(request).netloc)
        if unavailable is not None:
            reason, why = unavailable
            raise Blocked(reason, f"{why}: the host is off limits for this run (RFC 9309)")
        super().process_request_2(rp, request)


def tdm_reservation(rules: list[dict[str, Any]], path: str) -> bool:
    """True when a TDMRep rule covering `path` reserves TDM rights. Rules are tried
    in order; `location` is a path pattern ("/", "/articles/*", "*")."""
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        location = str(rule.get("location", "/"))
        pattern = location if "*" in location else location.rstrip("/") + "*"
        if fnmatch.fnmatchcase(path, pattern or "*"):
            return str(rule.get("tdm-reservation", "0")).strip() == "1"
    return False


def header_reserves(value: bytes | None) -> bool:
    return value is not None and value.strip() == b"1"


_META_TDM = re.compile(
    rb"""<meta\s[^>]*name\s*=\s*["']?tdm-reservation["']?[^>]*content\s*=\s*["']?1\b"""
    rb"""|<meta\s[^>]*content\s*=\s*["']?1["']?[^>]*name\s*=\s*["']?tdm-reservation\b""",
    re.I)


def html_reserves(body: bytes) -> bool:
    """<meta name="tdm-reservation" content="1"> in the page's head (first 64 KB)."""
    return _META_TDM.search(body[:65536]) is not None


def parse_tdmrep(body: bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(body[:_MAX_TDMREP_BYTES].decode("utf-8", "replace"))
    except ValueError:
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


class TdmMiddleware:
    """Records and (by default) honours TDM reservations per host."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.research_exception = crawler.settings.getbool("VEILLE_TDM_RESEARCH_EXCEPTION")
        self.rules: dict[str, asyncio.Future[list[dict[str, Any]]]] = {}
        self.by_header: dict[str, str] = {}  # netloc -> how the reservation was seen

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TdmMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("tdm_probe") or request.meta.get("dont_obey_robotstxt"):
            return
        url = urlparse_cached(request)
        netloc = url.netloc
        seen = self.by_header.get(netloc)
        if seen is None and tdm_reservation(await self._rules(request), url.path or "/"):
            seen = f"{TDMREP_PATH} reserves {url.path or '/'}"
            if not self.research_exception:  # under the exception the page is fetched anyway
                page_header = await self._page_header(request)
                if page_header == b"0":
                    return  # the page's own header takes precedence over the file
                if header_reserves(page_header):
                    seen = self.by_header.setdefault(netloc, "header tdm-reservation: 1")
        if seen is not None:
            self._reserved(request, seen)

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        if request.meta.get("tdm_probe") or request.meta.get("dont_obey_robotstxt"):
            return response
        netloc = urlparse_cached(request).netloc
        if header_reserves(response.headers.get(b"tdm-reservation")):
            self.by_header.setdefault(netloc, "header tdm-reservation: 1")
            self._reserved(request, self.by_header[netloc])
        elif b"html" in (response.headers.get(b"Content-Type") or b"").lower() and \
                html_reserves(response.body):
            self._reserved(request, "HTML meta tdm-reservation = 1")  # this page only
        return response

    def _reserved(self, request: Request, how: str) -> None:
        spider = getattr(self.crawler, "spider", None)
        sid = request.meta.get("source_id")
        context = getattr(spider, "context", None)
        if context is not None and sid:
            stats = context.stats_for(sid)
            stats.tdm_reserved = stats.tdm_reserved or how
        if not self.research_exception:
            raise Blocked("tdm_reserved", f"the outlet reserves text-and-data mining ({how}); "
                          "set tdm_research_exception only if your organisation may invoke it")

    async def _page_header(self, request: Request) -> bytes | None:
        """The page's `tdm-reservation` header, from a HEAD request (None if absent or the
        HEAD fails: the file's reservation then stands)."""
        probe = Request(request.url, method="HEAD", callback=NO_CALLBACK,
                        priority=request.priority, dont_filter=True,
                        meta={"tdm_probe": True, "source_id": request.meta.get("source_id"),
                              "dont_redirect": True, "max_retry_times": 0})
        try:
            response = await self.crawler.engine.download_async(probe)
        except Exception as exc:  # noqa: BLE001 - no answer: no page-level override
            log.debug("HEAD %s for its tdm-reservation failed: %s", request.url, exc)
            return None
        if response.status != 200:
            return None
        value = response.headers.get(b"tdm-reservation")
        return value.strip() if value is not None else None

    async def _rules(self, request: Request) -> list[dict[str, Any]]:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self.rules:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[list[dict[str, Any]]] = loop.create_future()
            self.rules[netloc] = future
            probe = Request(f"{url.scheme}://{netloc}{TDMREP_PATH}", callback=NO_CALLBACK,
                            priority=1000, dont_filter=True,
                            meta={"tdm_probe": True, "source_id": request.meta.get("source_id"),
                                  "dont_redirect": True, "max_retry_times": 0})
            rules: list[dict[str, Any]] = []
            try:
                response = await self.crawler.engine.download_async(probe)
                if response.status == 200:
                    rules = parse_tdmrep(response.body)
            except Exception as exc:  # noqa: BLE001 - no readable file: no reservation by it
                log.debug("no %s for %s: %s", TDMREP_PATH, netloc, exc)
            future.set_result(rules)
        return await asyncio.shield(self.rules[netloc])
