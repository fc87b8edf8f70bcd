-- Issue 10: subscribers-only teasers, source problems, interrupted runs.

ALTER TABLE articles ADD COLUMN paywalled BOOLEAN DEFAULT false;
COMMENT ON COLUMN articles.paywalled IS 'True when the page is a subscribers-only teaser (JSON-LD isAccessibleForFree false, or a "réservé aux abonnés" marker with a short body; nlp/paywall.py): the text is analysed but is not the full article.';
CREATE TABLE url_aliases (
    url VARCHAR PRIMARY KEY,
    canonical VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE url_aliases IS 'Discovered URLs whose page is stored under another key, its <link rel="canonical"> inside the outlet''s domains (an old host that redirects, a variant): known to later crawls, so never fetched again. Not failures.';
COMMENT ON COLUMN url_aliases.url IS 'The discovered URL, canonicalised (tracking parameters removed).';
COMMENT ON COLUMN url_aliases.canonical IS 'The stored page''s URL (pages.url).';
COMMENT ON COLUMN url_aliases.source_id IS 'Outlet that listed the URL (sources.source_id).';
COMMENT ON COLUMN url_aliases.run_id IS 'Crawl run that found the alias.';
COMMENT ON COLUMN url_aliases.seen_at IS 'When the alias was found (UTC).';
COMMENT ON COLUMN crawl_runs.status IS '"running", "ok", "partial" (some sources or pages failed, or a source found nothing usable), "failed" or "interrupted" (killed; marked at the next start of the same kind).';

-- v_source_health gains the latest run's per-source problem (crawl summary "problem").
CREATE OR REPLACE VIEW v_source_health AS
WITH runs AS (
    SELECT s.source_id, r.run_id, r.started_at, r.finished_at, r.status,
           json_extract_string(json_transform(r.summary -> '$.sources', '"MAP(VARCHAR, JSON)"')[s.source_id],
                               '$.problem') AS problem
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
           avg(n_pages) AS avg_pages, count(*) AS n_runs,
           arg_max(problem, started_at) AS problem
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
    coalesce(t.n_relevant, 0) AS n_relevant,
    l.problem AS problem_last_run
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
COMMENT ON COLUMN v_source_health.last_run_status IS 'Status of that run ("running" while it runs, "interrupted" if it was killed).';
COMMENT ON COLUMN v_source_health.last_success_at IS 'End of the latest run that stored pages for the outlet (or ended "ok").';
COMMENT ON COLUMN v_source_health.pages_last_run IS 'New pages stored by the latest run.';
COMMENT ON COLUMN v_source_health.avg_pages_per_run IS 'Average new pages per run.';
COMMENT ON COLUMN v_source_health.failures_last_run IS 'Failed URLs in the latest run.';
COMMENT ON COLUMN v_source_health.failures_by_reason IS 'Failed URLs in the latest run by reason code (MAP reason -> count).';
COMMENT ON COLUMN v_source_health.n_articles IS 'Articles stored for the outlet.';
COMMENT ON COLUMN v_source_health.n_relevant IS 'Relevant articles stored for the outlet.';
COMMENT ON COLUMN v_source_health.problem_last_run IS 'Why the latest run counts as broken for the outlet even if no page failed, with what to fix (no article link found, every entry outside allowed_domains, robots.txt 5xx, TDM reservation); NULL when discovery worked.';
