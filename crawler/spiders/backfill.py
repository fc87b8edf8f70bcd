"""The sitemap backfill spider: the outlets' sitemap archives down to the articles of a period.

It reads its work from the store's frontier (store.frontier), never from memory: a
sitemap index lists monthly or daily sitemaps with `<lastmod>`, those list article URLs
with theirs; whatever a sitemap lists is written to the frontier (with the sitemap
marked done, in one transaction) before any of it is requested. Sitemaps whose
`<lastmod>` is older than `--since` are never fetched, nor articles dated before it.
Articles are fetched and stored raw, like the crawl's (the analyse stage cleans them).

Same machinery as the crawl: settings, robots.txt, per-host politeness, the address
guard (SafetyMiddleware reads `sources` and `meta["source_id"]`), reason codes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip

from crawler.backfill import BackfillContext
from crawler.reasons import reason_for
from crawler.sitemaps import parse_dated
from crawler.spiders.press import _header, _is_html, _now
from crawler.urls import canonical_url
from store.frontier import Entry, Row
from veille.records import FetchedPage, FetchFailure

_KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")
_MAX_DEPTH = 4  # robots -> index -> index -> sitemap -> articles
_POLL = 0.1  # seconds between two looks at the frontier while requests are in flight


class SitemapBackfillSpider(scrapy.Spider):
    name = "backfill"

    def __init__(self, *args: Any, context: BackfillContext, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.sources = context.sources

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SitemapBackfillSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    def _dropped(self, request: Request, spider: Any = None) -> None:
        self.context.inflight.discard(request.url)

    async def start(self) -> AsyncIterator[Request]:
        ctx = self.context
        assert ctx.frontier is not None, "the backfill pipeline must open the store first"
        ids = list(self.sources)
        while True:
            budget_left = ctx.max_pages is None or ctx.scheduled < ctx.max_pages
            rows = []
            if budget_left:
                rows = [
                    r
                    for r in ctx.frontier.next_rows(
                        ids, since=ctx.since, limit=len(ctx.inflight) + 200
                    )
                    if r.url not in ctx.inflight
                ]
            for row in rows:
                if row.kind == "article":
                    if ctx.max_pages is not None and ctx.scheduled >= ctx.max_pages:
                        break  # the budget: the rest waits in the frontier for the next run
                    ctx.scheduled += 1
                ctx.inflight.add(row.url)
                yield self._request(row)
            if not rows:
                if not ctx.inflight:
                    return  # nothing pending in the period, nothing in flight: done
                await asyncio.sleep(_POLL)

    def _request(self, row: Row) -> Request:
        callback = self.parse_article if row.kind == "article" else self.parse_sitemap
        is_robots = urlsplit(row.url).path == "/robots.txt"
        return Request(
            row.url,
            callback=self.parse_robots if is_robots else callback,
            errback=self.failed,
            dont_filter=True,
            priority=10 if row.kind == "sitemap" else 0,
            meta={"source_id": row.source_id, "row": row},
        )

    # -- sitemaps ----------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Any]:
        row: Row = response.meta["row"]
        children = [
            Entry(line.split(":", 1)[1].strip(), "sitemap")
            for line in response.text.splitlines()
            if line.lower().startswith("sitemap:") and line.split(":", 1)[1].strip()
        ]
        yield from self._listing(row, children)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        row: Row = response.meta["row"]
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.context.max_page_bytes)
            except Exception as exc:  # noqa: BLE001 - any bad gzip is the same failure
                yield self._failure(row, "bad_sitemap", f"bad gzip: {exc}")
                return
        kind, entries = parse_dated(body)
        if kind in ("broken", "other"):
            yield self._failure(
                row,
                "bad_sitemap",
                "not a sitemap or a sitemap index" if kind == "other" else "malformed XML",
            )
            return
        if row.depth >= _MAX_DEPTH:
            yield self._failure(row, "bad_sitemap", "sitemap index too deep")
            return
        source = self.sources[row.source_id]
        children = []
        for loc, lastmod in entries:
            url = response.urljoin(loc)
            if not url.startswith(("http://", "https://")):
                continue
            if kind == "index":
                children.append(Entry(url, "sitemap", lastmod))
            elif source.allows_host(urlsplit(url).hostname):
                children.append(Entry(canonical_url(url), "article", lastmod))
        yield from self._listing(row, children)

    def _listing(self, row: Row, children: list[Entry]) -> Iterator[Any]:
        ctx = self.context
        assert ctx.frontier is not None
        counts = ctx.frontier.listed(row, children, run_id=ctx.run_id)
        ctx.stats.sitemaps += 1
        ctx.stats.listed += counts.get("pending", 0)
        ctx.stats.known += counts.get("known", 0)
        ctx.stats.undated += counts.get("undated", 0)
        ctx.inflight.discard(row.url)
        ctx.progress()
        return iter(())

    # -- articles ----------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[FetchedPage | FetchFailure]:
        row: Row = response.meta["row"]
        ctype = _header(response, "content-type")
        if not _is_html(ctype, response.body):
            yield self._failure(row, "not_html", f"Content-Type {ctype or 'missing'}")
            return
        yield FetchedPage(
            url=row.url,
            final_url=response.url,
            source_id=row.source_id,
            run_id=self.context.run_id,
            status=response.status,
            fetched_at=_now(),
            content_type=ctype,
            body=response.body,
            headers={k: v for k in _KEPT_HEADERS if (v := _header(response, k))},
        )

    # -- failures ----------------------------------------------------------------------

    def failed(self, failure: Any) -> Iterator[FetchFailure]:
        row: Row = failure.request.meta["row"]
        reason, detail = reason_for(failure.value)
        yield self._failure(row, reason, detail)

    def _failure(self, row: Row, reason: str, detail: str) -> FetchFailure:
        return FetchFailure(
            url=row.url,
            source_id=row.source_id,
            run_id=self.context.run_id,
            reason=reason,
            detail=detail[:500],
            at=_now(),
        )
