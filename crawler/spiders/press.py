"""The base spider: one run over every source of the registry.

Discovery (documents read by crawler.listing): each start URL is fetched and sniffed
by its content, not its name (a BOM, comments or processing instructions may come
first):
- a sitemap index -> its recent sitemaps are fetched the same way (gzipped or not);
- a sitemap (plain or Google News) or an RSS/Atom feed -> every entry is an article
  candidate (those matching the source's `article_pattern`, when it has one);
- an HTML page -> a listing page: links inside the source's domains that match
  `article_pattern`, or without one look like articles (crawler.urls.looks_like_article),
  are candidates; its next page is followed up to the source's `max_listing_pages`.

Candidates are canonicalised (crawler.urls.canonical_url); those already stored for
the source, or already requested in this run, are skipped before any fetch. The
others are fetched (up to `max_pages` per run) and cleaned on the way (nlp.clean),
and yielded as `FetchedPage`, keyed by the page's rel=canonical when it points inside
the source's domains (a second URL of a stored article is dropped); anything that
goes wrong is yielded as a `FetchFailure` with a stable reason code. Entries outside
the source's domains are counted per host, so a moved outlet shows up as a problem
(crawler.items.source_problem). Per-outlet parsers, if one day needed, subclass this
spider and override `article_links` for their listing pages.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip

from crawler.items import CrawlContext
from crawler.listing import listing_links, parse_listing_xml
from crawler.reasons import reason_for
from crawler.sources import Source
from crawler.urls import canonical_url
from nlp.clean import clean_html  # imported up front: the first article must not wait for it
from veille.errors import InputError
from veille.records import FetchedPage, FetchFailure, UrlAlias

_KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date",
                 "cache-control", "x-robots-tag")
_MAX_SITEMAP_DEPTH = 3  # index -> index -> sitemap is as deep as real sites go


class PressSpider(scrapy.Spider):
    name = "press"

    def __init__(self, *args: Any, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.sources: dict[str, Source] = context.sources

    async def start(self) -> AsyncIterator[Request]:
        assert self.context.run_id, "the store pipeline must open the run first"
        for source in self.sources.values():
            for url in source.start_urls:
                yield self._discovery_request(url, source, depth=0)

    # -- discovery ---------------------------------------------------------------------

    def _discovery_request(self, url: str, source: Source, *, depth: int,
                           page: int = 1) -> Request:
        return Request(url, callback=self.parse_discovery, errback=self.failed,
                       dont_filter=True, priority=10,  # discovery first: it feeds the queue
                       meta={"source_id": source.id, "kind": "discovery", "depth": depth,
                             "listing_page": page})

    def parse_discovery(self, response: Response) -> Iterator[Request | FetchFailure]:
        source = self.sources[response.meta["source_id"]]
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.context.max_page_bytes)
            except Exception as exc:  # noqa: BLE001 - any bad gzip is the same failure
                yield self._failure(response.url, source, "bad_sitemap", f"bad gzip: {exc}")
                return
        kind, links = parse_listing_xml(body)
        if kind == "broken":
            yield self._failure(response.url, source, "bad_sitemap",
                                f"malformed XML: {links[0] if links else 'unreadable'}")
            return
        if kind == "index":
            depth = response.meta.get("depth", 0) + 1
            if depth > _MAX_SITEMAP_DEPTH:
                yield self._failure(response.url, source, "bad_sitemap", "sitemap index too deep")
                return
            for loc in links:
                yield self._discovery_request(response.urljoin(loc), source, depth=depth)
            return
        stats = self.context.stats_for(source.id)
        if kind == "html":
            stats.listing_pages += 1
            links = list(self.article_links(response, source))
            yield from self._next_listing_page(response, source)
        else:
            links = [response.urljoin(link.strip()) for link in links]
            if source.article_pattern is not None:  # the source says what an article is
                kept = [u for u in links if source.is_article_url(u)]
                stats.not_article += len(links) - len(kept)
                links = kept
        for link in links:
            yield from self._candidate(link, source)

    def article_links(self, response: Response, source: Source) -> Iterator[str]:
        """Article links of an HTML listing page (inside the source's domains): the
        source's `article_pattern` when it has one, else the structural guess
        (crawler.urls.looks_like_article). Per-outlet parsers override this."""
        found = listing_links(response.body, response.url, allows_host=source.allows_host,
                              pattern=source.is_article_url if source.article_pattern else None)
        self.context.stats_for(source.id).offsite_hosts.update(found.offsite)
        response.meta["next_page"] = found.next_page
        yield from found.articles

    def _next_listing_page(self, response: Response, source: Source) -> Iterator[Request]:
        """Pagination (rel=next, ?page=N, /page/N/), up to the source's max_listing_pages."""
        nxt = response.meta.get("next_page")
        page = response.meta.get("listing_page", 1)
        if not nxt or page >= source.max_listing_pages:
            return
        key = canonical_url(nxt)
        self.context.listings_seen.add(canonical_url(response.url))
        if key in self.context.listings_seen:
            return
        self.context.listings_seen.add(key)
        yield self._discovery_request(nxt, source, depth=response.meta.get("depth", 0),
                                      page=page + 1)

    def _candidate(self, url: str, source: Source) -> Iterator[Request | FetchFailure]:
        stats = self.context.stats_for(source.id)
        if not url.startswith(("http://", "https://")):
            stats.discovered += 1
            yield self._failure(url, source, "bad_scheme", "only http(s) links are followed")
            return
        canon = canonical_url(url)
        if canon in self.context.seen:
            return  # same article listed twice (feed + sitemap): counted once
        self.context.seen.add(canon)
        stats.discovered += 1
        host = urlsplit(canon).hostname
        if not source.allows_host(host):
            stats.offsite_hosts[host or "?"] += 1  # still requested: the guard records why
        if canon in self.context.known.get(source.id, ()):
            stats.skipped += 1
            return
        if canon in self.context.gone.get(source.id, ()):
            stats.gone += 1  # failed for good in an earlier run (404, PDF, too large...)
            return
        limit = self.context.max_pages
        if limit is not None and self.context.scheduled >= limit:
            stats.over_limit += 1
            return
        self.context.scheduled += 1
        # dont_filter: we dedupe on canonical URLs ourselves, and Scrapy's filter would
        # silently swallow redirect loops and redirects to an already refused URL.
        yield Request(canon, callback=self.parse_article, errback=self.failed, dont_filter=True,
                      meta={"source_id": source.id, "kind": "article", "canonical": canon})

    # -- articles ----------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[FetchedPage | FetchFailure]:
        source = self.sources[response.meta["source_id"]]
        canon = response.meta["canonical"]
        stats = self.context.stats_for(source.id)
        stats.fetched += 1
        ctype = _header(response, "content-type")
        if not _is_html(ctype, response.body):
            yield self._failure(canon, source, "not_html", f"Content-Type {ctype or 'missing'}")
            return
        key, duplicate = self._dedup_key(response, source, canon)
        if key != canon:  # remembered, so later runs do not fetch this URL again
            yield UrlAlias(url=canon, canonical=key, source_id=source.id,
                           run_id=self.context.run_id, at=_now())
        if duplicate:  # another URL of an article already stored (rel=canonical)
            stats.duplicates += 1
            return
        article, clean_error = None, None
        try:
            # Off the reactor thread: trafilatura takes tens of ms a page.
            article = await asyncio.to_thread(
                clean_html, response.body, source=response.url, url=response.url,
                max_bytes=self.context.max_page_bytes, encoding=response.encoding)
        except InputError as exc:
            clean_error = exc.reason
        except Exception as exc:  # noqa: BLE001 - a cleaner bug must not lose the raw page
            clean_error = f"clean_crash:{type(exc).__name__}"
            self.logger.exception("cleaning %s crashed", response.url)
        if article is not None:
            stats.cleaned += 1
        yield FetchedPage(
            url=key, final_url=response.url, source_id=source.id, run_id=self.context.run_id,
            status=response.status, fetched_at=_now(), content_type=ctype, body=response.body,
            headers={k: v for k in _KEPT_HEADERS if (v := _header(response, k))},
            article=article, clean_error=clean_error)

    def _dedup_key(self, response: Response, source: Source, canon: str) -> tuple[str, bool]:
        """The page's dedup key: its <link rel=canonical> when that points inside the
        source's domains (an old host's URL and the new one are one article), else the
        discovered URL; and whether that key is already stored."""
        key = canon
        href = rel_canonical(response.body)
        if href:
            linked = canonical_url(response.urljoin(href))
            parts = urlsplit(linked)
            # Some CMSs point every page's canonical at the home page: never follow that.
            if parts.scheme in ("http", "https") and parts.path not in ("", "/") and \
                    source.allows_host(parts.hostname):
                key = linked
        if key in self.context.stored or (key != canon and key in self.context.known.get(
                source.id, ())):
            return key, True
        self.context.stored.add(key)
        self.context.seen.add(key)  # a later listing of the canonical URL is not fetched
        return key, False

    # -- failures ----------------------------------------------------------------------

    def failed(self, failure: Any) -> Iterator[FetchFailure]:
        request = failure.request
        source = self.sources[request.meta["source_id"]]
        exc = failure.value
        reason, detail = reason_for(exc)
        if isinstance(exc, HttpError) and request.meta.get("kind") == "article":
            self.context.stats_for(source.id).fetched += 1
        redirects = request.meta.get("redirect_urls") or [request.url]
        url = request.meta.get("canonical") or redirects[0]
        if reason == "offsite" and (request.meta.get("kind") == "discovery"
                                    or request.meta.get("redirect_urls")):
            # Redirected to a host outside the source's domains: the outlet moved there.
            # (Offsite entries listed as such were counted when discovered.)
            host = urlsplit(request.url).hostname or "?"
            self.context.stats_for(source.id).offsite_hosts[host] += 1
        yield self._failure(url, source, reason, detail)

    def _failure(self, url: str, source: Source, reason: str, detail: str) -> FetchFailure:
        self.context.stats_for(source.id).failed[reason] += 1
        return FetchFailure(url=url, source_id=source.id, run_id=self.context.run_id,
                            reason=reason, detail=detail[:500], at=_now())


_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def rel_canonical(body: bytes) -> str | None:
    """href of <link rel="canonical"> in the page's head (first 64 KB), if any."""
    head = body[:65536]
    end = head.lower().find(b"</head>")
    for tag in _LINK_TAG.findall(head if end < 0 else head[:end]):
        attrs = {m[0].lower(): (m[1] or m[2] or m[3]) for m in _ATTR.findall(tag)}
        if b"canonical" in attrs.get(b"rel", b"").lower().split() and attrs.get(b"href"):
            return attrs[b"href"].decode("utf-8", "replace").strip()
    return None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _is_html(ctype: str | None, body: bytes) -> bool:
    if ctype:
        return "html" in ctype.lower()
    return b"<html" in body[:2048].lower()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
