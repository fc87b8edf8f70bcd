-- Public views: the researchers' API. Names starting with v_ are stable; columns are
-- only ever added. Counts per week count STORIES (syndicated copies once), dated by
-- the story's first publication.

CREATE VIEW v_articles AS
WITH first_mention AS (
    SELECT article_id, insee, min(start_offset) AS first_offset
    FROM commune_mentions GROUP BY ALL
), primary_commune AS (
    SELECT ac.article_id,
           arg_min(ac.insee, (NOT ac.is_primary, coalesce(fm.first_offset, 2147483647), ac.insee)) AS insee
    FROM article_communes ac
    LEFT JOIN first_mention fm USING (article_id, insee)
    GROUP BY ac.article_id
), counts AS (
    SELECT article_id, count(*) AS n FROM initiatives GROUP BY article_id
), fig_counts AS (
    SELECT article_id, count(*) AS n FROM figures GROUP BY article_id
)
SELECT
    a.article_id,
    a.url,
    a.source_id,
    s.name AS source_name,
    a.title,
    a.published,
    date_trunc('week', coalesce(a.published, a.fetched_at::DATE))::DATE AS week,
    a.fetched_at,
    a.lang,
    a.relevant,
    a.relevance,
    coalesce(a.story_id, 's' || a.article_id) AS story_id,
    pc.insee AS commune_insee,
    coalesce(c.name, ac.name) AS commune_name,
    coalesce(c.departement, ac.departement) AS departement_code,
    d.name AS departement_name,
    coalesce(c.region, ac.region, d.region) AS region_code,
    r.name AS region_name,
    coalesce(ic.n, 0) AS n_initiatives,
    coalesce(fc.n, 0) AS n_figures,
    a.pipeline_version
FROM articles a
LEFT JOIN sources s USING (source_id)
LEFT JOIN primary_commune pc USING (article_id)
LEFT JOIN article_communes ac ON ac.article_id = a.article_id AND ac.insee = pc.insee
LEFT JOIN communes c ON c.insee = pc.insee
LEFT JOIN departements d ON d.code = coalesce(c.departement, ac.departement)
LEFT JOIN regions r ON r.code = coalesce(c.region, ac.region, d.region)
LEFT JOIN counts ic ON ic.article_id = a.article_id
LEFT JOIN fig_counts fc ON fc.article_id = a.article_id;
COMMENT ON VIEW v_articles IS 'One row per stored article with its outlet, dates, relevance, story and primary commune with its département and region.';
COMMENT ON COLUMN v_articles.article_id IS 'Article id (16 hex digits of SHA-1 of the canonical URL).';
COMMENT ON COLUMN v_articles.url IS 'Canonical URL of the article.';
COMMENT ON COLUMN v_articles.source_id IS 'Outlet id (sources.source_id).';
COMMENT ON COLUMN v_articles.source_name IS 'Outlet name.';
COMMENT ON COLUMN v_articles.title IS 'Headline.';
COMMENT ON COLUMN v_articles.published IS 'Publication date (first of the month when only the month is known); NULL if unknown.';
COMMENT ON COLUMN v_articles.week IS 'Monday of the ISO week of publication (of the fetch when the date is unknown).';
COMMENT ON COLUMN v_articles.fetched_at IS 'Fetch time (UTC).';
COMMENT ON COLUMN v_articles.lang IS 'Language code of the text (e.g. "fr").';
COMMENT ON COLUMN v_articles.relevant IS 'About access to general practice / medical desertification; NULL until processed.';
COMMENT ON COLUMN v_articles.relevance IS 'Relevance score in [0, 1]; NULL until processed.';
COMMENT ON COLUMN v_articles.story_id IS 'Story of the article: copies of one text share it (count stories, not articles).';
COMMENT ON COLUMN v_articles.commune_insee IS 'INSEE code of the primary commune (the one the article is about); NULL if none.';
COMMENT ON COLUMN v_articles.commune_name IS 'Name of the primary commune.';
COMMENT ON COLUMN v_articles.departement_code IS 'Département code of the primary commune.';
COMMENT ON COLUMN v_articles.departement_name IS 'Département name of the primary commune.';
COMMENT ON COLUMN v_articles.region_code IS 'Region code of the primary commune.';
COMMENT ON COLUMN v_articles.region_name IS 'Region name of the primary commune.';
COMMENT ON COLUMN v_articles.n_initiatives IS 'Number of initiatives extracted from the article.';
COMMENT ON COLUMN v_articles.n_figures IS 'Number of figures extracted from the article.';
COMMENT ON COLUMN v_articles.pipeline_version IS 'NLP pipeline version of the analysis; NULL until processed.';

