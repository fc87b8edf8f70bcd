"""Run a crawl programmatically: `run_crawl(sources=..., db_path=...) -> CrawlSummary`.

Scrapy runs in-process (AsyncCrawlerProcess, asyncio reactor). A Twisted reactor
cannot restart, so one process runs one crawl: tests and cron call `veille crawl`
as a subprocess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.items import CrawlContext
from crawler.sources import Source
from veille.config import Settings
from veille.errors import StoreError, VeilleError


@dataclass(frozen=True)
class CrawlSummary:
    """The run's record, as stored in crawl_runs.summary (`data`)."""

    run_id: str
    status: str  # ok | partial | failed
    db_path: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status, "db_path": self.db_path, **self.data}

    def table(self) -> Any:
        """A rich Table: one row per source, then the totals."""
        from rich.table import Table

        problems = {sid: s["problem"] for sid, s in self.data["sources"].items()
                    if s.get("problem")}
        caption = "\n".join(f"PROBLEM {sid}: {text}" for sid, text in problems.items())
        table = Table("source", "discovered", "skipped", "gone", "fetched", "new",
                      "over limit", "failed (by reason)", "problem",
                      title=f"crawl {self.run_id}: {self.status}", caption=caption or None,
                      caption_justify="left")
        rows = [*self.data["sources"].items(), ("TOTAL", self.data["totals"])]
        for sid, s in rows:
            failed = ", ".join(f"{r} {n}" for r, n in s["failed"].items()) or "-"
            keys = ("discovered", "skipped", "gone", "fetched", "new", "over_limit")
            code = (s.get("problem") or "").split(":", 1)[0]
            if sid == "TOTAL":
                code = f"{len(problems)} source(s)" if problems else "-"
            table.add_row(sid, *(str(s[k]) for k in keys), failed, code or "-")
        return table


def run_crawl(*, sources: Iterable[Source], db_path: str | Path, max_pages: int | None = None,
              settings: Settings | None = None, overrides: Mapping[str, Any] | None = None,
              politeness: bool = True) -> CrawlSummary:
    """Crawl `sources` into `db_path`. Raises AlreadyRunningError (exit 75) when another
    crawl holds the lock of this database, StoreError when the store failed."""
    from crawler.settings import scrapy_settings
    from crawler.spiders.press import PressSpider

    settings = settings or Settings()
    source_map = {s.id: s for s in sources}
    scrapy_conf = scrapy_settings(settings, politeness=politeness, overrides=overrides)
    ctx = CrawlContext(sources=source_map, db_path=str(db_path), max_pages=max_pages,
                       max_page_bytes=int(scrapy_conf["DOWNLOAD_MAXSIZE"]))
    run_spider(scrapy_conf, PressSpider, ctx, db_path, what="crawl")
    from crawler.pipelines import summary_dict

    return CrawlSummary(run_id=ctx.run_id, status=ctx.status, db_path=str(db_path),
                        data=summary_dict(ctx))


def run_spider(conf: Any, spider_cls: type, ctx: Any, db_path: str | Path, *, what: str) -> None:
    """One Scrapy run of `spider_cls` under the database's crawl lock (a crawl, a sitemap
    backfill); raises when it did not start or could not write to the store."""
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.lock import crawl_lock

    with crawl_lock(db_path):
        process = AsyncCrawlerProcess(conf)
        process.crawl(spider_cls, context=ctx)
        process.start()
    if not ctx.run_id:
        raise VeilleError(f"the {what} did not start (store {db_path}); see the log above")
    if ctx.store_error:
        raise StoreError(
            f"the {what} could not write to {db_path}: {ctx.store_error}; "
            "see the log above. Pages already written are kept; re-run to continue."
        )
