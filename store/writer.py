"""The one writer of the working DuckDB file (crawl, process and nightly go through it).

CONTRACT (implemented by the store stage; the crawler codes against it):

    with Writer.open(db_path) as w:           # applies migrations, takes the file lock
        run_id = w.start_run(kind="crawl", sources=[...])
        seen = w.known_urls(source_id)        # canonical URLs already stored
        w.save_pages(pages: list[FetchedPage])        # idempotent on canonical URL
        w.save_failures(failures: list[FetchFailure])
        w.finish_run(run_id, status="ok"|"failed"|"partial", summary={...})
"""
