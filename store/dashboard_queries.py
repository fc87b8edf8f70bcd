"""Read-only SQL for the dashboard pages (beyond store/queries.py).

Every function takes an open read-only connection and returns a small pandas
DataFrame (or a few values): aggregation, filtering and limits happen in DuckDB,
never over whole tables in pandas. Filters are bound parameters; a NULL parameter
means "no filter".

Counts follow the public views' rules (stories = syndicated copies once, counted in
the week of first publication) but read the base tables directly where the views
would group the whole store for a one-week answer: the pages must render in < 2 s
on 200,000 articles (scripts/bench_dashboard.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

STORY = "coalesce(a.story_id, 's' || a.article_id)"  # as in the views: an article alone is a story
DAY = "coalesce(published, fetched_at::DATE)"  # the date an article counts at (views' `week`)


def _df(con: Any, sql: str, params: list[Any] | None = None) -> Any:
    return con.execute(sql, params or []).df()


def _stories_cte(start: date | None, end: date | None) -> tuple[str, list[Any]]:
    """CTEs `cand`, `st`: stories whose first week is in [start, end], as in v_stories.

    Only stories with a copy dated in the window can start in it, so the grouping runs
    over those instead of every article (v_stories groups the whole table).
    """
    sql = f"""
        cand AS MATERIALIZED (
            SELECT DISTINCT {STORY} AS story_id FROM articles a
            WHERE (?::DATE IS NULL OR {DAY} >= ?::DATE)
              AND (?::DATE IS NULL OR {DAY} < ?::DATE + 7)),
        st AS MATERIALIZED (
            SELECT {STORY} AS story_id, date_trunc('week', min({DAY}))::DATE AS week,
                   count(*) AS n_articles, coalesce(bool_or(a.relevant), false) AS relevant
            FROM articles a SEMI JOIN cand ON cand.story_id = {STORY}
            GROUP BY 1
            HAVING (?::DATE IS NULL OR week >= ?::DATE) AND (?::DATE IS NULL OR week <= ?::DATE))
    """
    return sql, [start, start, end, end, start, start, end, end]


# -- Cette semaine ----------------------------------------------------------------------


def latest_week(con: Any) -> date | None:
    """Monday of the latest week with a relevant article, not after today (else any week)."""
    row = con.execute(f"""
        SELECT date_trunc('week', coalesce(max(d) FILTER (WHERE relevant AND d <= current_date),
                                           max(d) FILTER (WHERE d <= current_date), max(d)))::DATE
        FROM (SELECT {DAY} AS d, relevant FROM articles)
    """).fetchone()
    return row[0] if row else None


def weeks_overview(con: Any, *, end: date, weeks: int = 8) -> Any:
    """Per week up to `end`: relevant articles, relevant stories, new initiatives."""
    first = end - timedelta(weeks=weeks - 1)
    cte, params = _stories_cte(first, end)
    return _df(
        con,
        f"""
        WITH {cte},
        w AS (SELECT unnest(range(?::DATE, ?::DATE + 1, INTERVAL 7 DAY))::DATE AS week),
        art AS (SELECT date_trunc('week', {DAY})::DATE AS week, count(*) AS n FROM articles
                WHERE relevant AND {DAY} >= ?::DATE AND {DAY} < ?::DATE + 7 GROUP BY 1),
        sto AS (SELECT week, count(*) AS n FROM st WHERE relevant GROUP BY week),
        ini AS (SELECT st.week,
                       count(DISTINCT (st.story_id, i.type, coalesce(i.commune_insee, ''))) AS n
                FROM initiatives i JOIN articles a USING (article_id)
                JOIN st ON st.story_id = {STORY} GROUP BY st.week)
        SELECT w.week, coalesce(art.n, 0)::BIGINT AS n_articles,
               coalesce(sto.n, 0)::BIGINT AS n_stories, coalesce(ini.n, 0)::BIGINT AS n_initiatives
        FROM w LEFT JOIN art USING (week) LEFT JOIN sto USING (week) LEFT JOIN ini USING (week)
        ORDER BY w.week
    """,
        params + [first, end, first, end],
    )


def week_initiative_types(con: Any, *, week: date, previous: int = 4) -> Any:
    """New initiatives per type this week, and their weekly mean over the `previous` weeks."""
    cte, params = _stories_cte(week - timedelta(weeks=previous), week)
    return _df(
        con,
        f"""
        WITH {cte},
        per AS (SELECT st.week, i.type,
                       count(DISTINCT (st.story_id, coalesce(i.commune_insee, ''))) AS n
                FROM initiatives i JOIN articles a USING (article_id)
                JOIN st ON st.story_id = {STORY} GROUP BY ALL)
        SELECT type, coalesce(sum(n) FILTER (WHERE week = ?::DATE), 0)::BIGINT AS n_week,
               coalesce(sum(n) FILTER (WHERE week < ?::DATE), 0) / ? AS mean_before
        FROM per GROUP BY type ORDER BY n_week DESC, mean_before DESC, type
    """,
        params + [week, week, previous],
    )


def notable_articles(con: Any, *, week: date, limit: int = 20) -> Any:
    """The week's relevant stories (their first copy), richest in facts first."""
    cte, params = _stories_cte(week, week)
    # Joins + GROUP BY over the few first copies: correlated subqueries scan whole tables.
    return _df(
        con,
        f"""
        WITH {cte},
        first_copy AS MATERIALIZED (
            SELECT a.article_id, st.n_articles AS n_copies FROM articles a
            JOIN st ON st.story_id = {STORY} AND st.relevant
            QUALIFY row_number() OVER (PARTITION BY st.story_id
                                       ORDER BY {DAY}, a.fetched_at, a.article_id) = 1),
        comm AS (SELECT f.article_id,
                        string_agg(ac.name, ', ' ORDER BY ac.is_primary DESC, ac.ordinal)
                            AS communes
                 FROM first_copy f JOIN article_communes ac USING (article_id) GROUP BY 1),
        ini AS (SELECT f.article_id, count(*) AS n, list(DISTINCT i.type ORDER BY i.type) AS types
                FROM first_copy f JOIN initiatives i USING (article_id) GROUP BY 1),
        fig AS (SELECT f.article_id, count(*) AS n
                FROM first_copy f JOIN figures g USING (article_id) GROUP BY 1)
        SELECT a.article_id, a.published, a.title, coalesce(s.name, a.source_id) AS source_name,
               f.n_copies, comm.communes, ini.types, coalesce(ini.n, 0) AS n_initiatives,
               coalesce(fig.n, 0) AS n_figures, a.relevance, a.url
        FROM first_copy f JOIN articles a USING (article_id)
        LEFT JOIN sources s ON s.source_id = a.source_id
        LEFT JOIN comm USING (article_id) LEFT JOIN ini USING (article_id)
        LEFT JOIN fig USING (article_id)
        ORDER BY n_initiatives DESC, n_figures DESC, a.relevance DESC NULLS LAST, a.article_id
        LIMIT ?
    """,
        params + [limit],
    )


