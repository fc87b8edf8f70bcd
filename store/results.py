"""Write what the analyse stage made (cleaned text, facts, failures), one transaction a batch.

- `write_results(con, results)`: `PageResult`s from nlp.stage (crawl, backfill, WARC
  ingest). The page rows must exist (Writer.save_pages first). A page whose new text
  differs from the stored one loses its old facts, story, signature and vectors in the
  same transaction (their offsets index the old text), then gets the new analysis if
  the result carries one; otherwise it waits, unanalysed, for the next `veille process`.
  A page the new cleaner cannot read keeps its stored article; the page records why.
- `write_batch(con, version, results, failures)`: analyses of already stored text.

A SIGKILL loses at most the batch in flight: its pages still carry their old versions,
so the next run picks them up again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from store.facts import FACT_COLUMNS, rows_for
from store.ids import article_id, utcnow
from store.writer import cleaned_columns, cleaned_fields
from veille.records import Analysis, PageResult

# (article_id, stage, reason, message)
Failure = tuple[str, str, str, str]


@contextmanager
def _transaction(con: Any) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def write_results(con: Any, results: Sequence[PageResult]) -> None:
    """Store cleaned pages and their analyses (see the module docstring)."""
    analysed: list[tuple[str, Analysis]] = []
    cheap: dict[str, float | None] = {}
    failures: list[Failure] = []
    versions = {r.analysis_version for r in results if r.analysis_version}
    if len(versions) > 1:
        raise ValueError(f"one batch, one analysis version; got {sorted(versions)}")
    for r in results:
        aid = article_id(r.url)
        if r.analysis is not None:
            analysed.append((aid, r.analysis))
            cheap[aid] = r.cheap_relevance
        elif r.analysis_error is not None:
            failures.append((aid, "analyze", r.analysis_error[0], r.analysis_error[1]))
    with _transaction(con):
        _write_cleaned(con, results)
        if versions:
            _write_analyses(con, versions.pop(), analysed, failures, cheap)


def write_batch(
    con: Any,
    version: str,
    results: list[tuple[str, Analysis]],
    failures: list[Failure],
    cheap: dict[str, float | None] | None = None,
) -> None:
    """Replace the facts of the batch's articles and stamp them, in one transaction."""
    with _transaction(con):
        _write_analyses(con, version, results, failures, cheap or {})


def _write_cleaned(con: Any, results: Sequence[PageResult]) -> None:
    import pyarrow as pa

    if not results:
        return
    con.register(
        "_cleaned",
        pa.Table.from_pylist(
            [_cleaned_row(r) for r in results],
            schema=pa.schema([(name, pa.string()) for name in _CLEANED_COLUMNS]),
        ),
    )
    con.execute(
        "UPDATE pages SET clean_version = c.clean_version, clean_error = c.clean_error, "
        "charset_declared = c.charset_declared, charset_used = c.charset_used, "
        "charset_reason = c.charset_reason FROM _cleaned c WHERE pages.url = c.url"
    )
    con.unregister("_cleaned")
    rows = [_article_row(r) for r in results if r.article is not None]
    if not rows:
        return
    ids = [row["article_id"] for row in rows]
    old = dict(
        con.execute(
            "SELECT article_id, text_sha1 FROM articles "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    )
    changed = [
        row["article_id"]
        for row in rows
        if row["article_id"] in old and old[row["article_id"]] != row["text_sha1"]
    ]
    if changed:
        _forget_analysis(con, changed)
    con.register("_articles", pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA()))
    con.execute(
        """
        INSERT INTO articles (article_id, url, source_id, fetched_at, title, published,
                              published_text, author, site_name, lang, text, body_start,
                              text_sha1, paywalled, clean_version, cheap_relevance)
        SELECT n.article_id, n.url, n.source_id, coalesce(p.fetched_at, n.now), n.title,
               n.published, n.published_text, n.author, n.site_name, n.lang, n.text,
               n.body_start, n.text_sha1, n.paywalled, n.clean_version, n.cheap_relevance
        FROM _articles n LEFT JOIN pages p USING (url)
        ON CONFLICT (article_id) DO UPDATE SET
            title = excluded.title, published = excluded.published,
            published_text = excluded.published_text, author = excluded.author,
            site_name = excluded.site_name, lang = excluded.lang, text = excluded.text,
            body_start = excluded.body_start, text_sha1 = excluded.text_sha1,
            paywalled = excluded.paywalled, clean_version = excluded.clean_version,
            cheap_relevance = excluded.cheap_relevance
        """
    )
    con.unregister("_articles")


