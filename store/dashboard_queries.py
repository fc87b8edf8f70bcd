"""Read-only SQL for the dashboard pages (beyond store/queries.py).

Every function takes an open read-only connection and returns a small pandas
DataFrame: aggregation, filtering and limits happen in DuckDB, never over whole
tables in pandas. Filters are bound parameters; a NULL parameter means "no filter".
"""

from __future__ import annotations

from datetime import date
from typing import Any


def _df(con: Any, sql: str, params: list[Any] | None = None) -> Any:
    return con.execute(sql, params or []).df()


def latest_week(con: Any) -> date | None:
    """Monday of the latest week with a relevant story, not after today (else any week)."""
    row = con.execute("""
        SELECT coalesce(max(week) FILTER (WHERE relevant AND week <= current_date),
                        max(week) FILTER (WHERE week <= current_date), max(week))
        FROM v_stories
    """).fetchone()
    return row[0] if row else None


def weeks_overview(con: Any, *, end: date, weeks: int = 8) -> Any:
    """Per week up to `end`: relevant articles, relevant stories (copies once), new initiatives."""
    return _df(
        con,
        """
        WITH w AS (SELECT unnest(range(?::DATE - INTERVAL (? * 7) DAY, ?::DATE + INTERVAL 1 DAY,
                                        INTERVAL 7 DAY))::DATE AS week),
        art AS (SELECT week, count(*) AS n FROM v_articles
                WHERE relevant AND week IN (SELECT week FROM w) GROUP BY week),
        sto AS (SELECT week, count(*) AS n FROM v_stories
                WHERE relevant AND week IN (SELECT week FROM w) GROUP BY week),
        ini AS (SELECT week, sum(n_initiatives) AS n FROM v_weekly_initiative_types
                WHERE week IN (SELECT week FROM w) GROUP BY week)
        SELECT w.week, coalesce(art.n, 0)::BIGINT AS n_articles, coalesce(sto.n, 0)::BIGINT AS n_stories,
               coalesce(ini.n, 0)::BIGINT AS n_initiatives
        FROM w LEFT JOIN art USING (week) LEFT JOIN sto USING (week) LEFT JOIN ini USING (week)
        ORDER BY w.week
    """,
        [end, weeks - 1, end],
    )


def week_initiative_types(con: Any, *, week: date, previous: int = 4) -> Any:
    """New initiatives per type this week and their weekly mean over the `previous` weeks."""
    return _df(
        con,
        """
        SELECT type,
               coalesce(sum(n_initiatives) FILTER (WHERE week = ?::DATE), 0)::BIGINT AS n_week,
               coalesce(sum(n_initiatives) FILTER (WHERE week < ?::DATE), 0) / ? AS mean_before
        FROM v_weekly_initiative_types
        WHERE week BETWEEN ?::DATE - INTERVAL (? * 7) DAY AND ?::DATE
        GROUP BY type ORDER BY n_week DESC, mean_before DESC, type
    """,
        [week, week, previous, week, previous, week],
    )


def notable_articles(con: Any, *, week: date, limit: int = 20) -> Any:
    """The week's relevant stories (one copy each), richest in facts first."""
    return _df(
        con,
        """
        WITH st AS (SELECT story_id, n_articles FROM v_stories WHERE relevant AND week = ?),
        first_copy AS (
            SELECT a.article_id, st.n_articles AS n_copies FROM articles a
            JOIN st ON st.story_id = coalesce(a.story_id, 's' || a.article_id)
            QUALIFY row_number() OVER (PARTITION BY st.story_id
                ORDER BY coalesce(a.published, a.fetched_at::DATE), a.fetched_at, a.article_id) = 1
        )
        SELECT v.article_id, v.published, v.title, v.source_name, f.n_copies,
               (SELECT string_agg(ac.name, ', ' ORDER BY ac.is_primary DESC, ac.ordinal)
                  FROM article_communes ac WHERE ac.article_id = v.article_id) AS communes,
               (SELECT list(DISTINCT i.type ORDER BY i.type)
                  FROM initiatives i WHERE i.article_id = v.article_id) AS types,
               v.n_initiatives, v.n_figures, v.relevance, v.url
        FROM first_copy f JOIN v_articles v USING (article_id)
        ORDER BY v.n_initiatives DESC, v.n_figures DESC, v.relevance DESC NULLS LAST, v.article_id
        LIMIT ?
    """,
        [week, limit],
    )