CREATE VIEW v_initiatives AS
SELECT
    i.initiative_id,
    i.article_id,
    coalesce(a.story_id, 's' || a.article_id) AS story_id,
    i.type,
    i.status,
    i.actors,
    i.commune_insee,
    coalesce(c.name, ac.name) AS commune_name,
    coalesce(c.departement, ac.departement) AS departement_code,
    d.name AS departement_name,
    coalesce(c.region, ac.region, d.region) AS region_code,
    r.name AS region_name,
    c.lat,
    c.lon,
    i.evidence_start,
    i.evidence_end,
    i.evidence_text,
    a.published,
    date_trunc('week', coalesce(a.published, a.fetched_at::DATE))::DATE AS week,
    a.url,
    a.title,
    a.source_id
FROM initiatives i
JOIN articles a USING (article_id)
LEFT JOIN article_communes ac ON ac.article_id = i.article_id AND ac.insee = i.commune_insee
LEFT JOIN communes c ON c.insee = i.commune_insee
LEFT JOIN departements d ON d.code = coalesce(c.departement, ac.departement)
LEFT JOIN regions r ON r.code = coalesce(c.region, ac.region, d.region);
COMMENT ON VIEW v_initiatives IS 'Initiatives with their evidence, commune, département, region, coordinates and article.';
COMMENT ON COLUMN v_initiatives.initiative_id IS 'Initiative id (stable across re-runs of the same pipeline).';
COMMENT ON COLUMN v_initiatives.article_id IS 'Article that reports it.';
COMMENT ON COLUMN v_initiatives.story_id IS 'Story of the article: the same initiative in syndicated copies shares it.';
COMMENT ON COLUMN v_initiatives.type IS 'Initiative type (nlp/labels.py INITIATIVE_TYPES).';
COMMENT ON COLUMN v_initiatives.status IS '"projet", "ouvert", "ferme" or NULL.';
COMMENT ON COLUMN v_initiatives.actors IS 'Organisations or people driving it.';
COMMENT ON COLUMN v_initiatives.commune_insee IS 'INSEE code of the commune concerned; NULL for national or regional initiatives.';
COMMENT ON COLUMN v_initiatives.commune_name IS 'Commune name.';
COMMENT ON COLUMN v_initiatives.departement_code IS 'Département code of the commune.';
COMMENT ON COLUMN v_initiatives.departement_name IS 'Département name.';
COMMENT ON COLUMN v_initiatives.region_code IS 'Region code of the commune.';
COMMENT ON COLUMN v_initiatives.region_name IS 'Region name.';
COMMENT ON COLUMN v_initiatives.lat IS 'Latitude of the commune centroid (NULL without commune or gazetteer).';
COMMENT ON COLUMN v_initiatives.lon IS 'Longitude of the commune centroid.';
COMMENT ON COLUMN v_initiatives.evidence_start IS 'Start offset of the evidence in the article text (0-based).';
COMMENT ON COLUMN v_initiatives.evidence_end IS 'End offset (exclusive).';
COMMENT ON COLUMN v_initiatives.evidence_text IS 'Evidence sentence.';
COMMENT ON COLUMN v_initiatives.published IS 'Publication date of the article.';
COMMENT ON COLUMN v_initiatives.week IS 'Monday of the week of publication (of the fetch when unknown).';
COMMENT ON COLUMN v_initiatives.url IS 'Article URL.';
COMMENT ON COLUMN v_initiatives.title IS 'Article headline.';
COMMENT ON COLUMN v_initiatives.source_id IS 'Outlet id.';

