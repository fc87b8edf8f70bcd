-- Web-archive ingest (`veille backfill warc`): where each archived page was read from.

CREATE TABLE page_archive (
    url VARCHAR PRIMARY KEY,
    warc_file VARCHAR NOT NULL,
    warc_offset BIGINT NOT NULL,
    warc_length BIGINT,
    warc_record_id VARCHAR,
    warc_date TIMESTAMP,
    run_id VARCHAR NOT NULL
);
COMMENT ON TABLE page_archive IS 'Provenance of pages read from WARC files by `veille backfill warc`: one row per stored page (the copy that was kept).';
COMMENT ON COLUMN page_archive.url IS 'Canonical URL (pages.url).';
COMMENT ON COLUMN page_archive.warc_file IS 'WARC file the record was read from: local path or URL as given (or as named by the index).';
COMMENT ON COLUMN page_archive.warc_offset IS 'Byte offset of the record in the (compressed) WARC file.';
COMMENT ON COLUMN page_archive.warc_length IS 'Compressed length of the record in bytes, when known (index reads know it).';
COMMENT ON COLUMN page_archive.warc_record_id IS 'WARC-Record-ID header of the record.';
COMMENT ON COLUMN page_archive.warc_date IS 'WARC-Date of the record: when the archive fetched the page (UTC).';
COMMENT ON COLUMN page_archive.run_id IS 'Backfill run that stored it (crawl_runs.run_id).';

COMMENT ON COLUMN crawl_runs.kind IS 'What ran: "crawl", "process", "nightly", "backfill" (sitemap archives) or "warc" (web archives, with the map stage''s and merge''s counts in summary).';
