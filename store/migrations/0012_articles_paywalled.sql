-- Follow-ups to issues 10/13: v_articles gains `paywalled` (articles.paywalled, 0005).
-- The view is re-created with every earlier column in the same order (columns are only
-- ever added) and its COMMENTs restated, since re-creating a view drops them.

CREATE OR REPLACE VIEW v_articles AS
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
    a.pipeline_version,
    coalesce(a.paywalled, false) AS paywalled
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
COMMENT ON COLUMN v_articles.paywalled IS 'True when the page is a subscribers-only teaser (nlp/paywall.py): its text was analysed but is not the full article; never quote it as the article.';