CREATE VIEW v_figures AS
SELECT
    f.figure_id,
    f.article_id,
    coalesce(a.story_id, 's' || a.article_id) AS story_id,
    f.kind,
    f.value,
    f.unit,
    f.text,
    f.start_offset,
    f.end_offset,
    f.commune_insee,
    coalesce(c.name, ac.name) AS commune_name,
    coalesce(c.departement, ac.departement) AS departement_code,
    d.name AS departement_name,
    coalesce(c.region, ac.region, d.region) AS region_code,
    r.name AS region_name,
    c.lat,
    c.lon,
    a.published,
    date_trunc('week', coalesce(a.published, a.fetched_at::DATE))::DATE AS week,
    a.url,
    a.title,
    a.source_id
FROM figures f
JOIN articles a USING (article_id)
LEFT JOIN article_communes ac ON ac.article_id = f.article_id AND ac.insee = f.commune_insee
LEFT JOIN communes c ON c.insee = f.commune_insee
LEFT JOIN departements d ON d.code = coalesce(c.departement, ac.departement)
LEFT JOIN regions r ON r.code = coalesce(c.region, ac.region, d.region);
COMMENT ON VIEW v_figures IS 'Figures (densities, doctors, amounts...) with their text, offsets, commune, département, region and article.';
COMMENT ON COLUMN v_figures.figure_id IS 'Figure id.';
COMMENT ON COLUMN v_figures.article_id IS 'Article that gives it.';
COMMENT ON COLUMN v_figures.story_id IS 'Story of the article.';
COMMENT ON COLUMN v_figures.kind IS 'Figure kind (nlp/labels.py FIGURE_KINDS).';
COMMENT ON COLUMN v_figures.value IS 'Normalised value (densities per 100,000 inhabitants).';
COMMENT ON COLUMN v_figures.unit IS 'Unit of value.';
COMMENT ON COLUMN v_figures.text IS 'The figure as written.';
COMMENT ON COLUMN v_figures.start_offset IS 'Start offset in the article text (0-based).';
COMMENT ON COLUMN v_figures.end_offset IS 'End offset (exclusive).';
COMMENT ON COLUMN v_figures.commune_insee IS 'INSEE code of the commune the figure is about; NULL when not commune-specific.';
COMMENT ON COLUMN v_figures.commune_name IS 'Commune name.';
COMMENT ON COLUMN v_figures.departement_code IS 'Département code of the commune.';
COMMENT ON COLUMN v_figures.departement_name IS 'Département name.';
COMMENT ON COLUMN v_figures.region_code IS 'Region code of the commune.';
COMMENT ON COLUMN v_figures.region_name IS 'Region name.';
COMMENT ON COLUMN v_figures.lat IS 'Latitude of the commune centroid.';
COMMENT ON COLUMN v_figures.lon IS 'Longitude of the commune centroid.';
COMMENT ON COLUMN v_figures.published IS 'Publication date of the article.';
COMMENT ON COLUMN v_figures.week IS 'Monday of the week of publication (of the fetch when unknown).';
COMMENT ON COLUMN v_figures.url IS 'Article URL.';
COMMENT ON COLUMN v_figures.title IS 'Article headline.';
COMMENT ON COLUMN v_figures.source_id IS 'Outlet id.';

CREATE VIEW v_commune_mentions AS
SELECT
    m.article_id,
    coalesce(a.story_id, 's' || a.article_id) AS story_id,
    m.insee AS commune_insee,
    coalesce(c.name, ac.name) AS commune_name,
    coalesce(ac.is_primary, false) AS is_primary,
    coalesce(c.departement, ac.departement) AS departement_code,
    d.name AS departement_name,
    coalesce(c.region, ac.region, d.region) AS region_code,
    r.name AS region_name,
    m.start_offset,
    m.end_offset,
    m.text,
    a.relevant,
    a.published,
    date_trunc('week', coalesce(a.published, a.fetched_at::DATE))::DATE AS week,
    a.url,
    a.source_id
