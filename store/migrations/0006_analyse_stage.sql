-- One analyse stage: pages are cleaned by `veille process` from their kept HTML, and the
-- cleaner and the analysis are versioned apart. Plus the sitemap backfill's frontier.

ALTER TABLE pages ADD COLUMN clean_version VARCHAR;
COMMENT ON COLUMN pages.clean_version IS 'Cleaner version (nlp.versions.clean_version) that last cleaned this page''s body; NULL until the analyse stage cleans it. "crawl-time": cleaned by the crawler before this stage existed; "given": text handed over by the caller.';
COMMENT ON COLUMN pages.clean_error IS 'Why the last cleaning yielded no article (NULL when it did).';
COMMENT ON COLUMN pages.body IS 'Raw response body compressed with body_codec. Kept while the page waits for the analyse stage and, after it, when the article passed the cheap relevance stage or is relevant; NULL once dropped by the retention policy (docs/cleaning.md).';

ALTER TABLE articles ADD COLUMN clean_version VARCHAR;
COMMENT ON COLUMN articles.clean_version IS 'Cleaner version that produced text (see pages.clean_version).';
ALTER TABLE articles ADD COLUMN cheap_relevance DOUBLE;
COMMENT ON COLUMN articles.cheap_relevance IS 'Keyword score of the cheap relevance stage (nlp.relevance) in [0, 1]; at or above its threshold the article is a candidate and its raw HTML is kept.';
COMMENT ON COLUMN articles.pipeline_version IS 'Analysis version (nlp.versions.analysis_version: components, resources, spaCy model) that produced the facts; NULL until analysed.';

-- Pages stored before this migration were cleaned by the crawler.
UPDATE pages SET clean_version = 'crawl-time'
WHERE clean_error IS NOT NULL OR url IN (SELECT url FROM articles);
UPDATE articles SET clean_version = 'crawl-time';

COMMENT ON COLUMN crawl_runs.kind IS 'What ran: "crawl", "backfill" (veille backfill sitemaps), "process" or "nightly".';

CREATE TABLE backfill_frontier (
    url VARCHAR PRIMARY KEY,
    source_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    lastmod DATE,
    parent VARCHAR,
    depth INTEGER NOT NULL,
    state VARCHAR NOT NULL,
    reason VARCHAR,
    added_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    run_id VARCHAR
);
COMMENT ON TABLE backfill_frontier IS 'Work list of `veille backfill sitemaps`: sitemaps and article URLs found in the outlets'' sitemap archives, and what became of each. A killed or budgeted run resumes from it.';
COMMENT ON COLUMN backfill_frontier.url IS 'Sitemap URL, or canonical article URL (pages.url once fetched).';
COMMENT ON COLUMN backfill_frontier.source_id IS 'Outlet (sources.source_id) whose archive lists it.';
COMMENT ON COLUMN backfill_frontier.kind IS '"sitemap" (an index or a sitemap, sniffed when fetched) or "article".';
COMMENT ON COLUMN backfill_frontier.lastmod IS 'Date given by the parent''s <lastmod> (or news:publication_date); NULL when the parent gave none.';
COMMENT ON COLUMN backfill_frontier.parent IS 'Sitemap that listed it; NULL for a seed.';
COMMENT ON COLUMN backfill_frontier.depth IS '0 for a seed, parent depth + 1 below.';
COMMENT ON COLUMN backfill_frontier.state IS '"pending" (to fetch), "done" (fetched and stored), "failed" (see reason), "known" (already in pages: not fetched), "undated" (article without a date: not fetched).';
COMMENT ON COLUMN backfill_frontier.reason IS 'Failure reason code (same codes as fetch_failures.reason).';
COMMENT ON COLUMN backfill_frontier.added_at IS 'When it entered the frontier (UTC).';
COMMENT ON COLUMN backfill_frontier.done_at IS 'When it left the pending state (UTC).';
COMMENT ON COLUMN backfill_frontier.run_id IS 'Backfill run that fetched it (crawl_runs.run_id, kind "backfill").';
