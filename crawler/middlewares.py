"""Downloader middlewares: safety (where we may go) and politeness (how hard we knock).

- `SafetyMiddleware` (early): http(s) only; stay inside the source's allowed domains;
  never reach private, loopback, link-local or reserved addresses unless the source
  says `allow_private = true` (tests, demo). Link-local (169.254/16, the cloud metadata
  address) is refused even then. The host is resolved and every address checked.
- `HostHealthMiddleware` (last before the downloader, so it sees every raw response):
  lets one request per host at a time into Scrapy's slot (so the breaker and pauses
  apply to the very next request, not to a queue filled in advance); per-host pauses
  from Retry-After (bounded) and retry backoff; robots.txt Crawl-delay as a floor of
  the host's delay; a circuit breaker that stops asking a host after N errors in a row.
- `BackoffRetryMiddleware`: Scrapy's bounded retries, plus exponential backoff.
- `PoliteAutoThrottle`: AutoThrottle that never goes under the robots.txt Crawl-delay.

Every refusal raises `Blocked` (an IgnoreRequest) carrying a stable reason code that
the spider records as a FetchFailure.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.httpobj import urlparse_cached

from crawler.sources import host_allowed, is_ip

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

log = logging.getLogger(__name__)

_GAP_MARGIN = 0.05  # seconds added to each per-host gap, see HostHealthMiddleware._gap
# Errors that count towards the circuit breaker (server trouble, not "page not found").
_BREAKER_STATUSES = frozenset({429, 500, 502, 503, 504, 522, 524})


class Blocked(IgnoreRequest):
    """A request we refused to send or gave up on; `reason` is the recorded code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


# Always refused, even for tests and the demo: cloud metadata and similar services
# (169.254.169.254 is link-local; Alibaba's 100.100.100.200 sits in the shared
# 100.64.0.0/10 carrier-grade NAT range).
_ALWAYS_REFUSED = (ipaddress.ip_network("100.64.0.0/10"),)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"),)  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use: never public


def address_refusal(ip: str, *, allow_private: bool) -> str | None:
    """Why we must not connect to `ip`, or None when it is fine.

    IPv6 forms that embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible
    ::a.b.c.d, 6to4 2002::/16, Teredo, NAT64 64:ff9b::/96) are judged by the address
    they carry; anything not globally routable is refused unless the source allows
    private addresses (and link-local / 100.64.0.0/10 even then)."""
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped:
            addr = addr.ipv4_mapped  # what the socket layer really reaches
        else:
            embedded = _embedded_ipv4(addr)
            if embedded is not None:
                inner = address_refusal(str(embedded), allow_private=False)
                if inner:
                    return f"{ip} embeds {embedded}: {inner}"
                return None
            if addr in _NAT64_LOCAL:
                return f"{ip} is a local-use NAT64 address: always refused"
    if addr.is_link_local:
        return f"{ip} is link-local (cloud metadata range): always refused"
    if any(addr in net for net in _ALWAYS_REFUSED):
        return f"{ip} is in 100.64.0.0/10 (shared/carrier NAT, cloud metadata): always refused"
    if addr.is_multicast or addr.is_unspecified:
        return f"{ip} is not a unicast address"
    if addr.is_private or addr.is_loopback:
        if allow_private:
            return None
        return f"{ip} is a private/loopback address (allow_private is off for this source)"
    if not addr.is_global or addr.is_reserved:
        return f"{ip} is not a public address (reserved or special-purpose range)"
    return None


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]  # the client's address
    if any(addr in net for net in _NAT64):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if int(addr) >> 32 == 0 and int(addr) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


