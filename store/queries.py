"""Read-only query API over the public views, for the dashboard, export and `veille similar`.

Each function takes an open connection (`open_readonly(path)`) and runs parameterised
SQL written next to it. Functions returning tables give pandas DataFrames (what
Streamlit and Altair want); `iter_analyses` rebuilds the typed Analysis records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from store.facts import FACT_COLUMNS, analysis_from_rows
from veille.records import Analysis

PUBLIC_VIEWS = (
    "v_articles",
    "v_initiatives",
    "v_figures",
    "v_commune_mentions",
    "v_stories",
    "v_weekly_communes",
    "v_weekly_departements",
    "v_weekly_initiative_types",
    "v_source_health",
)


def open_readonly(path: str | Path) -> Any:
    """Read-only connection (schema version checked, see store.db.connect)."""
    from store.db import connect

    return connect(path, read_only=True)


def _df(con: Any, sql: str, params: list[Any] | None = None) -> Any:
    return con.execute(sql, params or []).df()


def weekly_initiative_types(
    con: Any, *, start: date | None = None, end: date | None = None, region: str | None = None
) -> Any:
    """Stories per week and initiative type (copies once), optionally for one region."""
    return _df(
        con,
        """
        SELECT week, type, sum(n_stories) AS n_stories, sum(n_initiatives) AS n_initiatives
        FROM v_weekly_initiative_types
        WHERE (?::DATE IS NULL OR week >= ?::DATE) AND (?::DATE IS NULL OR week <= ?::DATE)
          AND (?::VARCHAR IS NULL OR region_code = ?::VARCHAR)
        GROUP BY ALL ORDER BY week, type
    """,
        [start, start, end, end, region, region],
    )


def initiatives(
    con: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    types: list[str] | None = None,
    region: str | None = None,
    departement: str | None = None,
    one_per_story: bool = True,
    limit: int = 5000,
) -> Any:
    """Initiatives with place and article; by default one row per (story, type, commune)."""
    return _df(
        con,
        """
        SELECT * FROM v_initiatives
        WHERE (?::DATE IS NULL OR week >= ?::DATE) AND (?::DATE IS NULL OR week <= ?::DATE)
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], type))
          AND (?::VARCHAR IS NULL OR region_code = ?::VARCHAR)
          AND (?::VARCHAR IS NULL OR departement_code = ?::VARCHAR)
        QUALIFY NOT ?::BOOLEAN OR row_number() OVER (
            PARTITION BY story_id, type, coalesce(commune_insee, '')
            ORDER BY published NULLS LAST, initiative_id) = 1
        ORDER BY published DESC NULLS LAST, initiative_id
        LIMIT ?
    """,
        [
            start,
            start,
            end,
            end,
            types,
            types,
            region,
            region,
            departement,
            departement,
            one_per_story,
            limit,
        ],
    )


def figures(
    con: Any, *, kinds: list[str] | None = None, departement: str | None = None, limit: int = 5000
) -> Any:
    return _df(
        con,
        """
        SELECT * FROM v_figures
        WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], kind))
          AND (?::VARCHAR IS NULL OR departement_code = ?::VARCHAR)
        ORDER BY published DESC NULLS LAST, figure_id
        LIMIT ?
    """,
        [kinds, kinds, departement, departement, limit],
    )


def week_initiatives(con: Any, monday: date) -> list[tuple[Any, ...]]:
    """The digest's initiatives of the week (stories first published that week): one row
    per (story, type, commune) as (region, type, commune, evidence, title, url,
    published, n_sources), national ones last."""
    return con.execute(
        """
        SELECT coalesce(i.region_name, 'National / sans commune') AS region, i.type,
               coalesce(i.commune_name, '') AS commune, i.evidence_text, i.title, i.url,
               i.published, st.n_sources
        FROM v_initiatives i JOIN v_stories st USING (story_id)
        WHERE st.week = ?
        QUALIFY row_number() OVER (PARTITION BY i.story_id, i.type, coalesce(i.commune_insee, '')
                                   ORDER BY i.published NULLS LAST, i.initiative_id) = 1
        ORDER BY region = 'National / sans commune', region, i.type, commune
    """,
        [monday],
    ).fetchall()


def week_figures(
    con: Any, monday: date, *, kinds: tuple[str, ...], limit: int
) -> list[tuple[Any, ...]]:
    """Figures of the given kinds in the week's stories, one per (story, kind, value):
    (kind, place, text, title, url, published)."""
    return con.execute(
        """
        SELECT f.kind, coalesce(f.commune_name, f.departement_name, ''), f.text, f.title, f.url,
               f.published
        FROM v_figures f JOIN v_stories st USING (story_id)
        WHERE st.week = ? AND list_contains(?::VARCHAR[], f.kind)
        QUALIFY row_number() OVER (PARTITION BY f.story_id, f.kind, f.value
                                   ORDER BY f.figure_id) = 1
        ORDER BY f.kind, f.published, f.figure_id
        LIMIT ?
    """,
        [monday, list(kinds), limit],
    ).fetchall()


def week_relevant_stories(con: Any, monday: date) -> int:
    return int(
        con.execute(
            "SELECT count(*) FROM v_stories WHERE week = ? AND relevant", [monday]
        ).fetchall()[0][0]
    )


def published_counts(con: Any) -> dict[str, int]:
    """Headline counts of a snapshot: articles, relevant, stories, initiatives, figures."""
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM v_articles),
               (SELECT count(*) FROM v_articles WHERE relevant),
               (SELECT count(*) FROM v_stories), (SELECT count(*) FROM v_initiatives),
               (SELECT count(*) FROM v_figures)
    """
    ).fetchall()[0]
    names = ("articles", "relevant", "stories", "initiatives", "figures")
    return dict(zip(names, (int(v) for v in row), strict=True))


