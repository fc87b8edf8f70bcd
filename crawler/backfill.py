"""`veille backfill sitemaps`: run the sitemap backfill spider over the store's frontier.

    summary = run_backfill(sources=..., db_path=..., since=date(2024, 1, 1), max_pages=500)

One process, one Scrapy run (like `veille crawl`), under the crawl lock of the database
(a crawl and a backfill never write the same file at once). `BackfillPipeline` writes
each item in its own transaction as soon as it arrives: a page stored is an article
done, so a SIGKILL costs at most the pages in flight at that moment (one per host).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from crawler.sources import Source
from veille.config import Settings
from veille.records import FetchedPage, FetchFailure

log = logging.getLogger(__name__)


@dataclass
class BackfillStats:
    sitemaps: int = 0  # sitemaps (and robots.txt) read
    listed: int = 0  # URLs added to the frontier to fetch (older ones wait for an earlier --since)
    known: int = 0  # listed URLs already stored (by the crawl): not fetched
    undated: int = 0  # listed URLs without a date: not fetched
    fetched: int = 0  # article pages stored by this run
    failed: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sitemaps": self.sitemaps,
            "listed": self.listed,
            "known": self.known,
            "undated": self.undated,
            "fetched": self.fetched,
            "failed": dict(sorted(self.failed.items())),
        }


@dataclass
class BackfillContext:
    """Shared by the spider and the pipeline; the pipeline opens the store and the run."""

    sources: dict[str, Source]
    db_path: str
    since: date
    max_pages: int | None = None
    max_page_bytes: int = 5_000_000
    on_progress: Callable[[int, int], None] | None = None  # (fetched, fetched + pending)
    run_id: str = ""
    frontier: Any = None
    inflight: set[str] = field(default_factory=set)
    scheduled: int = 0  # article requests sent, bounded by max_pages
    stats: BackfillStats = field(default_factory=BackfillStats)
    pending: tuple[int, int] = (0, 0)  # (sitemaps, articles) left in the period at the end
    close_reason: str = ""
    store_error: str | None = None

    def progress(self) -> None:
        if self.on_progress is None or self.frontier is None:
            return
        _, articles = self.frontier.pending_count(list(self.sources), since=self.since)
        total = self.stats.fetched + articles
        if self.max_pages is not None:
            total = min(total, self.max_pages)
        self.on_progress(self.stats.fetched, total)


@dataclass(frozen=True)
class BackfillSummary:
    run_id: str
    status: str  # ok (period done) | partial (budget, time limit or failures) | failed
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status, **self.data}


class BackfillPipeline:
    """Writes every item at once, in its own transaction (the frontier's resume point)."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self.writer: Any = None
        self.context: BackfillContext | None = None
        self.crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackfillPipeline:
        from scrapy import signals

        pipeline = cls()
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        from store.frontier import Frontier
        from store.writer import Writer

        ctx: BackfillContext = self.crawler.spider.context
        self.context = ctx
        self.writer = self._stack.enter_context(Writer.open(ctx.db_path))
        self.writer.upsert_sources(ctx.sources.values())
        self.writer.mark_interrupted(kind="backfill")  # we hold the crawl lock: those were killed
        ctx.run_id = self.writer.start_run(kind="backfill", sources=list(ctx.sources))
        ctx.frontier = Frontier(self.writer)
        ctx.frontier.sync()
        ctx.frontier.retry_transient()
        for source in ctx.sources.values():
            ctx.frontier.seed(source.id, seeds(source), run_id=ctx.run_id)
        ctx.progress()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        ctx = self.context
        assert ctx is not None and self.writer is not None
        try:
            if isinstance(item, FetchedPage):
                self.writer.save_pages([item])
                ctx.stats.fetched += 1
            elif isinstance(item, FetchFailure):
                ctx.frontier.failed(item.url, reason=item.reason, run_id=ctx.run_id)
                self.writer.save_failures([item])
                ctx.stats.failed[item.reason] += 1
        except Exception as exc:
            self._store_failed(exc)
            raise
        ctx.inflight.discard(item.url)
        ctx.progress()
        return item

    def spider_closed(self, spider: Any = None, reason: str = "finished") -> None:
        ctx = self.context
        if ctx is None or self.writer is None:
            return
        try:
            ctx.close_reason = reason
            ctx.frontier.sync()
            ctx.pending = ctx.frontier.pending_count(list(ctx.sources), since=ctx.since)
            status = (
                "ok"
                if reason == "finished" and not ctx.stats.failed and not any(ctx.pending)
                else "partial"
            )
            self.writer.finish_run(ctx.run_id, status=status, summary=summary_dict(ctx))
        except Exception as exc:
            self._store_failed(exc)
        finally:
            self._stack.close()
            self.writer = None

    def _store_failed(self, exc: Exception) -> None:
        assert self.context is not None
        self.context.store_error = f"{type(exc).__name__}: {exc}"
        log.exception("could not write the backfill to %s", self.context.db_path)


def seeds(source: Source) -> list[str]:
    """The source's archive sitemaps, else robots.txt of its start URLs' hosts."""
    if source.archive_sitemaps:
        return list(source.archive_sitemaps)
    from urllib.parse import urlsplit

    hosts = dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, source.start_urls))
    return [f"{h}/robots.txt" for h in hosts]


def summary_dict(ctx: BackfillContext) -> dict[str, Any]:
    return {
        "since": ctx.since.isoformat(),
        "max_pages": ctx.max_pages,
        "close_reason": ctx.close_reason or "finished",
        **ctx.stats.to_dict(),
        "pending_sitemaps": ctx.pending[0],
        "pending_articles": ctx.pending[1],
    }


def run_backfill(
    *,
    sources: Iterable[Source],
    db_path: str | Path,
    since: date,
    max_pages: int | None = None,
    settings: Settings | None = None,
    overrides: Mapping[str, Any] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> BackfillSummary:
    """Walk the sources' sitemap archives into `db_path`. Raises AlreadyRunningError (exit 75)
    when a crawl or backfill holds the database, StoreError when the store failed."""
    from crawler.run import run_spider
    from crawler.settings import scrapy_settings
    from crawler.spiders.backfill import SitemapBackfillSpider

    settings = settings or Settings()
    conf = scrapy_settings(
        settings,
        overrides={
            "ITEM_PIPELINES": {"crawler.backfill.BackfillPipeline": 300},
            **(overrides or {}),
        },
    )
    ctx = BackfillContext(
        sources={s.id: s for s in sources},
        db_path=str(db_path),
        since=since,
        max_pages=max_pages,
        max_page_bytes=int(conf["DOWNLOAD_MAXSIZE"]),
        on_progress=on_progress,
    )
    run_spider(conf, SitemapBackfillSpider, ctx, db_path, what="backfill")
    status = (
        "ok"
        if ctx.close_reason == "finished" and not ctx.stats.failed and not any(ctx.pending)
        else "partial"
    )
    return BackfillSummary(run_id=ctx.run_id, status=status, data=summary_dict(ctx))