def places(con: Any) -> tuple[Any, Any]:
    """(regions, départements) that appear in the store, for the sidebar filters."""
    regions = _df(con, "SELECT code, name FROM regions ORDER BY name")
    deps = _df(con, "SELECT code, name, region FROM departements ORDER BY code")
    return regions, deps


def week_bounds(con: Any) -> tuple[date | None, date | None]:
    row = con.execute("SELECT min(week), max(week) FROM v_stories").fetchone()
    return (row[0], row[1]) if row else (None, None)


_PLACE_LINKS = """
    SELECT coalesce(a.story_id, 's' || a.article_id) AS story_id, ac.departement AS dep
    FROM article_communes ac JOIN articles a USING (article_id) WHERE a.relevant
    UNION
    SELECT coalesce(a.story_id, 's' || a.article_id), ar.code
    FROM article_areas ar JOIN articles a USING (article_id)
    WHERE ar.level = 'departement' AND a.relevant
"""


def weekly_stories(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
) -> Any:
    """Relevant stories per week (copies once), optionally naming a place of the region/département."""
    if region is None and departement is None:
        return _df(
            con,
            """
            SELECT week, count(*) AS n_stories FROM v_stories
            WHERE relevant AND (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
            GROUP BY week ORDER BY week
        """,
            [start, start, end, end],
        )
    return _df(
        con,
        f"""
        WITH links AS ({_PLACE_LINKS})
        SELECT st.week, count(DISTINCT l.story_id) AS n_stories
        FROM links l JOIN v_stories st USING (story_id) LEFT JOIN departements d ON d.code = l.dep
        WHERE (?::DATE IS NULL OR st.week >= ?) AND (?::DATE IS NULL OR st.week <= ?)
          AND (?::VARCHAR IS NULL OR l.dep = ?) AND (?::VARCHAR IS NULL OR d.region = ?)
        GROUP BY st.week ORDER BY st.week
    """,
        [start, start, end, end, departement, departement, region, region],
    )


_INITIATIVE_FILTER = """
    (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
    AND (?::VARCHAR IS NULL OR region_code = ?) AND (?::VARCHAR IS NULL OR departement_code = ?)
    AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], type))
"""


def _filter_params(start: Any, end: Any, region: Any, departement: Any, types: Any) -> list[Any]:
    return [start, start, end, end, region, region, departement, departement, types, types]


def weekly_initiatives(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
    types: list[str] | None = None,
) -> Any:
    """Initiatives per week and type; one per (story, type, commune): copies count once."""
    return _df(
        con,
        f"""
        SELECT week, type, count(DISTINCT (story_id, coalesce(commune_insee, ''))) AS n_initiatives
        FROM v_initiatives WHERE {_INITIATIVE_FILTER}
        GROUP BY week, type ORDER BY week, type
    """,
        _filter_params(start, end, region, departement, types),
    )


def initiatives_table(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
    types: list[str] | None = None,
    statuses: list[str] | None = None,
    actor: str | None = None,
    limit: int = 500,
) -> tuple[Any, int]:
    """(rows, total matching) of initiatives, one per (story, type, commune), newest first."""
    where = f"""{_INITIATIVE_FILTER}
        AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], coalesce(status, 'inconnu')))
        AND (?::VARCHAR IS NULL OR list_string_agg(actors) ILIKE '%' || ? || '%')"""
    params = _filter_params(start, end, region, departement, types) + [
        statuses,
        statuses,
        actor,
        actor,
    ]
    base = f"""
        SELECT * FROM v_initiatives WHERE {where}
        QUALIFY row_number() OVER (PARTITION BY story_id, type, coalesce(commune_insee, '')
                                   ORDER BY published NULLS LAST, initiative_id) = 1
    """
    total = con.execute(f"SELECT count(*) FROM ({base})", params).fetchone()[0]
    rows = _df(
        con,
        f"""
        SELECT initiative_id, published, type, status, commune_name, commune_insee, departement_name,
               region_name, array_to_string(actors, ', ') AS actors, evidence_text, title, article_id
        FROM ({base}) ORDER BY published DESC NULLS LAST, initiative_id LIMIT ?
    """,
        params + [limit],
    )
    return rows, int(total)


