"""The base spider: one run over every source of the registry.

Discovery: each start URL is fetched and sniffed by its content, not its name:
- a sitemap index -> its sitemaps are fetched the same way (gzipped or not);
- a sitemap (plain or Google News) or an RSS/Atom feed -> every entry is an article
  candidate;
- an HTML page -> a listing page: links inside the source's domains that look like
  articles (crawler.urls.looks_like_article) are candidates.

Candidates are canonicalised (crawler.urls.canonical_url); those already stored for
the source, or already requested in this run, are skipped before any fetch. The
others are fetched (up to `max_pages` per run) and yielded as raw `FetchedPage`s
(cleaning is the analyse stage's job, nlp.stage); anything that goes wrong is yielded as a
`FetchFailure` with a stable reason code. Per-outlet parsers, if one day needed,
subclass this spider and override `article_links` for their listing pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip

from crawler.items import CrawlContext
from crawler.reasons import reason_for
from crawler.sources import Source
from crawler.urls import canonical_url, looks_like_article
from veille.records import FetchedPage, FetchFailure

_KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date",
                 "cache-control", "x-robots-tag")
_MAX_SITEMAP_DEPTH = 3  # index -> index -> sitemap is as deep as real sites go
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                              recover=False)


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

    def _discovery_request(self, url: str, source: Source, *, depth: int) -> Request:
        return Request(url, callback=self.parse_discovery, errback=self.failed,
                       dont_filter=True, priority=10,  # discovery first: it feeds the queue
                       meta={"source_id": source.id, "kind": "discovery", "depth": depth})

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
        if kind == "html":
            links = list(self.article_links(response, source))
        for link in links:
            yield from self._candidate(response.urljoin(link.strip()), source)

    def article_links(self, response: Response, source: Source) -> Iterator[str]:
        """Article links of an HTML listing page (inside the source's domains)."""
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url.startswith(("http://", "https://")) and looks_like_article(url):
                host = url.split("/", 3)[2].split(":")[0].lower()
                if source.allows_host(host):
                    yield url

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

    def parse_article(self, response: Response) -> Iterator[FetchedPage | FetchFailure]:
        """Fetch and store, nothing more: the analyse stage (`veille process`) cleans the
        raw page, so a cleaner fix reaches it later (nlp.stage)."""
        source = self.sources[response.meta["source_id"]]
        canon = response.meta["canonical"]
        self.context.stats_for(source.id).fetched += 1
        ctype = _header(response, "content-type")
        if not _is_html(ctype, response.body):
            yield self._failure(canon, source, "not_html", f"Content-Type {ctype or 'missing'}")
            return
        yield FetchedPage(
            url=canon, final_url=response.url, source_id=source.id, run_id=self.context.run_id,
            status=response.status, fetched_at=_now(), content_type=ctype, body=response.body,
            headers={k: v for k in _KEPT_HEADERS if (v := _header(response, k))})

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
        yield self._failure(url, source, reason, detail)

    def _failure(self, url: str, source: Source, reason: str, detail: str) -> FetchFailure:
        self.context.stats_for(source.id).failed[reason] += 1
        return FetchFailure(url=url, source_id=source.id, run_id=self.context.run_id,
                            reason=reason, detail=detail[:500], at=_now())


def parse_listing_xml(body: bytes) -> tuple[str, list[str]]:
    """Sniff an XML body: ("index", sitemap URLs), ("entries", article URLs) for a
    sitemap or a feed, ("html", []) when it is not XML, ("broken", [error]) when it
    claims to be XML but does not parse."""
    head = body[:512].lstrip().lower()
    looks_xml = head.startswith(b"<?xml") or head.startswith((b"<urlset", b"<sitemapindex",
                                                              b"<rss", b"<feed"))
    if not looks_xml:
        return "html", []
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        return "broken", [str(exc)]
    tag = etree.QName(root).localname.lower()
    if tag == "sitemapindex":
        return "index", _texts(root, "sitemap", "loc")
    if tag == "urlset":
        return "entries", _texts(root, "url", "loc")
    if tag == "rss" or tag == "rdf":
        links = _texts(root, "item", "link") or _texts(root, "item", "guid")
        return "entries", links
    if tag == "feed":  # Atom: the alternate link of each entry
        out = []
        for entry in root.iter("{*}entry"):
            for link in entry.iter("{*}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    out.append(link.get("href"))
                    break
        return "entries", out
    if tag == "html":
        return "html", []
    return "broken", [f"unknown XML root <{tag}>: not a sitemap or a feed"]


def _texts(root: Any, parent: str, child: str) -> list[str]:
    out = []
    for node in root.iter(f"{{*}}{parent}"):
        for sub in node.iterchildren(f"{{*}}{child}"):
            if sub.text and sub.text.strip():
                out.append(sub.text.strip())
                break
    return out


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _is_html(ctype: str | None, body: bytes) -> bool:
    if ctype:
        return "html" in ctype.lower()
    return b"<html" in body[:2048].lower()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
