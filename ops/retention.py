"""Retention of raw HTML: keep it where it is evidence, drop it where it is only weight.

Policy (settings): the raw body of a page whose article is relevant is kept; other
pages lose their body once processed (relevant = false) or when they yielded no
article, unless `keep_all_raw`, in which case they keep it for `raw_days` days.
Only `pages.body` is set to NULL: pages rows, articles and extracted facts are
never deleted, and `body_sha256` / `body_size` stay as a record of what was fetched.
Pages whose article is not processed yet keep their body (re-cleaning may need it).
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
    p.body IS NOT NULL
    AND NOT coalesce((SELECT a.relevant FROM articles a WHERE a.url = p.url), false)
    AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = p.url AND a.relevant IS NULL)
    AND (NOT ?::BOOLEAN OR p.fetched_at < ?::TIMESTAMP)
"""


def apply_retention(
    con: Any, *, keep_all_raw: bool, raw_days: int, now: datetime | None = None
) -> RetentionResult:
    """Drop the raw bodies the policy does not keep, in one transaction."""
    cutoff = (now or utcnow()) - timedelta(days=max(raw_days, 0))
    params = [keep_all_raw, cutoff]
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
