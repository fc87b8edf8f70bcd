"""What flows through the crawl: the spider yields `FetchedPage` / `FetchFailure`
records (veille.records) as items; `CrawlContext` is the run's shared state and
`SourceStats` the per-source counts that end in the run's summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.sources import Source
from veille.records import FetchedPage, FetchFailure

__all__ = ["PERMANENT_REASONS", "CrawlContext", "FetchFailure", "FetchedPage", "SourceStats"]

# Failures not worth a new fetch on the next nights (transient ones, 5xx, 429, timeouts,
# circuit_open, are retried by the next run).
PERMANENT_REASONS = ("http_404", "http_410", "not_html", "too_large", "redirect_loop",
                     "offsite", "private_address")


@dataclass
class SourceStats:
    """Counts for one source. `discovered`: distinct article URLs found; `skipped`:
    already stored before this run; `fetched`: article pages downloaded; `new`: pages
    stored by this run; `gone`: skipped because they failed for good in an earlier
    run (PERMANENT_REASONS); `failed`: failures by reason (discovery and articles)."""

    discovered: int = 0
    skipped: int = 0
    gone: int = 0
    over_limit: int = 0
    fetched: int = 0
    new: int = 0
    failed: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"discovered": self.discovered, "skipped": self.skipped, "gone": self.gone,
                "over_limit": self.over_limit, "fetched": self.fetched, "new": self.new,
                "failed": dict(sorted(self.failed.items()))}


@dataclass
class CrawlContext:
    """Shared by the spider and the store pipeline for one run.

    The pipeline fills `run_id` and `known` when it opens the store (open_spider),
    before the spider starts asking for pages.
    """

    sources: dict[str, Source]
    db_path: str
    max_pages: int | None = None
    max_page_bytes: int = 5_000_000
    run_id: str = ""
    known: dict[str, set[str]] = field(default_factory=dict)
    gone: dict[str, set[str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # canonical URLs requested in this run
    scheduled: int = 0  # article requests sent, bounded by max_pages
    stats: dict[str, SourceStats] = field(default_factory=dict)
    status: str = "running"
    close_reason: str = ""
    store_error: str | None = None

    def stats_for(self, source_id: str) -> SourceStats:
        return self.stats.setdefault(source_id, SourceStats())
