"""History from web archives: `veille backfill warc` (WARC files, Common Crawl indexes, Dask)."""
