-- Operations: one row per `veille nightly` run (crawl -> process -> retention -> publish).

CREATE TABLE nightly_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    exit_code INTEGER,
    crawl_run_id VARCHAR,
    stages JSON,
    errors JSON,
    host VARCHAR,
    pid INTEGER,
    log_file VARCHAR
);
COMMENT ON TABLE nightly_runs IS 'One row per `veille nightly` run: its outcome, per-stage counts and errors (see docs/operations.md).';
COMMENT ON COLUMN nightly_runs.run_id IS 'Nightly run id: UTC start time plus a random suffix, e.g. "20240407T020000Z-1a2b".';
COMMENT ON COLUMN nightly_runs.started_at IS 'Start time (UTC).';
COMMENT ON COLUMN nightly_runs.finished_at IS 'End time (UTC), written just before publishing; NULL while running or when the run was killed.';
COMMENT ON COLUMN nightly_runs.status IS '"running", "ok", "partial" (some pages or articles failed), "failed" (a stage failed) or "timeout" (time limit reached).';
COMMENT ON COLUMN nightly_runs.exit_code IS 'Exit code of the command: 0 ok, 1 failed stage, 3 partial, 124 time limit (docs/operations.md).';
COMMENT ON COLUMN nightly_runs.crawl_run_id IS 'The crawl run of this night (crawl_runs.run_id); NULL when the crawl did not start.';
COMMENT ON COLUMN nightly_runs.stages IS 'JSON per stage: {"crawl": {"status": ..., "seconds": ..., counts}, "process": {...}, "retention": {...}, "publish": {...}}.';
COMMENT ON COLUMN nightly_runs.errors IS 'JSON list of {"stage", "error"} for the stages that failed.';
COMMENT ON COLUMN nightly_runs.host IS 'Host name of the machine that ran it.';
COMMENT ON COLUMN nightly_runs.pid IS 'Process id of the run.';
COMMENT ON COLUMN nightly_runs.log_file IS 'Log file of the run (under settings.log_dir).';