FROM commune_mentions m
JOIN articles a USING (article_id)
LEFT JOIN article_communes ac ON ac.article_id = m.article_id AND ac.insee = m.insee
LEFT JOIN communes c ON c.insee = m.insee
LEFT JOIN departements d ON d.code = coalesce(c.departement, ac.departement)
LEFT JOIN regions r ON r.code = coalesce(c.region, ac.region, d.region);
COMMENT ON VIEW v_commune_mentions IS 'Every place an article names a commune, with offsets into the article text.';
COMMENT ON COLUMN v_commune_mentions.article_id IS 'Article.';
COMMENT ON COLUMN v_commune_mentions.story_id IS 'Story of the article.';
COMMENT ON COLUMN v_commune_mentions.commune_insee IS 'INSEE commune code.';
COMMENT ON COLUMN v_commune_mentions.commune_name IS 'Commune name.';
COMMENT ON COLUMN v_commune_mentions.is_primary IS 'True when the article is about this commune.';
COMMENT ON COLUMN v_commune_mentions.departement_code IS 'Département code.';
COMMENT ON COLUMN v_commune_mentions.departement_name IS 'Département name.';
COMMENT ON COLUMN v_commune_mentions.region_code IS 'Region code.';
COMMENT ON COLUMN v_commune_mentions.region_name IS 'Region name.';
COMMENT ON COLUMN v_commune_mentions.start_offset IS 'Start offset in the article text (0-based).';
COMMENT ON COLUMN v_commune_mentions.end_offset IS 'End offset (exclusive).';
COMMENT ON COLUMN v_commune_mentions.text IS 'The mention as written.';
COMMENT ON COLUMN v_commune_mentions.relevant IS 'Whether the article is relevant.';
COMMENT ON COLUMN v_commune_mentions.published IS 'Publication date of the article.';
COMMENT ON COLUMN v_commune_mentions.week IS 'Monday of the week of publication.';
COMMENT ON COLUMN v_commune_mentions.url IS 'Article URL.';
COMMENT ON COLUMN v_commune_mentions.source_id IS 'Outlet id.';

CREATE VIEW v_stories AS
SELECT
    coalesce(a.story_id, 's' || a.article_id) AS story_id,
    arg_min(a.title, (coalesce(a.published, a.fetched_at::DATE), a.fetched_at, a.article_id)) AS title,
    min(coalesce(a.published, a.fetched_at::DATE)) AS first_published,
    date_trunc('week', min(coalesce(a.published, a.fetched_at::DATE)))::DATE AS week,
    count(*) AS n_articles,
    count(DISTINCT a.source_id) AS n_sources,
    list(DISTINCT a.source_id ORDER BY a.source_id) AS source_ids,
    coalesce(bool_or(a.relevant), false) AS relevant
FROM articles a
GROUP BY ALL;
COMMENT ON VIEW v_stories IS 'Stories: groups of near-duplicate articles (syndicated copies, light rewrites) counted once.';
COMMENT ON COLUMN v_stories.story_id IS 'Story id.';
COMMENT ON COLUMN v_stories.title IS 'Headline of the earliest article.';
COMMENT ON COLUMN v_stories.first_published IS 'Earliest publication date (fetch date when unknown).';
COMMENT ON COLUMN v_stories.week IS 'Monday of the week of first publication: the week a story counts in.';
COMMENT ON COLUMN v_stories.n_articles IS 'Number of copies.';
COMMENT ON COLUMN v_stories.n_sources IS 'Number of distinct outlets.';
COMMENT ON COLUMN v_stories.source_ids IS 'Outlets that printed it.';
COMMENT ON COLUMN v_stories.relevant IS 'True when any copy is relevant.';

CREATE VIEW v_weekly_communes AS
SELECT
    st.week,
    m.commune_insee,
    any_value(m.commune_name) AS commune_name,
    any_value(m.departement_code) AS departement_code,
    any_value(m.departement_name) AS departement_name,
    any_value(m.region_code) AS region_code,
    any_value(m.region_name) AS region_name,
    count(DISTINCT m.story_id) AS n_stories,
    count(DISTINCT m.story_id) FILTER (WHERE m.is_primary) AS n_stories_primary,
    count(DISTINCT m.article_id) AS n_articles