class SafetyMiddleware:
    """Refuses requests outside the source's domains or towards internal addresses."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._resolved: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        url = urlparse_cached(request)
        if url.scheme not in ("http", "https"):
            raise Blocked("bad_scheme", f"only http(s) is fetched, not {url.scheme}:")
        host = (url.hostname or "").lower()
        source = self._source(request, host)
        allow_private = bool(source and source.allow_private)
        if is_ip(host):
            why = address_refusal(host, allow_private=allow_private)
            if why:
                raise Blocked("private_address", why)
        if source is None or not source.allows_host(host):
            raise Blocked("offsite", f"{host} is outside the allowed domains of the source")
        for ip in await self._resolve(host, url.port or (443 if url.scheme == "https" else 80)):
            why = address_refusal(ip, allow_private=allow_private)
            if why:
                raise Blocked("private_address", f"{host} resolves to {why}")

    def _source(self, request: Request, host: str) -> Any:
        sources = getattr(self.crawler.spider, "sources", {})
        sid = request.meta.get("source_id")
        if sid in sources:
            return sources[sid]
        # robots.txt requests carry no source: any source owning the host will do.
        return next((s for s in sources.values() if host_allowed(host, s.allowed_domains)), None)

    async def _resolve(self, host: str, port: int) -> list[str]:
        if is_ip(host):
            return [host]
        if host not in self._resolved:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, port)
            except OSError as exc:
                raise Blocked("dns", f"cannot resolve {host}: {exc}") from None
            self._resolved[host] = sorted({info[4][0] for info in infos})
        return self._resolved[host]


class HostHealthMiddleware:
    """Per-host pauses (Retry-After, backoff), Crawl-delay floors and a circuit breaker."""

    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.threshold = s.getint("VEILLE_BREAKER_THRESHOLD", 5)
        self.retry_after_max = s.getfloat("VEILLE_RETRY_AFTER_MAX", 120.0)
        self.crawl_delay_max = s.getfloat("VEILLE_CRAWL_DELAY_MAX", 60.0)
        self.user_agent = s.get("USER_AGENT", "")
        self.errors: dict[str, int] = {}
        self.open: set[str] = set()
        self.pause_until: dict[str, float] = {}
        self.floors: dict[str, float] = {}
        self.per_host = max(1, s.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 1))
        self.gates: dict[str, asyncio.Semaphore] = {}
        self.holding: dict[int, str] = {}  # id(request) -> host, while it holds a gate
        self.delay = s.getfloat("DOWNLOAD_DELAY", 0.0)
        self.last_start: dict[str, float] = {}
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostHealthMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlparse_cached(request).hostname or ""
        self._check_breaker(host)
        gate = self.gates.setdefault(host, asyncio.Semaphore(self.per_host))
        await gate.acquire()
        self.holding[id(request)] = host
        try:
            self._check_breaker(host)  # it may have opened while we waited
            wait = max(self.pause_until.get(host, 0.0), request.meta.get("not_before", 0.0),
                       self.last_start.get(host, 0.0) + self._gap(host))
            wait -= time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.last_start[host] = time.monotonic()
        except BaseException:
            self._release(request)
            raise

    def _gap(self, host: str) -> float:
        """Smallest time between two request starts to `host`: the configured delay,
        robots.txt's Crawl-delay, or AutoThrottle's current delay if larger. Scrapy's
        slot spaces requests too, but measures from when it dequeues them; this gate
        measures from when the previous request really left, so the server-side gap
        holds even when a connection set-up delays one request."""
        if not self.delay and host not in self.floors:
            return 0.0
        slot = self._slot(host)
        gap = max(self.delay, self.floors.get(host, 0.0), slot.delay if slot is not None else 0.0)
        # A request can leave a few ms late (connection set-up, a busy loop) and the next
        # one on time: the margin keeps the gap the *server* sees at or above the delay.
        return gap + _GAP_MARGIN

    def _check_breaker(self, host: str) -> None:
        if host in self.open:
            raise Blocked("circuit_open", f"{host} failed {self.threshold} times in a row; "
                          "not asking it again in this run")

    def _release(self, request: Request) -> None:
        host = self.holding.pop(id(request), None)
        if host is not None:
            self.gates[host].release()

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        self._release(request)
        host = urlparse_cached(request).hostname or ""
        if response.status in (429, 503):
            seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
            if seconds is not None:
                self.pause(host, min(seconds, self.retry_after_max))
        if response.status in _BREAKER_STATUSES:
            self._error(host)
        else:
            self.errors[host] = 0
        return response

    def process_exception(self, request: Request, exception: Exception,
                          spider: Any = None) -> None:
        self._release(request)
        if not isinstance(exception, IgnoreRequest):
            self._error(urlparse_cached(request).hostname or "")

    def pause(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (also pushes Scrapy's slot)."""
        until = time.monotonic() + seconds
        self.pause_until[host] = max(self.pause_until.get(host, 0.0), until)
        slot = self._slot(host)
        if slot is not None and slot.delay:
            # Scrapy waits `delay` after `lastseen`: move lastseen so queued requests wait too.
            slot.lastseen = max(slot.lastseen, until - slot.delay)

    def floor(self, host: str) -> float:
        return self.floors.get(host, 0.0)

    def _error(self, host: str) -> None:
        self.errors[host] = self.errors.get(host, 0) + 1
        if self.errors[host] >= self.threshold and host not in self.open:
            log.warning("circuit breaker open for %s after %d errors in a row", host,
                        self.threshold)
            self.open.add(host)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay:
            return
        host = urlparse_cached(request).hostname or ""
        delay = min(float(delay), self.crawl_delay_max)
        self.floors[host] = delay
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings.setdefault(host, {})["delay"] = delay
        slot = self._slot(host)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
        log.info("robots.txt of %s asks for Crawl-delay %.1f s", host, delay)

    def _slot(self, host: str) -> Any:
        engine = getattr(self.crawler, "engine", None)
        return engine.downloader.slots.get(host) if engine is not None else None


class BackoffRetryMiddleware(RetryMiddleware):
    """Bounded retries (RETRY_TIMES) with exponential backoff before each new try."""

    def _retry(self, request: Request, reason: Any) -> Request | None:
        new = super()._retry(request, reason)
        if new is not None:
            s = self.crawler.settings
            tries = new.meta.get("retry_times", 1)
            wait = min(s.getfloat("VEILLE_BACKOFF_BASE", 1.0) * 2 ** (tries - 1),
                       s.getfloat("VEILLE_BACKOFF_MAX", 60.0))
            new.meta["not_before"] = time.monotonic() + wait
        return new


class PoliteAutoThrottle(AutoThrottle):
    """AutoThrottle whose delay never drops under the host's robots.txt Crawl-delay."""

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        health = self.crawler.get_downloader_middleware(HostHealthMiddleware)
        host = urlparse_cached(response).hostname or ""
        if health is not None:
            slot.delay = max(slot.delay, health.floor(host))


def retry_after_seconds(value: bytes | None) -> float | None:
    """Retry-After as seconds: an integer, or an HTTP date; None when absent or invalid."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

