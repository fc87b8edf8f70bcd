"""The store pipeline: batches pages and failures into the DuckDB file via store.writer.

open_spider opens the Writer, records the run and loads the URLs already stored
(so the spider skips them before fetching); items are flushed every
VEILLE_FLUSH_EVERY items and in close_spider; the spider_closed signal (which
carries Scrapy's close reason) stores the per-source summary as the run's record.
Each flush is one transaction per batch (see store.writer):
a SIGKILL loses at most the unflushed batch, never the file.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

from crawler.items import PERMANENT_REASONS, CrawlContext
from veille.records import FetchedPage, FetchFailure, UrlAlias

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, flush_every: int) -> None:
        self.flush_every = flush_every
        self.pages: list[FetchedPage] = []
        self.failures: list[FetchFailure] = []
        self.aliases: list[UrlAlias] = []
        self._stack = ExitStack()
        self.writer: Any = None
        self.context: CrawlContext | None = None
        self.crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        from scrapy import signals

        pipeline = cls(flush_every=crawler.settings.getint("VEILLE_FLUSH_EVERY", 50))
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        from store.writer import Writer

        ctx: CrawlContext = self.crawler.spider.context
        self.context = ctx
        self.writer = self._stack.enter_context(Writer.open(ctx.db_path))
        self.writer.upsert_sources(ctx.sources.values())
        self.writer.mark_interrupted(kind="crawl")  # we hold the crawl lock: those were killed
        ctx.run_id = self.writer.start_run(kind="crawl", sources=list(ctx.sources))
        # All sources' URLs: pages are keyed by URL alone, so an article two outlets
        # list (shared domains such as actu.fr) is stored once and never refetched.
        known = self.writer.known_urls(None)
        ctx.known = {sid: known for sid in ctx.sources}
        ctx.gone = permanent_failures(self.writer, list(ctx.sources))
        for sid in ctx.sources:
            ctx.stats_for(sid)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, FetchedPage):
            self.pages.append(item)
        elif isinstance(item, FetchFailure):
            self.failures.append(item)
        elif isinstance(item, UrlAlias):
            self.aliases.append(item)
        if len(self.pages) + len(self.failures) >= self.flush_every:
            self.flush()
        return item

    def flush(self) -> None:
        ctx = self.context
        assert ctx is not None and self.writer is not None
        pages, failures, aliases = self.pages, self.failures, self.aliases
        self.pages, self.failures, self.aliases = [], [], []
        by_source: dict[str, list[FetchedPage]] = {}
        for page in pages:
            by_source.setdefault(page.source_id, []).append(page)
        for sid, batch in by_source.items():
            ctx.stats_for(sid).new += self.writer.save_pages(batch)
        if failures:
            self.writer.save_failures(failures)
        if aliases:  # after the pages they point to
            self.writer.save_aliases(aliases)

    def close_spider(self, spider: Any = None) -> None:
        try:
            self.flush()
        except Exception as exc:
            self._store_failed(exc)
            raise

    def spider_closed(self, spider: Any = None, reason: str = "finished") -> None:
        """Runs after close_spider, when Scrapy tells why it stopped (finished, shutdown,
        closespider_timeout...): record the run's outcome, then close the store."""
        ctx = self.context
        if ctx is None or self.writer is None:
            return
        try:
            ctx.close_reason = reason
            failed = any(s.failed or s.problem for s in ctx.stats.values())
            ctx.status = "ok" if reason == "finished" and not failed else "partial"
            self.writer.finish_run(ctx.run_id, status=ctx.status, summary=summary_dict(ctx))
        except Exception as exc:
            self._store_failed(exc)
        finally:
            self._stack.close()
            self.writer = None

    def _store_failed(self, exc: Exception) -> None:
        assert self.context is not None
        self.context.store_error = f"{type(exc).__name__}: {exc}"
        log.exception("could not write the crawl to %s", self.context.db_path)


def permanent_failures(writer: Any, source_ids: list[str]) -> dict[str, set[str]]:
    """URLs that failed for good in an earlier run, per source (SQL lives in the Writer)."""
    return writer.permanent_failures(source_ids, PERMANENT_REASONS)


def summary_dict(ctx: CrawlContext) -> dict[str, Any]:
    per_source = {sid: st.to_dict() for sid, st in sorted(ctx.stats.items())}
    keys = ("discovered", "skipped", "gone", "over_limit", "fetched", "new", "cleaned")
    totals: dict[str, Any] = {k: sum(s[k] for s in per_source.values()) for k in keys}
    failed: dict[str, int] = {}
    for s in per_source.values():
        for reason, n in s["failed"].items():
            failed[reason] = failed.get(reason, 0) + n
    totals["failed"] = dict(sorted(failed.items()))
    problems = sorted(sid for sid, s in per_source.items() if s.get("problem"))
    return {"sources": per_source, "totals": totals, "max_pages": ctx.max_pages,
            "problems": len(problems), "problem_sources": problems,
            "close_reason": ctx.close_reason or "finished"}