def _forget_analysis(con: Any, ids: list[str]) -> None:
    """The text of these articles changed: drop everything that indexes the old text."""
    con.execute(
        """
        DELETE FROM embeddings
        WHERE (item_kind = 'article' AND item_id IN (SELECT unnest(?::VARCHAR[])))
           OR (item_kind = 'initiative' AND item_id IN (
               SELECT initiative_id FROM initiatives
               WHERE article_id IN (SELECT unnest(?::VARCHAR[]))))
        """,
        [ids, ids],
    )
    for table in (*FACT_COLUMNS, "article_minhash"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    con.execute(
        "UPDATE articles SET relevant = NULL, relevance = NULL, pipeline_version = NULL, "
        "processed_at = NULL, story_id = NULL WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [ids],
    )


def _write_analyses(
    con: Any,
    version: str,
    results: list[tuple[str, Analysis]],
    failures: list[Failure],
    cheap: dict[str, float | None],
) -> None:
    import pyarrow as pa

    now = utcnow()
    ids = [aid for aid, _ in results]
    tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t in FACT_COLUMNS}
    for aid, analysis in results:
        for table, rows in rows_for(aid, analysis).items():
            tables[table].extend(rows)
    if ids:
        for table in FACT_COLUMNS:
            con.execute(
                f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
            )
        for table, rows in tables.items():
            if rows:
                cols = FACT_COLUMNS[table]
                con.register(
                    "_rows", pa.Table.from_pylist([dict(zip(cols, r, strict=True)) for r in rows])
                )
                con.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _rows"
                )
                con.unregister("_rows")
        stamps = pa.Table.from_pylist(
            [
                {
                    "article_id": aid,
                    "relevant": a.relevant,
                    "relevance": float(a.relevance),
                    "lang": a.lang,
                    "cheap": cheap.get(aid),
                }
                for aid, a in results
            ],
            schema=pa.schema(
                [
                    ("article_id", pa.string()),
                    ("relevant", pa.bool_()),
                    ("relevance", pa.float64()),
                    ("lang", pa.string()),
                    ("cheap", pa.float64()),
                ]
            ),
        )
        con.register("_stamps", stamps)
        con.execute(
            """
            UPDATE articles SET relevant = s.relevant, relevance = s.relevance,
                   lang = coalesce(s.lang, articles.lang), pipeline_version = ?,
                   processed_at = ?, cheap_relevance = coalesce(s.cheap, articles.cheap_relevance)
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


_CLEANED_COLUMNS = (
    "url",
    "clean_version",
    "clean_error",
    "charset_declared",
    "charset_used",
    "charset_reason",
)


def _cleaned_row(r: PageResult) -> dict[str, str | None]:
    """The page's side of a cleaning: its version, error, and how its bytes were decoded."""
    charset = r.article.charset if r.article is not None else None
    return {
        "url": r.url,
        "clean_version": r.clean_version,
        "clean_error": r.clean_error,
        "charset_declared": charset.declared if charset else None,
        "charset_used": charset.used if charset else None,
        "charset_reason": charset.reason if charset else None,
    }


def _article_row(r: PageResult) -> dict[str, Any]:
    art = r.article
    assert art is not None
    return {
        "article_id": article_id(r.url),
        "url": r.url,
        "source_id": r.source_id,
        "now": utcnow(),
        **cleaned_columns(art),
        "clean_version": r.clean_version,
        "cheap_relevance": r.cheap_relevance,
    }


def _ARTICLE_SCHEMA() -> Any:  # noqa: N802 - built lazily: pyarrow is a heavy import
    import pyarrow as pa

    return pa.schema(
        [
            ("article_id", pa.string()),
            ("url", pa.string()),
            ("source_id", pa.string()),
            ("now", pa.timestamp("us")),
            *cleaned_fields(),
            ("clean_version", pa.string()),
            ("cheap_relevance", pa.float64()),
        ]
    )