def commune_coverage(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
    limit: int = 3000,
) -> Any:
    """Communes named by relevant stories in the period, with centroid and dominant initiative type."""
    return _df(
        con,
        """
        WITH cov AS (
            SELECT commune_insee, sum(n_stories) AS n_stories FROM v_weekly_communes
            WHERE (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
              AND (?::VARCHAR IS NULL OR region_code = ?) AND (?::VARCHAR IS NULL OR departement_code = ?)
            GROUP BY commune_insee
        ), types AS (
            SELECT commune_insee, type, count(DISTINCT story_id) AS n FROM v_initiatives
            WHERE commune_insee IN (SELECT commune_insee FROM cov)
              AND (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
            GROUP BY ALL
        ), top_type AS (
            SELECT commune_insee, arg_max(type, (n, type)) AS top_type, sum(n) AS n_initiatives
            FROM types GROUP BY commune_insee
        )
        SELECT cov.commune_insee, c.name AS commune_name, c.departement AS departement_code,
               c.lat, c.lon, cov.n_stories::BIGINT AS n_stories,
               coalesce(t.top_type, 'aucune') AS top_type, coalesce(t.n_initiatives, 0)::BIGINT AS n_initiatives
        FROM cov JOIN communes c ON c.insee = cov.commune_insee
        LEFT JOIN top_type t USING (commune_insee)
        WHERE c.lat IS NOT NULL
        ORDER BY n_stories DESC, cov.commune_insee LIMIT ?
    """,
        [
            start,
            start,
            end,
            end,
            region,
            region,
            departement,
            departement,
            start,
            start,
            end,
            end,
            limit,
        ],
    )


def departement_rates(
    con: Any, *, start: date | None, end: date | None, region: str | None = None
) -> Any:
    """Relevant stories per département per 100,000 inhabitants, at a population-weighted centroid."""
    return _df(
        con,
        """
        WITH pop AS (
            SELECT departement, sum(population) AS population,
                   sum(lat * population) / nullif(sum(population), 0) AS lat,
                   sum(lon * population) / nullif(sum(population), 0) AS lon
            FROM communes WHERE type = 'COM' AND population > 0 GROUP BY departement
        ), cov AS (
            SELECT departement_code, sum(n_stories) AS n_stories FROM v_weekly_departements
            WHERE (?::DATE IS NULL OR week >= ?) AND (?::DATE IS NULL OR week <= ?)
            GROUP BY departement_code
        )
        SELECT d.code AS departement_code, d.name AS departement_name, pop.population,
               coalesce(cov.n_stories, 0)::BIGINT AS n_stories,
               coalesce(cov.n_stories, 0) * 100000.0 / pop.population AS rate, pop.lat, pop.lon
        FROM departements d JOIN pop ON pop.departement = d.code
        LEFT JOIN cov ON cov.departement_code = d.code
        WHERE (?::VARCHAR IS NULL OR d.region = ?) AND pop.lat IS NOT NULL
        ORDER BY rate DESC, d.code
    """,
        [start, start, end, end, region, region],
    )


def mentioned_communes(con: Any, *, limit: int = 5000) -> Any:
    """Communes named by relevant articles, most covered first (for the commune picker)."""
    return _df(
        con,
        """
        SELECT ac.insee, any_value(coalesce(c.name, ac.name)) AS name,
               any_value(coalesce(c.departement, ac.departement)) AS departement, count(*) AS n
        FROM article_communes ac JOIN articles a USING (article_id)
        LEFT JOIN communes c ON c.insee = ac.insee
        WHERE a.relevant GROUP BY ac.insee ORDER BY n DESC, ac.insee LIMIT ?
    """,
        [limit],
    )


