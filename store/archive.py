"""Merge of `veille backfill warc` results (Arrow tables from the map stage) into the store.

The client's one writer calls `merge_archive_batch` for each table, in segment order.
Every step is idempotent, so a Dask task that ran twice (its worker died) or a re-run
of the whole command adds nothing:

- raw pages go through `Writer.save_pages` (keyed by canonical URL, first copy kept);
- provenance (WARC file, record offset) is written for a page only when the page's
  stored body is the one read from that record, once per page;
- what the analyse stage made of the page (text, facts; store.results.write_results)
  is written only when the stored body is the one that was analysed and the page does
  not already carry the same clean and analysis versions;
- pages of registry hosts that could not be used become `fetch_failures` rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from store.ids import parse_timestamp
from veille.records import (
    CleanArticle,
    FetchedPage,
    FetchFailure,
    PageResult,
    analysis_from_dict,
    from_dict,
)


def merge_archive_batch(writer: Any, table: Any, *, run_id: str) -> Counter[str]:
    """Store one map-stage table; returns counts (new pages, results written, failures)."""
    from store.results import write_results

    rows = table.to_pylist()
    kept = [r for r in rows if r["reject_reason"] is None]
    for r in kept:
        r["body_sha256"] = hashlib.sha256(r["body"]).hexdigest()
    counts: Counter[str] = Counter()
    counts["pages_new"] = writer.save_pages(_page(r, run_id) for r in kept)
    counts["provenance_new"] = _save_provenance(writer, kept, run_id)
    todo = _needing_results(writer.con, kept)
    results = [_result(r) for r in kept if r["url"] in todo]
    if results:
        write_results(writer.con, results)
    counts["results_written"] = len(results)
    counts["analyses_written"] = sum(1 for r in results if r.analysis is not None)
    rejects = [
        FetchFailure(
            url=r["url"],
            source_id=r["source_id"],
            run_id=run_id,
            reason=r["reject_reason"],
            detail=f"{r['warc_file']}@{r['warc_offset']}: {r['reject_detail'] or ''}"[:500],
            at=r["warc_date"] or "1970-01-01T00:00:00Z",
        )
        for r in rows
        if r["reject_reason"] is not None
    ]
    counts["failures_recorded"] = writer.save_failures(rejects)
    return counts


def archived_current(con: Any, clean_version: str, analysis_version: str) -> frozenset[str]:
    """URLs read from an archive before and already cleaned and analysed by these versions:
    the map stage skips them, so a re-run (or a resumed one) costs only the reading."""
    rows = con.execute(
        """
        SELECT pa.url FROM page_archive pa JOIN pages p USING (url)
        LEFT JOIN articles a USING (url)
        WHERE p.clean_version = ?
          AND (a.article_id IS NULL OR a.pipeline_version = ?)
        """,
        [clean_version, analysis_version],
    ).fetchall()
    return frozenset(r[0] for r in rows)


def _save_provenance(writer: Any, kept: list[dict[str, Any]], run_id: str) -> int:
    import pyarrow as pa

    if not kept:
        return 0
    prov = pa.Table.from_pylist(
        [
            {
                "url": r["url"],
                "warc_file": r["warc_file"],
                "warc_offset": r["warc_offset"],
                "warc_length": r["warc_length"],
                "warc_record_id": r["warc_record_id"],
                "warc_date": parse_timestamp(r["warc_date"]) if r["warc_date"] else None,
                "run_id": run_id,
                "body_sha256": r["body_sha256"],
            }
            for r in kept
        ],
        schema=pa.schema(
            [
                ("url", pa.string()),
                ("warc_file", pa.string()),
                ("warc_offset", pa.int64()),
                ("warc_length", pa.int64()),
                ("warc_record_id", pa.string()),
                ("warc_date", pa.timestamp("us")),
                ("run_id", pa.string()),
                ("body_sha256", pa.string()),
            ]
        ),
    )
    with writer.transaction() as con:
        con.register("_prov", prov)
        before = con.execute("SELECT count(*) FROM page_archive").fetchall()[0][0]
        con.execute(
            """
            INSERT INTO page_archive
            SELECT DISTINCT ON (p.url) p.url, p.warc_file, p.warc_offset, p.warc_length,
                   p.warc_record_id, p.warc_date, p.run_id
            FROM _prov p JOIN pages USING (url)
            WHERE pages.body_sha256 = p.body_sha256
            ORDER BY p.url, p.warc_file, p.warc_offset
            ON CONFLICT DO NOTHING
            """
        )
        after = con.execute("SELECT count(*) FROM page_archive").fetchall()[0][0]
        con.unregister("_prov")
    return int(after - before)


def _needing_results(con: Any, kept: list[dict[str, Any]]) -> set[str]:
    """URLs whose stored body is the analysed one and whose versions are not these yet."""
    import pyarrow as pa

    if not kept:
        return set()
    con.register(
        "_mine",
        pa.Table.from_pylist(
            [
                {
                    "url": r["url"],
                    "body_sha256": r["body_sha256"],
                    "clean_version": r["clean_version"],
                    "analysis_version": r["analysis_version"],
                }
                for r in kept
            ]
        ),
    )
    try:
        rows = con.execute(
            """
            SELECT m.url FROM _mine m
            JOIN pages p ON p.url = m.url AND p.body_sha256 = m.body_sha256
            LEFT JOIN articles a ON a.url = m.url
            WHERE p.clean_version IS DISTINCT FROM m.clean_version
               OR (m.analysis_version IS NOT NULL
                   AND a.pipeline_version IS DISTINCT FROM m.analysis_version)
            """
        ).fetchall()
    finally:
        con.unregister("_mine")
    return {r[0] for r in rows}


def _result(row: dict[str, Any]) -> PageResult:
    error = json.loads(row["analysis_error"]) if row["analysis_error"] else None
    return PageResult(
        url=row["url"],
        source_id=row["source_id"],
        clean_version=row["clean_version"],
        article=from_dict(CleanArticle, json.loads(row["article"])) if row["article"] else None,
        clean_error=row["clean_error"],
        cheap_relevance=row["cheap_relevance"],
        analysis_version=row["analysis_version"],
        analysis=analysis_from_dict(json.loads(row["analysis"])) if row["analysis"] else None,
        analysis_error=(error[0], error[1]) if error else None,
    )


def _page(row: dict[str, Any], run_id: str) -> FetchedPage:
    """The raw page (no article: store.results writes what the analyse stage made of it)."""
    return FetchedPage(
        url=row["url"],
        final_url=row["final_url"] or row["url"],
        source_id=row["source_id"],
        run_id=run_id,
        status=row["status"] or 200,
        fetched_at=row["warc_date"] or "1970-01-01T00:00:00Z",
        content_type=row["content_type"],
        body=row["body"],
        headers=json.loads(row["headers"] or "{}"),
    )
