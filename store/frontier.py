"""The sitemap backfill's frontier (table backfill_frontier): what to fetch, what was fetched.

Every state change is one transaction, and an article counts as fetched as soon as its
page is in `pages` (the page's own transaction), so a killed run resumes exactly where
the store stands: sitemaps already listed are not fetched again, articles already
stored are not fetched again.

    f = Frontier(writer)
    f.seed("berry", ["https://…/sitemap-index.xml"], run_id=run)
    rows = f.next_rows(["berry"], since=date(2024, 1, 1), limit=100)
    f.listed(sitemap_row, children=[Entry(url, "article", lastmod)], run_id=run)
    f.failed(url, reason="http_404")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.ids import utcnow

# Failures not worth a new try on the next runs (transient ones are tried again).
_PERMANENT = (
    "http_404",
    "http_410",
    "not_html",
    "too_large",
    "redirect_loop",
    "offsite",
    "private_address",
    "robots",
    "bad_sitemap",
    "bad_scheme",
)


@dataclass(frozen=True)
class Entry:
    """A URL a sitemap lists: `kind` is "sitemap" or "article"."""

    url: str
    kind: str
    lastmod: date | None = None


@dataclass(frozen=True)
class Row:
    url: str
    source_id: str
    kind: str
    lastmod: date | None
    depth: int


class Frontier:
    """SQL of the frontier, on the writer's connection (the one writer of the file)."""

    def __init__(self, writer: Any) -> None:
        self.con = writer.con

    def seed(self, source_id: str, urls: Iterable[str], *, run_id: str) -> int:
        rows = [[u, source_id, "sitemap", None, None, 0, "pending", utcnow(), run_id] for u in urls]
        if not rows:
            return 0
        self.con.executemany(
            "INSERT INTO backfill_frontier (url, source_id, kind, lastmod, parent, depth, state, "
            "added_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows,
        )
        return len(rows)

    def retry_transient(self) -> int:
        """Failures that may heal (5xx, timeouts...) go back to pending: called once a run."""
        rows = self.con.execute(
            "UPDATE backfill_frontier SET state = 'pending', reason = NULL, done_at = NULL "
            f"WHERE state = 'failed' AND reason NOT IN ({', '.join('?' * len(_PERMANENT))})",
            list(_PERMANENT),
        ).fetchall()
        return int(rows[0][0]) if rows else 0

    def next_rows(self, source_ids: Sequence[str], *, since: date, limit: int) -> list[Row]:
        """Pending work of the period: sitemaps first (they feed the rest), then articles,
        newest first (a budgeted run brings the most recent history in first)."""
        rows = self.con.execute(
            """
            SELECT url, source_id, kind, lastmod, depth FROM backfill_frontier f
            WHERE state = 'pending' AND source_id IN (SELECT unnest(?::VARCHAR[]))
              AND (lastmod IS NULL OR lastmod >= ?)
              AND NOT (kind = 'article' AND EXISTS (SELECT 1 FROM pages p WHERE p.url = f.url))
            ORDER BY kind = 'article', depth, lastmod DESC NULLS LAST, url
            LIMIT ?
            """,
            [list(source_ids), since, limit],
        ).fetchall()
        return [Row(*r) for r in rows]

    def pending_count(self, source_ids: Sequence[str], *, since: date) -> tuple[int, int]:
        """(sitemaps, articles) still to fetch for the period."""
        row = self.con.execute(
            """
            SELECT count(*) FILTER (WHERE kind = 'sitemap'),
                   count(*) FILTER (WHERE kind = 'article')
            FROM backfill_frontier f
            WHERE state = 'pending' AND source_id IN (SELECT unnest(?::VARCHAR[]))
              AND (lastmod IS NULL OR lastmod >= ?)
              AND NOT (kind = 'article' AND EXISTS (SELECT 1 FROM pages p WHERE p.url = f.url))
            """,
            [list(source_ids), since],
        ).fetchone()
        return int(row[0]), int(row[1])

    def listed(self, parent: Row, children: Sequence[Entry], *, run_id: str) -> dict[str, int]:
        """Add what a sitemap lists and mark it done, in one transaction. Articles already
        stored are "known", articles without a date "undated": neither is fetched.
        Returns the count of new rows by state."""
        import pyarrow as pa

        now = utcnow()
        table = pa.Table.from_pylist(
            [{"url": c.url, "kind": c.kind, "lastmod": c.lastmod} for c in children],
            schema=pa.schema(
                [("url", pa.string()), ("kind", pa.string()), ("lastmod", pa.date32())]
            ),
        )
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("_children", table)
            states = self.con.execute(
                """
                INSERT INTO backfill_frontier
                    (url, source_id, kind, lastmod, parent, depth, state, added_at, run_id)
                SELECT DISTINCT ON (c.url) c.url, ?, c.kind, c.lastmod, ?, ?,
                       CASE WHEN c.kind = 'article' AND c.url IN (SELECT url FROM pages)
                            THEN 'known'
                            WHEN c.kind = 'article' AND c.lastmod IS NULL THEN 'undated'
                            ELSE 'pending' END,
                       ?, ?
                FROM _children c
                ON CONFLICT DO NOTHING
                RETURNING state
                """,
                [parent.source_id, parent.url, parent.depth + 1, now, run_id],
            ).fetchall()
            self.con.unregister("_children")
            self.con.execute(
                "UPDATE backfill_frontier SET state = 'done', done_at = ?, run_id = ? "
                "WHERE url = ?",
                [now, run_id, parent.url],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return dict(Counter(state for (state,) in states))

    def failed(self, url: str, *, reason: str, run_id: str) -> None:
        self.con.execute(
            "UPDATE backfill_frontier SET state = 'failed', reason = ?, done_at = ?, run_id = ? "
            "WHERE url = ? AND state = 'pending'",
            [reason, utcnow(), run_id, url],
        )

    def sync(self) -> int:
        """Mark articles whose page is stored as done (the page's commit is what counts)."""
        rows = self.con.execute(
            """
            UPDATE backfill_frontier f SET state = 'done', done_at = p.fetched_at,
                   run_id = p.run_id
            FROM pages p
            WHERE f.url = p.url AND f.kind = 'article' AND f.state = 'pending'
            """
        ).fetchall()
        return int(rows[0][0]) if rows else 0