def commune_info(con: Any, insee: str) -> dict[str, Any] | None:
    cur = con.execute(
        """
        SELECT c.insee, c.name, c.departement, d.name, r.name, c.population, c.lat, c.lon
        FROM communes c LEFT JOIN departements d ON d.code = c.departement
        LEFT JOIN regions r ON r.code = c.region WHERE c.insee = ?
    """,
        [insee],
    )
    row = cur.fetchone()
    if row is None:  # a commune the NLP linked but the gazetteer table lacks
        row = con.execute(
            """SELECT insee, any_value(name), any_value(departement), NULL, NULL,
                             NULL, NULL, NULL FROM article_communes WHERE insee = ? GROUP BY insee""",
            [insee],
        ).fetchone()
    if row is None:
        return None
    keys = (
        "insee",
        "name",
        "departement_code",
        "departement_name",
        "region_name",
        "population",
        "lat",
        "lon",
    )
    return dict(zip(keys, row, strict=True))


def commune_articles(con: Any, insee: str, *, limit: int = 300) -> Any:
    return _df(
        con,
        """
        SELECT v.published, v.title, v.source_name, ac.is_primary, v.relevant, v.n_initiatives,
               v.n_figures, v.article_id
        FROM article_communes ac JOIN v_articles v USING (article_id)
        WHERE ac.insee = ? ORDER BY v.published DESC NULLS LAST, v.article_id LIMIT ?
    """,
        [insee, limit],
    )


def commune_initiatives(con: Any, insee: str, *, limit: int = 300) -> Any:
    return _df(
        con,
        """
        SELECT published, type, status, array_to_string(actors, ', ') AS actors, evidence_text,
               title, article_id, initiative_id
        FROM v_initiatives WHERE commune_insee = ?
        ORDER BY published DESC NULLS LAST, initiative_id LIMIT ?
    """,
        [insee, limit],
    )


def commune_figures(con: Any, insee: str, *, limit: int = 300) -> Any:
    return _df(
        con,
        """
        SELECT published, kind, value, unit, text, title, article_id
        FROM v_figures WHERE commune_insee = ?
        ORDER BY published DESC NULLS LAST, figure_id LIMIT ?
    """,
        [insee, limit],
    )


def nearby_initiatives(con: Any, insee: str, *, km: float = 30.0, limit: int = 100) -> Any:
    """Initiatives in other communes whose centroid lies within `km` (haversine)."""
    return _df(
        con,
        """
        WITH here AS (SELECT lat, lon FROM communes WHERE insee = ? AND lat IS NOT NULL),
        near AS (
            SELECT c.insee, 2 * 6371 * asin(sqrt(
                pow(sin(radians(c.lat - h.lat) / 2), 2)
                + cos(radians(h.lat)) * cos(radians(c.lat)) * pow(sin(radians(c.lon - h.lon) / 2), 2)
            )) AS km
            FROM communes c, here h
            WHERE c.insee <> ? AND c.lat BETWEEN h.lat - ? / 111.0 AND h.lat + ? / 111.0
        )
        SELECT round(n.km, 1) AS km, i.commune_name, i.published, i.type, i.status,
               i.evidence_text, i.article_id, i.initiative_id
        FROM near n JOIN v_initiatives i ON i.commune_insee = n.insee
        WHERE n.km <= ?
        ORDER BY n.km, i.published DESC NULLS LAST, i.initiative_id LIMIT ?
    """,
        [insee, insee, km, km, km, limit],
    )


def article_options(con: Any, *, limit: int = 500) -> Any:
    """Recent relevant articles, for the article picker."""
    return _df(
        con,
        """
        SELECT article_id, published, title, source_id FROM articles WHERE relevant
        ORDER BY coalesce(published, fetched_at::DATE) DESC, article_id LIMIT ?
    """,
        [limit],
    )


