-- Crawl side: outlets, runs, raw pages, failures, cleaned articles.

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    region VARCHAR,
    departements VARCHAR[],
    start_urls VARCHAR[],
    allowed_domains VARCHAR[],
    updated_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE sources IS 'Registry of press outlets (one row per source in the sources file), refreshed at each crawl.';
COMMENT ON COLUMN sources.source_id IS 'Stable short id of the outlet, e.g. "berry-republicain".';
COMMENT ON COLUMN sources.name IS 'Outlet name as shown to users.';
COMMENT ON COLUMN sources.region IS 'INSEE code (or name) of the outlet''s home region, used to resolve commune homonyms.';
COMMENT ON COLUMN sources.departements IS 'Département codes the outlet covers.';
COMMENT ON COLUMN sources.start_urls IS 'Feeds, sitemaps or section pages the crawl starts from.';
COMMENT ON COLUMN sources.allowed_domains IS 'Domains the crawler may follow for this outlet.';
COMMENT ON COLUMN sources.updated_at IS 'When this row was last written (UTC).';

CREATE TABLE crawl_runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    sources VARCHAR[],
    summary JSON
);
COMMENT ON TABLE crawl_runs IS 'One row per crawl / process / nightly run, with its outcome and per-source counts.';
COMMENT ON COLUMN crawl_runs.run_id IS 'Run id: UTC start time plus a random suffix, e.g. "20240407T020000Z-1a2b".';
COMMENT ON COLUMN crawl_runs.kind IS 'What ran: "crawl", "process" or "nightly".';
COMMENT ON COLUMN crawl_runs.started_at IS 'Start time (UTC).';
COMMENT ON COLUMN crawl_runs.finished_at IS 'End time (UTC); NULL while running or when the run was killed.';
COMMENT ON COLUMN crawl_runs.status IS '"running", "ok", "partial" (some sources or pages failed) or "failed".';
COMMENT ON COLUMN crawl_runs.sources IS 'Source ids the run covered.';
COMMENT ON COLUMN crawl_runs.summary IS 'JSON counts, e.g. {"sources": {"id": {"fetched": 12, "failed": 1}}}.';

CREATE TABLE pages (
    url VARCHAR PRIMARY KEY,
    final_url VARCHAR,
    source_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    status INTEGER,
    fetched_at TIMESTAMP NOT NULL,
    content_type VARCHAR,
    headers JSON,
    body BLOB,
    body_codec VARCHAR,
    body_size BIGINT,
    body_sha256 VARCHAR,
    clean_error VARCHAR
);
COMMENT ON TABLE pages IS 'Raw fetched pages, one per canonical URL (first fetch kept); the HTML is compressed.';
COMMENT ON COLUMN pages.url IS 'Canonical URL (tracking parameters removed): the deduplication key.';
COMMENT ON COLUMN pages.final_url IS 'URL after redirects.';
COMMENT ON COLUMN pages.source_id IS 'Outlet (sources.source_id).';
COMMENT ON COLUMN pages.run_id IS 'Crawl run that fetched the page (crawl_runs.run_id).';
COMMENT ON COLUMN pages.status IS 'HTTP status code.';
COMMENT ON COLUMN pages.fetched_at IS 'Fetch time (UTC).';
COMMENT ON COLUMN pages.content_type IS 'HTTP Content-Type header.';
COMMENT ON COLUMN pages.headers IS 'Selected HTTP response headers as a JSON object.';
COMMENT ON COLUMN pages.body IS 'Raw response body compressed with body_codec; NULL once dropped by the retention policy.';
COMMENT ON COLUMN pages.body_codec IS 'Compression of body: "gzip" (Python gzip.decompress) or NULL when no body is kept.';
COMMENT ON COLUMN pages.body_size IS 'Uncompressed body size in bytes.';
COMMENT ON COLUMN pages.body_sha256 IS 'SHA-256 of the uncompressed body (hex).';
COMMENT ON COLUMN pages.clean_error IS 'Why no article could be extracted from the page (NULL when it could).';

CREATE TABLE fetch_failures (
    url VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    failed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, url)
);
COMMENT ON TABLE fetch_failures IS 'URLs the crawler gave up on, one row per run and URL.';
COMMENT ON COLUMN fetch_failures.url IS 'URL that failed.';
COMMENT ON COLUMN fetch_failures.source_id IS 'Outlet (sources.source_id).';
COMMENT ON COLUMN fetch_failures.run_id IS 'Crawl run (crawl_runs.run_id).';
COMMENT ON COLUMN fetch_failures.reason IS 'Stable reason code: http_404, http_500, timeout, robots, dns, too_large...';
COMMENT ON COLUMN fetch_failures.detail IS 'Human-readable detail (exception message, status line).';
COMMENT ON COLUMN fetch_failures.failed_at IS 'When the failure happened (UTC).';

CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    url VARCHAR NOT NULL UNIQUE,
    source_id VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    title VARCHAR,
    published DATE,
    published_text VARCHAR,
    author VARCHAR,
    site_name VARCHAR,
    lang VARCHAR,
    text VARCHAR NOT NULL,
    body_start INTEGER NOT NULL,
    text_sha1 VARCHAR NOT NULL,
    relevant BOOLEAN,
    relevance DOUBLE,
    pipeline_version VARCHAR,
    processed_at TIMESTAMP
);
COMMENT ON TABLE articles IS 'Cleaned articles (one per page that yielded text) and their document-level analysis.';
COMMENT ON COLUMN articles.article_id IS 'Article id: first 16 hex digits of SHA-1 of the canonical URL.';
COMMENT ON COLUMN articles.url IS 'Canonical URL (pages.url).';
COMMENT ON COLUMN articles.source_id IS 'Outlet (sources.source_id).';
COMMENT ON COLUMN articles.fetched_at IS 'Fetch time of the page (UTC).';
COMMENT ON COLUMN articles.title IS 'Headline.';
COMMENT ON COLUMN articles.published IS 'Publication date (first day of the month when only the month is known); NULL if unknown.';
COMMENT ON COLUMN articles.published_text IS 'Publication date as extracted: "YYYY-MM-DD" or "YYYY-MM".';
COMMENT ON COLUMN articles.author IS 'Author when the page states one.';
COMMENT ON COLUMN articles.site_name IS 'Site name as the page states it.';
COMMENT ON COLUMN articles.lang IS 'ISO 639-1 language code of the text (e.g. "fr").';
COMMENT ON COLUMN articles.text IS 'Cleaned text: headline, blank line, body. All offsets in other tables index this string.';
COMMENT ON COLUMN articles.body_start IS 'Offset in text where the body starts after the headline.';
COMMENT ON COLUMN articles.text_sha1 IS 'SHA-1 of text (hex), to spot exact copies.';
COMMENT ON COLUMN articles.relevant IS 'True when the article is about access to general practice / medical desertification; NULL until processed.';
COMMENT ON COLUMN articles.relevance IS 'Relevance score in [0, 1]; NULL until processed.';
COMMENT ON COLUMN articles.pipeline_version IS 'NLP pipeline version that produced the analysis; NULL until processed.';
COMMENT ON COLUMN articles.processed_at IS 'When the analysis was written (UTC).';