# -- Filters and Tendances ---------------------------------------------------------------


def places(con: Any) -> tuple[Any, Any]:
    """(regions, départements) of the gazetteer, for the sidebar filters."""
    regions = _df(con, "SELECT code, name FROM regions ORDER BY name")
    deps = _df(con, "SELECT code, name, region FROM departements ORDER BY code")
    return regions, deps


def week_bounds(con: Any) -> tuple[date | None, date | None]:
    row = con.execute(f"""SELECT date_trunc('week', min(d))::DATE, date_trunc('week', max(d))::DATE
                          FROM (SELECT {DAY} AS d FROM articles)""").fetchone()
    return (row[0], row[1]) if row else (None, None)


def weekly_stories(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
) -> Any:
    """Relevant stories per week, optionally only those naming a place of the region/département
    (a commune of it, or the département itself, as v_weekly_departements)."""
    cte, params = _stories_cte(start, end)
    if region is None and departement is None:
        return _df(
            con,
            f"""
            WITH {cte}
            SELECT week, count(*) AS n_stories FROM st WHERE relevant GROUP BY week ORDER BY week
        """,
            params,
        )
    return _df(
        con,
        f"""
        WITH {cte},
        links AS (
            SELECT {STORY} AS story_id, ac.departement AS dep
            FROM article_communes ac JOIN articles a USING (article_id) WHERE a.relevant
            UNION
            SELECT {STORY}, ar.code FROM article_areas ar JOIN articles a USING (article_id)
            WHERE ar.level = 'departement' AND a.relevant)
        SELECT st.week, count(DISTINCT l.story_id) AS n_stories
        FROM links l JOIN st USING (story_id) LEFT JOIN departements d ON d.code = l.dep
        WHERE (?::VARCHAR IS NULL OR l.dep = ?) AND (?::VARCHAR IS NULL OR d.region = ?)
        GROUP BY st.week ORDER BY st.week
    """,
        params + [departement, departement, region, region],
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
        SELECT week, type,
               count(DISTINCT (story_id, coalesce(commune_insee, ''))) AS n_initiatives
        FROM v_initiatives WHERE {_INITIATIVE_FILTER}
        GROUP BY week, type ORDER BY week, type
    """,
        _filter_params(start, end, region, departement, types),
    )


# -- Initiatives -------------------------------------------------------------------------


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
    params = _filter_params(start, end, region, departement, types)
    params += [statuses, statuses, actor, actor]
    base = f"""
        SELECT * FROM v_initiatives WHERE {where}
        QUALIFY row_number() OVER (PARTITION BY story_id, type, coalesce(commune_insee, '')
                                   ORDER BY published NULLS LAST, initiative_id) = 1
    """
    # count(*) OVER () runs before LIMIT: the total in the same pass as the page of rows.
    rows = _df(
        con,
        f"""
        SELECT initiative_id, published, type, status, commune_name, commune_insee,
               departement_name, region_name, array_to_string(actors, ', ') AS actors,
               evidence_text, title, article_id, count(*) OVER () AS total
        FROM ({base}) ORDER BY published DESC NULLS LAST, initiative_id LIMIT ?
    """,
        params + [limit],
    )
    total = int(rows["total"].iloc[0]) if len(rows) else 0
    return rows.drop(columns="total"), total


# -- Carte -------------------------------------------------------------------------------


def _relevant_articles_cte() -> str:
    return f"""rel AS MATERIALIZED (SELECT a.article_id, st.story_id FROM articles a
                                    JOIN st ON st.story_id = {STORY} WHERE a.relevant)"""


def commune_coverage(
    con: Any,
    *,
    start: date | None,
    end: date | None,
    region: str | None = None,
    departement: str | None = None,
    limit: int = 3000,
) -> Any:
    """Communes named by relevant stories of the period: centroid, dominant initiative type."""
    cte, params = _stories_cte(start, end)
    return _df(
        con,
        f"""
        WITH {cte}, {_relevant_articles_cte()},
        cov AS MATERIALIZED (
            SELECT ac.insee AS commune_insee, count(DISTINCT rel.story_id) AS n_stories
            FROM rel JOIN article_communes ac USING (article_id)
            WHERE (?::VARCHAR IS NULL OR ac.region = ?)
              AND (?::VARCHAR IS NULL OR ac.departement = ?)
            GROUP BY 1),
        types AS (
            SELECT i.commune_insee, i.type, count(DISTINCT rel.story_id) AS n
            FROM rel JOIN initiatives i USING (article_id)
            WHERE i.commune_insee IN (SELECT commune_insee FROM cov) GROUP BY ALL),
        top_type AS (
            SELECT commune_insee, arg_max(type, (n, type)) AS top_type, sum(n) AS n_initiatives
            FROM types GROUP BY commune_insee)
        SELECT cov.commune_insee, c.name AS commune_name, c.departement AS departement_code,
               c.lat, c.lon, cov.n_stories::BIGINT AS n_stories,
               coalesce(t.top_type, 'aucune') AS top_type,
               coalesce(t.n_initiatives, 0)::BIGINT AS n_initiatives
        FROM cov JOIN communes c ON c.insee = cov.commune_insee
        LEFT JOIN top_type t USING (commune_insee)
        WHERE c.lat IS NOT NULL
        ORDER BY n_stories DESC, cov.commune_insee LIMIT ?
    """,
        params + [region, region, departement, departement, limit],
    )


def departement_rates(
    con: Any, *, start: date | None, end: date | None, region: str | None = None
) -> Any:
    """Relevant stories per département per 100,000 inhabitants, at its population centroid.

    A story counts for a département when it names it or one of its communes (as
    v_weekly_departements), once per département.
    """
    cte, params = _stories_cte(start, end)
    return _df(
        con,
        f"""
        WITH {cte}, {_relevant_articles_cte()},
        links AS (
            SELECT rel.story_id, ac.departement AS code
            FROM rel JOIN article_communes ac USING (article_id)
            UNION
            SELECT rel.story_id, ar.code FROM rel JOIN article_areas ar USING (article_id)
            WHERE ar.level = 'departement'),
        cov AS (SELECT code, count(DISTINCT story_id) AS n_stories FROM links GROUP BY code),
        pop AS (
            SELECT departement, sum(population) AS population,
                   sum(lat * population) / nullif(sum(population), 0) AS lat,
                   sum(lon * population) / nullif(sum(population), 0) AS lon
            FROM communes WHERE type = 'COM' AND population > 0 GROUP BY departement)
        SELECT d.code AS departement_code, d.name AS departement_name, pop.population,
               coalesce(cov.n_stories, 0)::BIGINT AS n_stories,
               coalesce(cov.n_stories, 0) * 100000.0 / pop.population AS rate, pop.lat, pop.lon
        FROM departements d JOIN pop ON pop.departement = d.code
        LEFT JOIN cov ON cov.code = d.code
        WHERE (?::VARCHAR IS NULL OR d.region = ?) AND pop.lat IS NOT NULL
        ORDER BY rate DESC, d.code
    """,
        params + [region, region],
    )


# -- Commune -----------------------------------------------------------------------------


def mentioned_communes(con: Any, *, limit: int = 5000) -> Any:
    """Communes named by relevant articles, most covered first (the commune picker)."""
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
    row = con.execute(
        """
        SELECT c.insee, c.name, c.departement, d.name, r.name, c.population, c.lat, c.lon
        FROM communes c LEFT JOIN departements d ON d.code = c.departement
        LEFT JOIN regions r ON r.code = c.region WHERE c.insee = ?
    """,
        [insee],
    ).fetchone()
    if row is None:  # a commune the NLP linked but the gazetteer table lacks
        row = con.execute(
            """
            SELECT insee, any_value(name), any_value(departement), NULL, NULL, NULL, NULL, NULL
            FROM article_communes WHERE insee = ? GROUP BY insee
        """,
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
        WITH ids AS MATERIALIZED (
            SELECT article_id, is_primary FROM article_communes WHERE insee = ?),
        ini AS (SELECT article_id, count(*) AS n
                FROM ids JOIN initiatives USING (article_id) GROUP BY 1),
        fig AS (SELECT article_id, count(*) AS n
                FROM ids JOIN figures USING (article_id) GROUP BY 1)
        SELECT a.published, a.title, coalesce(s.name, a.source_id) AS source_name, ids.is_primary,
               a.relevant, coalesce(ini.n, 0) AS n_initiatives, coalesce(fig.n, 0) AS n_figures,
               a.article_id
        FROM ids JOIN articles a USING (article_id) LEFT JOIN sources s ON s.source_id = a.source_id
        LEFT JOIN ini USING (article_id) LEFT JOIN fig USING (article_id)
        ORDER BY a.published DESC NULLS LAST, a.article_id LIMIT ?
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
    """Initiatives in other communes whose centroid lies within `km` (haversine distance)."""
    return _df(
        con,
        """
        WITH here AS (SELECT lat, lon FROM communes WHERE insee = ? AND lat IS NOT NULL),
        near AS (
            SELECT c.insee, 2 * 6371 * asin(sqrt(
                pow(sin(radians(c.lat - h.lat) / 2), 2) + cos(radians(h.lat))
                * cos(radians(c.lat)) * pow(sin(radians(c.lon - h.lon) / 2), 2))) AS km
            FROM communes c, here h
            WHERE c.insee <> ? AND c.lat BETWEEN h.lat - ? / 111.0 AND h.lat + ? / 111.0)
        SELECT round(n.km, 1) AS km, i.commune_name, i.published, i.type, i.status,
               i.evidence_text, i.article_id, i.initiative_id
        FROM near n JOIN v_initiatives i ON i.commune_insee = n.insee
        WHERE n.km <= ?
        ORDER BY n.km, i.published DESC NULLS LAST, i.initiative_id LIMIT ?
    """,
        [insee, insee, km, km, km, limit],
    )


# -- Article -----------------------------------------------------------------------------


def article_options(con: Any, *, limit: int = 500) -> Any:
    """Recent relevant articles, for the article picker."""
    return _df(
        con,
        f"""
        SELECT article_id, published, title, source_id FROM articles WHERE relevant
        ORDER BY {DAY} DESC, article_id LIMIT ?
    """,
        [limit],
    )


def article_detail(con: Any, article_id: str) -> dict[str, Any] | None:
    """The article with its text, its spans to highlight and its facts and copies."""
    row = con.execute(
        f"""
        SELECT a.article_id, a.title, a.url, coalesce(s.name, a.source_id), a.source_id,
               a.published, a.fetched_at, a.relevant, a.relevance, {STORY}, a.text, a.body_start,
               a.paywalled
        FROM articles a LEFT JOIN sources s USING (source_id) WHERE a.article_id = ?
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
        "paywalled",
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
        SELECT name, insee, departement, is_primary FROM article_communes
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
        f"""
        SELECT coalesce(s.name, a.source_id) AS source_name, a.published, a.title, a.url,
               a.article_id
        FROM articles a LEFT JOIN sources s USING (source_id)
        WHERE {STORY} = ? AND a.article_id <> ? ORDER BY a.published NULLS LAST, a.article_id
    """,
        [out["story_id"], article_id],
    )
    return out


# -- Sources -----------------------------------------------------------------------------


def source_health(con: Any) -> Any:
    return _df(
        con,
        """
        SELECT source_id, source_name, last_run_at, last_run_status, last_success_at,
               pages_last_run, avg_pages_per_run, failures_last_run,
               (SELECT string_agg(k || ' : ' || v, ', ' ORDER BY k)
                  FROM (SELECT unnest(map_keys(failures_by_reason)) AS k,
                               unnest(map_values(failures_by_reason)) AS v)) AS failures_by_reason,
               n_articles, n_relevant, problem_last_run
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
    """Failed URLs per outlet and reason over the last `days` days of crawling."""
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