def view_checksums(con: Any) -> dict[str, tuple[int, int]]:
    """(rows, order-independent hash) per public view: equal checksums = equal contents."""
    out = {}
    for view in PUBLIC_VIEWS:
        n, h = con.execute(f"SELECT count(*), coalesce(sum(hash(v)), 0) FROM {view} v").fetchall()[
            0
        ]
        out[view] = (int(n), int(h))
    return out


_ARTICLE_SQL = """
SELECT article_id, url, source_id, title, published_text, lang, relevant, relevance,
       coalesce(story_id, 's' || article_id) AS story_id
FROM articles ORDER BY fetched_at, article_id
"""


def iter_analyses(con: Any, *, chunk: int = 1000) -> Iterator[tuple[Analysis, str, str]]:
    """(Analysis, source_id, story_id) for every stored article, rebuilt from the tables."""
    rows = con.execute(_ARTICLE_SQL).fetchall()
    cols = (
        "article_id",
        "url",
        "source_id",
        "title",
        "published_text",
        "lang",
        "relevant",
        "relevance",
        "story_id",
    )
    for n in range(0, len(rows), chunk):
        batch = [dict(zip(cols, r, strict=True)) for r in rows[n : n + chunk]]
        ids = [b["article_id"] for b in batch]
        facts: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for table in FACT_COLUMNS:
            order = ", ".join(c for c in ("ordinal", "start_offset") if c in _table_columns(table))
            result = con.execute(
                f"SELECT * FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
                + (f" ORDER BY article_id, {order}" if order else ""),
                [ids],
            )
            names = [d[0] for d in result.description]
            for r in result.fetchall():
                record = dict(zip(names, r, strict=True))
                facts[record["article_id"]][table].append(record)
        for b in batch:
            yield analysis_from_rows(b, facts[b["article_id"]]), b["source_id"], b["story_id"]


def _table_columns(table: str) -> tuple[str, ...]:
    return FACT_COLUMNS[table]
