"""The one writer of the working DuckDB file (crawl, process and nightly go through it).

CONTRACT (implemented by the store stage; the crawler codes against it):

    with Writer.open(db_path) as w:           # applies migrations, takes the file lock
        run_id = w.start_run(kind="crawl", sources=[...])
        w.upsert_sources(sources)             # objects or mappings with id, name, region...
        seen = w.known_urls(source_id)        # canonical URLs already stored
        w.save_pages(pages: list[FetchedPage])        # idempotent on canonical URL
        w.save_failures(failures: list[FetchFailure])
        w.finish_run(run_id, status="ok"|"failed"|"partial", summary={...})

Every call is one transaction: a SIGKILL mid-call leaves the file as it was before
the call (DuckDB's WAL is replayed on the next open). Pages and articles are keyed
by canonical URL and inserted with ON CONFLICT DO NOTHING, so a re-run after a
crash stores each article once.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.ids import article_id, parse_published, parse_timestamp, sha1, utcnow
from veille.records import CleanArticle, FetchedPage, FetchFailure, UrlAlias

if TYPE_CHECKING:
    import duckdb

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted")
BODY_CODEC = "gzip"  # stdlib, readable from any language; zstd would need a non-pinned backport


class Writer:
    """Holds the read-write connection. Use `Writer.open(path)` as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    @contextmanager
    def open(cls, db_path: str | Path) -> Iterator[Writer]:
        from store.db import connect

        con = connect(db_path)
        try:
            yield cls(con, Path(db_path))
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- runs ---------------------------------------------------------------------------

    def start_run(self, *, kind: str, sources: Iterable[str] = ()) -> str:
        """Record a run as 'running'; returns its id (UTC start time + random suffix)."""
        started = utcnow()
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        self.con.execute(
            "INSERT INTO crawl_runs (run_id, kind, started_at, status, sources) "
            "VALUES (?, ?, ?, 'running', ?)",
            [run_id, kind, started, [str(s) for s in sources]],
        )
        return run_id

    def mark_interrupted(self, *, kind: str) -> int:
        """Runs of `kind` left 'running' by a killed process become 'interrupted'. Call it
        while holding that kind's lock: no live run of that kind can exist then."""
        rows = self.con.execute(
            "UPDATE crawl_runs SET status = 'interrupted' WHERE kind = ? AND status = 'running' "
            "RETURNING run_id",
            [kind],
        ).fetchall()
        return len(rows)

    def finish_run(
        self, run_id: str, *, status: str, summary: Mapping[str, Any] | None = None
    ) -> None:
        if status not in RUN_STATUSES[1:]:
            raise ValueError(f"status must be one of {RUN_STATUSES[1:]}, got {status!r}")
        self.con.execute(
            "UPDATE crawl_runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
            [
                status,
                utcnow(),
                json.dumps(summary or {}, ensure_ascii=False, sort_keys=True),
                run_id,
            ],
        )

    # -- sources ------------------------------------------------------------------------

    def upsert_sources(self, sources: Iterable[Any]) -> int:
        """Insert or refresh source rows; accepts dataclasses/objects or mappings."""
        rows = [_source_row(s) for s in sources]
        if not rows:
            return 0
        now = utcnow()
        with self.transaction() as con:
            con.executemany(
                """
                INSERT INTO sources (source_id, name, region, departements, start_urls,
                                     allowed_domains, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source_id) DO UPDATE SET
                    name = excluded.name, region = excluded.region,
                    departements = excluded.departements, start_urls = excluded.start_urls,
                    allowed_domains = excluded.allowed_domains, updated_at = excluded.updated_at
                """,
                [[*row, now] for row in rows],
            )
        return len(rows)

    # -- pages --------------------------------------------------------------------------

    def known_urls(self, source_id: str | None = None) -> set[str]:
        """Canonical URLs already stored (for one source, or all when None)."""
        # url_aliases: URLs whose page is stored under its rel=canonical (an old host's
        # URL...) are known too, so the next run does not fetch them again.
        if source_id is None:
            rows = self.con.execute(
                "SELECT url FROM pages UNION SELECT url FROM url_aliases"
            ).fetchall()
        else:
            rows = self.con.execute(
                "SELECT url FROM pages WHERE source_id = ? "
                "UNION SELECT url FROM url_aliases WHERE source_id = ?",
                [source_id, source_id],
            ).fetchall()
        return {r[0] for r in rows}

    def save_aliases(self, aliases: Iterable[UrlAlias]) -> int:
        """Record discovered URLs whose page is stored under another key (first one kept)."""
        rows = {a.url: a for a in aliases if a.url != a.canonical}
        if not rows:
            return 0
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO url_aliases (url, canonical, source_id, run_id, seen_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    [a.url, a.canonical, a.source_id, a.run_id, parse_timestamp(a.at)]
                    for a in rows.values()
                ],
            )
        return len(rows)

    def save_pages(self, pages: Iterable[FetchedPage]) -> int:
        """Store raw pages (and articles when the caller gives them); already stored URLs are
        left untouched. Raw pages wait for the analyse stage (`veille process`).

        Returns the number of new pages.
        """
        import pyarrow as pa

        unique: dict[str, FetchedPage] = {}
        for page in pages:
            unique.setdefault(page.url, page)  # first copy wins, as across batches
        if not unique:
            return 0
        page_rows = [_page_row(p) for p in unique.values()]
        article_rows = [_article_row(p) for p in unique.values() if p.article is not None]
        page_schema, article_schema = _schemas()
        page_table = pa.Table.from_pylist(page_rows, schema=page_schema)
        with self.transaction() as con:
            before = con.execute("SELECT count(*) FROM pages").fetchall()[0][0]
            con.register("_new_pages", page_table)
            con.execute(  # columns by name: migrations append columns in any order
                f"INSERT INTO pages ({', '.join(page_schema.names)}) "
                "SELECT * FROM _new_pages ON CONFLICT DO NOTHING"
            )
            con.unregister("_new_pages")
            if article_rows:
                con.register(
                    "_new_articles", pa.Table.from_pylist(article_rows, schema=article_schema)
                )
                con.execute(
                    f"INSERT INTO articles ({', '.join(article_schema.names)}) "
                    "SELECT * FROM _new_articles ON CONFLICT DO NOTHING"
                )
                con.unregister("_new_articles")
            after = con.execute("SELECT count(*) FROM pages").fetchall()[0][0]
        return after - before

    def save_failures(self, failures: Iterable[FetchFailure]) -> int:
        rows = {(f.run_id, f.url): f for f in failures}
        if not rows:
            return 0
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO fetch_failures VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    [f.url, f.source_id, f.run_id, f.reason, f.detail, parse_timestamp(f.at)]
                    for f in rows.values()
                ],
            )
        return len(rows)

    def prune_raw_bodies(
        self,
        *,
        keep_all: bool = False,
        raw_days: int = 365,
        now: datetime | None = None,
        candidate_threshold: float | None = None,
    ) -> int:
        """The one raw-HTML retention policy (the nightly's retention stage runs it).

        Pages keep their body while the analyse stage has not cleaned and analysed them.
        Afterwards, pages whose article is relevant or passed the cheap relevance stage
        (`cheap_relevance` >= `candidate_threshold`, default nlp.relevance's threshold)
        keep it forever: `veille process --reclean` rebuilds their text after a cleaner
        fix. Other analysed pages lose it at once, unless `keep_all`, in which case after
        `raw_days` days. Pages that yielded no article keep it `raw_days` days, then lose
        it. Only `pages.body` is cleared: rows, articles and facts stay, and
        `body_sha256` / `body_size` record what was fetched. Returns the pages pruned.
        """
        if candidate_threshold is None:
            from nlp.relevance import CANDIDATE_THRESHOLD

            candidate_threshold = CANDIDATE_THRESHOLD
        threshold = candidate_threshold
        cutoff = (now or utcnow()) - timedelta(days=max(raw_days, 0))
        with self.transaction() as con:
            rows = con.execute(
                """
                UPDATE pages p SET body = NULL, body_codec = NULL
                WHERE p.body IS NOT NULL AND p.clean_version IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = p.url AND (
                                  a.relevant OR a.relevant IS NULL OR a.pipeline_version IS NULL
                                  OR coalesce(a.cheap_relevance >= ?::DOUBLE, false)))
                  AND (NOT ?::BOOLEAN AND EXISTS (SELECT 1 FROM articles a WHERE a.url = p.url)
                       OR p.fetched_at < ?::TIMESTAMP)
                """,
                [threshold, keep_all, cutoff],
            ).fetchall()
        return int(rows[0][0]) if rows else 0

    def raw_bodies_kept(self) -> int:
        """Pages that still hold their raw HTML."""
        return int(
            self.con.execute("SELECT count(*) FROM pages WHERE body IS NOT NULL").fetchall()[0][0]
        )

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before copying it for publication)."""
        self.con.execute("CHECKPOINT")

    # -- crawl memory ---------------------------------------------------------------------

    def permanent_failures(
        self, source_ids: Iterable[str], reasons: Iterable[str]
    ) -> dict[str, set[str]]:
        """URLs that failed for good (one of `reasons`) in an earlier run, per source."""
        out: dict[str, set[str]] = {sid: set() for sid in source_ids}
        rows = self.con.execute(
            "SELECT DISTINCT source_id, url FROM fetch_failures "
            "WHERE list_contains(?::VARCHAR[], reason)",
            [list(reasons)],
        ).fetchall()
        for sid, url in rows:
            if sid in out:
                out[sid].add(url)
        return out

    # -- nightly runs -------------------------------------------------------------------

    def start_nightly(self, *, host: str, pid: int, log_file: str | None) -> str:
        """Record a nightly run as 'running'; returns its id. A row still 'running' is a
        run that was killed (the caller holds the nightly lock): it becomes 'interrupted'."""
        now = utcnow()
        run_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        with self.transaction() as con:
            con.execute("UPDATE nightly_runs SET status = 'interrupted' WHERE status = 'running'")
            con.execute(
                "INSERT INTO nightly_runs (run_id, started_at, status, host, pid, log_file) "
                "VALUES (?, ?, 'running', ?, ?, ?)",
                [run_id, now, host, pid, log_file],
            )
        return run_id

    def finish_nightly(
        self,
        run_id: str,
        *,
        status: str,
        exit_code: int,
        crawl_run_id: str | None,
        stages: Mapping[str, Any],
        errors: list[dict[str, str]],
    ) -> None:
        self.con.execute(
            "UPDATE nightly_runs SET finished_at = ?, status = ?, exit_code = ?, crawl_run_id = ?, "
            "stages = ?, errors = ? WHERE run_id = ?",
            [
                utcnow(),
                status,
                exit_code,
                crawl_run_id,
                json.dumps(stages, ensure_ascii=False, sort_keys=True, default=str),
                json.dumps(errors, ensure_ascii=False),
                run_id,
            ],
        )

    # -- derived data ---------------------------------------------------------------------

    def update_stories(self) -> int:
        """Group new relevant articles into stories (store.stories); returns assignments."""
        from store.stories import update_stories

        return update_stories(self.con)

    def embed_pending(self, *, model_id: str) -> int:
        """Embed initiatives and relevant articles without a vector (store.similar)."""
        from store.similar import embed_pending

        return embed_pending(self.con, model_id=model_id)


def _source_row(source: Any) -> list[Any]:
    get = source.get if isinstance(source, Mapping) else lambda k, d=None: getattr(source, k, d)
    sid = get("id") or get("source_id")
    if not sid:
        raise ValueError(f"source without an id: {source!r}")

    def strings(key: str) -> list[str]:
        value = get(key) or ()
        return [value] if isinstance(value, str) else [str(v) for v in value]

    return [
        str(sid),
        str(get("name") or sid),
        get("region"),
        strings("departements"),
        strings("start_urls"),
        strings("allowed_domains"),
    ]


def compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes on re-runs


def _page_row(page: FetchedPage) -> dict[str, Any]:
    return {
        "url": page.url,
        "final_url": page.final_url,
        "source_id": page.source_id,
        "run_id": page.run_id,
        "status": page.status,
        "fetched_at": parse_timestamp(page.fetched_at),
        "content_type": page.content_type,
        "headers": json.dumps(dict(page.headers), ensure_ascii=False, sort_keys=True),
        "body": compress(page.body) if page.body else None,
        "body_codec": BODY_CODEC if page.body else None,
        "body_size": len(page.body),
        "body_sha256": hashlib.sha256(page.body).hexdigest(),
        "clean_error": page.clean_error,
        # Text handed over with the page counts as cleaned: `veille process` keeps it.
        "clean_version": _given_clean_version(page),
        **_charset_columns(page),
    }


def _charset_columns(page: FetchedPage) -> dict[str, str | None]:
    charset = page.article.charset if page.article is not None else None
    return {
        "charset_declared": charset.declared if charset else None,
        "charset_used": charset.used if charset else None,
        "charset_reason": charset.reason if charset else None,
    }


def _given_clean_version(page: FetchedPage) -> str | None:
    if page.article is None and page.clean_error is None:
        return None  # a raw page: the analyse stage cleans it
    return page.clean_version or "given"


def _article_row(page: FetchedPage) -> dict[str, Any]:
    art = page.article
    assert art is not None
    return {
        "article_id": article_id(page.url),
        "url": page.url,
        "source_id": page.source_id,
        "fetched_at": parse_timestamp(page.fetched_at),
        **cleaned_columns(art),
        "clean_version": _given_clean_version(page),
    }


def cleaned_columns(art: CleanArticle) -> dict[str, Any]:
    """The `articles` columns a cleaned article fills; the analyse stage's rows
    (store/results.py) share them. Order matches `cleaned_fields()`."""
    return {
        "title": art.title,
        "published": parse_published(art.published),
        "published_text": art.published,
        "author": art.author,
        "site_name": art.site_name,
        "lang": art.lang,
        "text": art.text,
        "body_start": art.body_start,
        "text_sha1": sha1(art.text),
        "paywalled": art.paywalled,
    }


def cleaned_fields() -> list[Any]:
    """Arrow fields of `cleaned_columns`."""
    import pyarrow as pa

    return [
        ("title", pa.string()),
        ("published", pa.date32()),
        ("published_text", pa.string()),
        ("author", pa.string()),
        ("site_name", pa.string()),
        ("lang", pa.string()),
        ("text", pa.string()),
        ("body_start", pa.int32()),
        ("text_sha1", pa.string()),
        ("paywalled", pa.bool_()),
    ]


@functools.cache
def _schemas() -> tuple[Any, Any]:
    import pyarrow as pa

    pages = pa.schema(
        [
            ("url", pa.string()),
            ("final_url", pa.string()),
            ("source_id", pa.string()),
            ("run_id", pa.string()),
            ("status", pa.int32()),
            ("fetched_at", pa.timestamp("us")),
            ("content_type", pa.string()),
            ("headers", pa.string()),
            ("body", pa.binary()),
            ("body_codec", pa.string()),
            ("body_size", pa.int64()),
            ("body_sha256", pa.string()),
            ("clean_error", pa.string()),
            ("clean_version", pa.string()),
            ("charset_declared", pa.string()),
            ("charset_used", pa.string()),
            ("charset_reason", pa.string()),
        ]
    )
    articles = pa.schema(
        [
            ("article_id", pa.string()),
            ("url", pa.string()),
            ("source_id", pa.string()),
            ("fetched_at", pa.timestamp("us")),
            *cleaned_fields(),
            ("clean_version", pa.string()),
        ]
    )
    return pages, articles
