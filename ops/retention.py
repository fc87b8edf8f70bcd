"""Retention of raw HTML: keep it where it is evidence or may be re-cleaned, drop it where
it is only weight.

Policy (settings; docs/cleaning.md): a page keeps its raw body
- while it waits for the analyse stage (not cleaned yet, or its article not analysed);
- when its article passed the cheap relevance stage (articles.cheap_relevance at or
  above nlp.relevance.CANDIDATE_THRESHOLD) or is relevant: `veille process --reclean`
  can rebuild those texts when the cleaner improves.
Other pages (non-candidates, pages that yielded no article) lose their body once
processed, unless `keep_all_raw`, in which case they keep it for `raw_days` days. Their
cleaned text, `body_sha256` and `body_size` stay. Only `pages.body` is set to NULL:
pages rows, articles and extracted facts are never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from store.ids import utcnow


@dataclass(frozen=True)
class RetentionResult:
    dropped: int
    kept: int

    def to_dict(self) -> dict[str, int]:
        return {"dropped": self.dropped, "kept": self.kept}


_DROPPABLE = """
    p.body IS NOT NULL AND p.clean_version IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = p.url AND (
        a.relevant IS NULL OR a.relevant OR coalesce(a.cheap_relevance >= ?::DOUBLE, false)))
    AND (NOT ?::BOOLEAN OR p.fetched_at < ?::TIMESTAMP)
"""


def apply_retention(
    con: Any, *, keep_all_raw: bool, raw_days: int, now: datetime | None = None
) -> RetentionResult:
    """Drop the raw bodies the policy does not keep, in one transaction."""
    cutoff = (now or utcnow()) - timedelta(days=max(raw_days, 0))
    from nlp.relevance import CANDIDATE_THRESHOLD

    params = [CANDIDATE_THRESHOLD, keep_all_raw, cutoff]
    con.execute("BEGIN TRANSACTION")
    try:
        dropped = con.execute(
            f"SELECT count(*) FROM pages p WHERE {_DROPPABLE}", params
        ).fetchall()[0][0]
        if dropped:
            con.execute(
                f"UPDATE pages p SET body = NULL, body_codec = NULL WHERE {_DROPPABLE}", params
            )
        kept = con.execute("SELECT count(*) FROM pages WHERE body IS NOT NULL").fetchall()[0][0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return RetentionResult(dropped=int(dropped), kept=int(kept))
