"""Merge of `veille backfill warc` results (Arrow tables from the map stage) into the store.

The client's one writer calls `merge_archive_batch` for each table, in segment order.
Every step is idempotent, so a Dask task that ran twice (its worker died) or a re-run
of the whole command adds nothing:

- pages and articles go through `Writer.save_pages` (keyed by canonical URL, first copy kept);
- provenance (WARC file, record offset) is written for a page only when the page's
  stored body is the one read from that record, once per page;
- analyses are written (store.process.write_batch) only for articles whose stored text
  is the text that was analysed and which the current pipeline has not processed yet;
- pages of registry hosts that could not be used become `fetch_failures` rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from store.ids import article_id, sha1
from veille.records import CleanArticle, FetchedPage, FetchFailure, analysis_from_dict


def merge_archive_batch(writer: Any, table: Any, *, run_id: str, version: str) -> Counter[str]:
    """Store one map-stage table; returns counts (new pages, analyses written, failures)."""
    import pyarrow as pa

    from store.process import write_batch

    rows = table.to_pylist()
    kept = [r for r in rows if r["reject_reason"] is None]
    counts: Counter[str] = Counter()
    counts["pages_new"] = writer.save_pages(_page(r, run_id) for r in kept)
    con = writer.con
    if kept:
        prov = pa.Table.from_pylist(
            [
                {
                    "url": r["url"],
                    "warc_file": r["warc_file"],
                    "warc_offset": r["warc_offset"],
                    "warc_length": r["warc_length"],
                    "warc_record_id": r["warc_record_id"],
                    "warc_date": _timestamp(r["warc_date"]),
                    "run_id": run_id,
                    "body_sha256": hashlib.sha256(r["body"]).hexdigest(),
                }
                for r in kept
            ]
        )
        with writer.transaction():
            con.register("_prov", prov)
            before = con.execute("SELECT count(*) FROM page_archive").fetchall()[0][0]
            con.execute(
                """
                INSERT INTO page_archive
                SELECT DISTINCT ON (p.url) p.url, p.warc_file, p.warc_offset, p.warc_length,
                       p.warc_record_id, p.warc_date, p.run_id
                FROM _prov p JOIN pages USING (url)
                WHERE pages.body_sha256 = p.body_sha256
                ON CONFLICT DO NOTHING
                """
            )
            counts["provenance_new"] = (
                con.execute("SELECT count(*) FROM page_archive").fetchall()[0][0] - before
            )
            con.unregister("_prov")
    analysed = {article_id(r["url"]): r for r in kept if r["analysis"] or r["analysis_error"]}
    todo = _needs_analysis(con, analysed, version)
    results = [
        (aid, analysis_from_dict(json.loads(analysed[aid]["analysis"])))
        for aid in todo
        if analysed[aid]["analysis"]
    ]
    failures = [
        (aid, *json.loads(analysed[aid]["analysis_error"]))
        for aid in todo
        if analysed[aid]["analysis_error"]
    ]
    if results or failures:
        write_batch(con, version, results, failures)
    counts["analyses_written"] = len(results)
    counts["analysis_failures"] = len(failures)
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


def _needs_analysis(con: Any, rows: dict[str, dict[str, Any]], version: str) -> list[str]:
    """Ids whose stored text is the analysed one and whose analysis is not current."""
    if not rows:
        return []
    wanted = {aid: sha1(json.loads(r["article"])["text"]) for aid, r in rows.items()}
    found = con.execute(
        """
        SELECT article_id, text_sha1 FROM articles
        WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
          AND pipeline_version IS DISTINCT FROM ?
        """,
        [sorted(wanted), version],
    ).fetchall()
    ok = {aid for aid, text_sha1 in found if wanted.get(aid) == text_sha1}
    return [aid for aid in rows if aid in ok]


def _page(row: dict[str, Any], run_id: str) -> FetchedPage:
    article = CleanArticle(**json.loads(row["article"])) if row["article"] else None
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
        article=article,
        clean_error=row["clean_error"],
    )


def _timestamp(value: str | None) -> Any:
    from store.ids import parse_timestamp

    return parse_timestamp(value) if value else None


def archive_counts(con: Any) -> dict[str, int]:
    """Pages with WARC provenance, and their articles (for reports and tests)."""
    row = con.execute(
        """
        SELECT count(*), count(a.article_id)
        FROM page_archive p LEFT JOIN articles a USING (url)
        """
    ).fetchall()[0]
    return {"pages": int(row[0]), "articles": int(row[1])}