FROM v_commune_mentions m
JOIN v_stories st USING (story_id)
WHERE m.relevant
GROUP BY st.week, m.commune_insee;
COMMENT ON VIEW v_weekly_communes IS 'Per week and commune: relevant stories naming the commune (syndicated copies once, in the week of first publication).';
COMMENT ON COLUMN v_weekly_communes.week IS 'Monday of the week.';
COMMENT ON COLUMN v_weekly_communes.commune_insee IS 'INSEE commune code.';
COMMENT ON COLUMN v_weekly_communes.commune_name IS 'Commune name.';
COMMENT ON COLUMN v_weekly_communes.departement_code IS 'Département code.';
COMMENT ON COLUMN v_weekly_communes.departement_name IS 'Département name.';
COMMENT ON COLUMN v_weekly_communes.region_code IS 'Region code.';
COMMENT ON COLUMN v_weekly_communes.region_name IS 'Region name.';
COMMENT ON COLUMN v_weekly_communes.n_stories IS 'Relevant stories naming the commune.';
COMMENT ON COLUMN v_weekly_communes.n_stories_primary IS 'Relevant stories about the commune (primary commune).';
COMMENT ON COLUMN v_weekly_communes.n_articles IS 'Relevant articles naming it (copies counted separately).';

CREATE VIEW v_weekly_departements AS
WITH links AS (
    SELECT m.story_id, m.article_id, m.departement_code AS code
    FROM v_commune_mentions m WHERE m.relevant AND m.departement_code IS NOT NULL
    UNION
    SELECT coalesce(a.story_id, 's' || a.article_id), a.article_id, am.code
    FROM area_mentions am JOIN articles a USING (article_id)
    WHERE am.level = 'departement' AND a.relevant
)
SELECT
    st.week,
    l.code AS departement_code,
    d.name AS departement_name,
    d.region AS region_code,
    r.name AS region_name,
    count(DISTINCT l.story_id) AS n_stories,
    count(DISTINCT l.article_id) AS n_articles
FROM links l
JOIN v_stories st USING (story_id)
LEFT JOIN departements d ON d.code = l.code
LEFT JOIN regions r ON r.code = d.region
GROUP BY ALL;
COMMENT ON VIEW v_weekly_departements IS 'Per week and département: relevant stories naming the département or one of its communes (copies once).';
COMMENT ON COLUMN v_weekly_departements.week IS 'Monday of the week.';
COMMENT ON COLUMN v_weekly_departements.departement_code IS 'Département code.';
COMMENT ON COLUMN v_weekly_departements.departement_name IS 'Département name (NULL until the gazetteer is loaded).';
COMMENT ON COLUMN v_weekly_departements.region_code IS 'Region code.';
COMMENT ON COLUMN v_weekly_departements.region_name IS 'Region name.';
COMMENT ON COLUMN v_weekly_departements.n_stories IS 'Relevant stories.';
COMMENT ON COLUMN v_weekly_departements.n_articles IS 'Relevant articles (copies counted separately).';

CREATE VIEW v_weekly_initiative_types AS
SELECT
    st.week,
    i.type,
    i.region_code,
    any_value(i.region_name) AS region_name,
    count(DISTINCT i.story_id) AS n_stories,
    count(DISTINCT (i.story_id, coalesce(i.commune_insee, ''))) AS n_initiatives,
    count(*) AS n_mentions
FROM v_initiatives i
JOIN v_stories st USING (story_id)
GROUP BY st.week, i.type, i.region_code;
COMMENT ON VIEW v_weekly_initiative_types IS 'Per week, initiative type and region: stories reporting it (copies once, in the week of first publication).';
COMMENT ON COLUMN v_weekly_initiative_types.week IS 'Monday of the week.';
COMMENT ON COLUMN v_weekly_initiative_types.type IS 'Initiative type.';
COMMENT ON COLUMN v_weekly_initiative_types.region_code IS 'Region of the initiative''s commune; NULL for national/regional initiatives without commune.';
COMMENT ON COLUMN v_weekly_initiative_types.region_name IS 'Region name.';
COMMENT ON COLUMN v_weekly_initiative_types.n_stories IS 'Stories reporting an initiative of this type.';
COMMENT ON COLUMN v_weekly_initiative_types.n_initiatives IS 'Distinct (story, commune) initiatives of this type: copies counted once.';
COMMENT ON COLUMN v_weekly_initiative_types.n_mentions IS 'Initiative rows, copies counted separately.';

