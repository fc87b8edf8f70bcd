-- Issue 15: how each page's bytes were decoded (declared charset, codec used, why), and the nightly's new stages.

ALTER TABLE pages ADD COLUMN charset_declared VARCHAR;
ALTER TABLE pages ADD COLUMN charset_used VARCHAR;
ALTER TABLE pages ADD COLUMN charset_reason VARCHAR;
COMMENT ON COLUMN pages.charset_declared IS 'Charset the page declared (HTTP header, else <meta charset>), as written; NULL when none or when cleaning failed.';
COMMENT ON COLUMN pages.charset_used IS 'Codec the text was decoded with (Python name, e.g. "utf-8", "cp1252"); NULL when cleaning failed.';
COMMENT ON COLUMN pages.charset_reason IS 'Why: "declared", "utf8_over_declared" (valid multi-byte UTF-8 wins over a single-byte declaration), "declared_invalid", "undeclared", "bom", "utf16_guess", "detected"; "+mojibake_repaired" when double-encoded UTF-8 was undone.';

-- The nightly run now has its own stories and embeddings stages (issue 15).
COMMENT ON COLUMN nightly_runs.stages IS 'JSON per stage: {"crawl": {"status": ..., "seconds": ..., counts}, "process": {...}, "stories": {"changed"}, "embeddings": {"model", "embedded"}, "retention": {"dropped", "kept"}, "publish": {...}}.';