def article_detail(con: Any, article_id: str) -> dict[str, Any] | None:
    """The article row with its text, and its highlighted spans (communes, initiatives, figures)."""
    row = con.execute(
        """
        SELECT v.article_id, v.title, v.url, v.source_name, v.source_id, v.published, v.fetched_at,
               v.relevant, v.relevance, v.story_id, a.text, a.body_start
        FROM v_articles v JOIN articles a USING (article_id) WHERE v.article_id = ?
    """,
        [article_id],
    ).fetchone()
    if row is None:
        return None
    keys = (
        "article_id",
        "title",
        "url",
        "source_name",
        "source_id",
        "published",
        "fetched_at",
        "relevant",
        "relevance",
        "story_id",
        "text",
        "body_start",
    )
    out = dict(zip(keys, row, strict=True))
    out["spans"] = con.execute(
        """
        SELECT start_offset, end_offset, 'commune' AS kind, insee AS label FROM commune_mentions
        WHERE article_id = ?
        UNION ALL
        SELECT evidence_start, evidence_end, 'initiative', type || ':' || coalesce(status, '')
        FROM initiatives WHERE article_id = ?
        UNION ALL
        SELECT start_offset, end_offset, 'figure', kind FROM figures WHERE article_id = ?
        ORDER BY 1, 2
    """,
        [article_id, article_id, article_id],
    ).fetchall()
    out["communes"] = _df(
        con,
        """
        SELECT ac.name, ac.insee, ac.departement, ac.is_primary FROM article_communes ac
        WHERE article_id = ? ORDER BY ordinal""",
        [article_id],
    )
    out["initiatives"] = _df(
        con,
        """
        SELECT type, status, commune_insee, array_to_string(actors, ', ') AS actors, evidence_text
        FROM initiatives WHERE article_id = ? ORDER BY ordinal""",
        [article_id],
    )
    out["figures"] = _df(
        con,
        """
        SELECT kind, value, unit, text, commune_insee FROM figures
        WHERE article_id = ? ORDER BY ordinal""",
        [article_id],
    )
    out["copies"] = _df(
        con,
        """
        SELECT source_name, published, title, url, article_id FROM v_articles
        WHERE story_id = ? AND article_id <> ? ORDER BY published NULLS LAST, article_id""",
        [out["story_id"], article_id],
    )
    return out


def source_health(con: Any) -> Any:
    return _df(
        con,
        """
        SELECT source_id, source_name, last_run_at, last_run_status, last_success_at, pages_last_run,
               avg_pages_per_run, failures_last_run,
               (SELECT string_agg(k || ' : ' || v, ', ' ORDER BY k)
                  FROM (SELECT unnest(map_keys(failures_by_reason)) AS k,
                               unnest(map_values(failures_by_reason)) AS v)) AS failures_by_reason,
               n_articles, n_relevant
        FROM v_source_health ORDER BY source_id
    """,
    )


def pages_per_night(con: Any, *, days: int = 30) -> Any:
    """New pages per outlet and fetch day over the last `days` days of crawling."""
    return _df(
        con,
        """
        WITH last AS (SELECT max(fetched_at)::DATE AS d FROM pages)
        SELECT source_id, fetched_at::DATE AS day, count(*) AS n_pages
        FROM pages, last WHERE fetched_at::DATE > last.d - ?::INTEGER
        GROUP BY ALL ORDER BY day, source_id
    """,
        [days],
    )


def failures_by_reason(con: Any, *, days: int = 30) -> Any:
    return _df(
        con,
        """
        WITH last AS (SELECT max(failed_at)::DATE AS d FROM fetch_failures)
        SELECT source_id, reason, count(*) AS n, max(failed_at) AS last_at
        FROM fetch_failures, last WHERE failed_at::DATE > last.d - ?::INTEGER
        GROUP BY ALL ORDER BY n DESC, source_id, reason
    """,
        [days],
    )