CREATE VIEW v_source_health AS
WITH runs AS (
    SELECT s.source_id, r.run_id, r.started_at, r.finished_at, r.status
    FROM sources s JOIN crawl_runs r ON list_contains(r.sources, s.source_id)
    WHERE r.kind IN ('crawl', 'nightly')
), pages_per_run AS (
    SELECT source_id, run_id, count(*) AS n FROM pages GROUP BY ALL
), per_run AS (
    SELECT runs.*, coalesce(p.n, 0) AS n_pages
    FROM runs LEFT JOIN pages_per_run p USING (source_id, run_id)
), last_run AS (
    SELECT source_id, arg_max(run_id, started_at) AS run_id, max(started_at) AS started_at,
           arg_max(status, started_at) AS status, arg_max(n_pages, started_at) AS n_pages,
           max(finished_at) FILTER (WHERE status IN ('ok', 'partial') AND n_pages > 0 OR status = 'ok') AS last_success_at,
           avg(n_pages) AS avg_pages, count(*) AS n_runs
    FROM per_run GROUP BY source_id
), fail_counts AS (
    SELECT f.source_id, f.reason, count(*) AS n
    FROM fetch_failures f JOIN last_run l ON l.source_id = f.source_id AND l.run_id = f.run_id
    GROUP BY ALL
), fails AS (
    SELECT source_id, sum(n)::BIGINT AS n, map_from_entries(list((reason, n) ORDER BY reason)) AS by_reason
    FROM fail_counts GROUP BY source_id
), totals AS (
    SELECT source_id, count(*) AS n_articles, count(*) FILTER (WHERE relevant) AS n_relevant
    FROM articles GROUP BY source_id
)
SELECT
    s.source_id,
    s.name AS source_name,
    s.region,
    l.n_runs,
    l.run_id AS last_run_id,
    l.started_at AS last_run_at,
    l.status AS last_run_status,
    l.last_success_at,
    coalesce(l.n_pages, 0) AS pages_last_run,
    l.avg_pages AS avg_pages_per_run,
    coalesce(f.n, 0) AS failures_last_run,
    f.by_reason AS failures_by_reason,
    coalesce(t.n_articles, 0) AS n_articles,
    coalesce(t.n_relevant, 0) AS n_relevant
FROM sources s
LEFT JOIN last_run l USING (source_id)
LEFT JOIN fails f USING (source_id)
LEFT JOIN totals t USING (source_id);
COMMENT ON VIEW v_source_health IS 'Per outlet: last crawl, last success, pages per run and failures by reason, to spot a broken source.';
COMMENT ON COLUMN v_source_health.source_id IS 'Outlet id.';
COMMENT ON COLUMN v_source_health.source_name IS 'Outlet name.';
COMMENT ON COLUMN v_source_health.region IS 'Home region of the outlet.';
COMMENT ON COLUMN v_source_health.n_runs IS 'Crawl runs that covered the outlet.';
COMMENT ON COLUMN v_source_health.last_run_id IS 'Latest crawl run covering the outlet.';
COMMENT ON COLUMN v_source_health.last_run_at IS 'Start of that run (UTC).';
COMMENT ON COLUMN v_source_health.last_run_status IS 'Status of that run ("running" if it was killed).';
COMMENT ON COLUMN v_source_health.last_success_at IS 'End of the latest run that stored pages for the outlet (or ended "ok").';
COMMENT ON COLUMN v_source_health.pages_last_run IS 'New pages stored by the latest run.';
COMMENT ON COLUMN v_source_health.avg_pages_per_run IS 'Average new pages per run.';
COMMENT ON COLUMN v_source_health.failures_last_run IS 'Failed URLs in the latest run.';
COMMENT ON COLUMN v_source_health.failures_by_reason IS 'Failed URLs in the latest run by reason code (MAP reason -> count).';
COMMENT ON COLUMN v_source_health.n_articles IS 'Articles stored for the outlet.';
COMMENT ON COLUMN v_source_health.n_relevant IS 'Relevant articles stored for the outlet.';
