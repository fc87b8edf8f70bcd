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
    listing_pages: int = 0  # HTML listing pages read (pagination included)
    not_article: int = 0  # feed/sitemap entries refused by the source's article_pattern
    duplicates: int = 0  # pages whose rel=canonical was already stored
    offsite_hosts: Counter[str] = field(default_factory=Counter)  # entries refused by host
    tdm_reserved: str | None = None  # the TDM reservation seen (header or tdmrep.json)

    @property
    def problem(self) -> str | None:
        """Why this source's run is broken even if no page failed, with what to fix."""
        return source_problem(discovered=self.discovered, failed=self.failed,
                              offsite_hosts=self.offsite_hosts, tdm=self.tdm_reserved)

    def to_dict(self) -> dict[str, Any]:
        return {"discovered": self.discovered, "skipped": self.skipped, "gone": self.gone,
                "over_limit": self.over_limit, "fetched": self.fetched, "new": self.new,
                "failed": dict(sorted(self.failed.items())),
                "listing_pages": self.listing_pages, "not_article": self.not_article,
                "duplicates": self.duplicates,
                "offsite_hosts": dict(self.offsite_hosts.most_common(5)),
                "tdm_reserved": self.tdm_reserved, "problem": self.problem}


def source_problem(*, discovered: int, failed: Counter[str] | dict[str, int],
                   offsite_hosts: Counter[str] | dict[str, int], tdm: str | None) -> str | None:
    """A source that finds nothing, or only links it may not follow, is broken: say
    what to fix. None when discovery worked."""
    hosts = ", ".join(sorted(offsite_hosts)) or "another host"
    if tdm and failed.get("tdm_reserved"):  # recorded but not a problem under the exception
        return (f"tdm_reserved: the outlet reserves text-and-data mining ({tdm}); nothing is "
                "fetched unless tdm_research_exception is set (docs/sources.md)")
    if failed.get("robots_unavailable"):
        return ("robots_unavailable: robots.txt answered 5xx or did not answer, so the whole "
                "site is off limits for this run (RFC 9309); retry tomorrow, tell the outlet "
                "if it lasts")
    if discovered == 0:
        if offsite_hosts:
            return (f"all_offsite: every article link points to {hosts}; add that host to "
                    "allowed_domains (the outlet moved?)")
        return ("no_links: discovery found no article link; check the start URLs with "
                "`veille sources check --source ID`, then fix them or article_pattern")
    if offsite_hosts and sum(offsite_hosts.values()) >= discovered:
        return (f"all_offsite: every entry points to {hosts}, outside allowed_domains; add "
                "that host to allowed_domains (the outlet moved?)")
    return None


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
    stored: set[str] = field(default_factory=set)  # dedup keys of pages kept in this run
    listings_seen: set[str] = field(default_factory=set)  # listing pages already asked
    scheduled: int = 0  # article requests sent, bounded by max_pages
    stats: dict[str, SourceStats] = field(default_factory=dict)
    status: str = "running"
    close_reason: str = ""
    store_error: str | None = None

    def stats_for(self, source_id: str) -> SourceStats:
        return self.stats.setdefault(source_id, SourceStats())
