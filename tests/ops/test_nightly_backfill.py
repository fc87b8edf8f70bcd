"""The nightly job spends its configured page budget on the sitemap archives."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawler import fixture_site

pytestmark = pytest.mark.integration


def test_the_nightly_backfill_stage_spends_its_budget(tmp_path: Path) -> None:
    from ops.nightly import EXIT_OK, _Night
    from store.db import connect
    from veille.config import Settings

    base = fixture_site.start()
    try:
        sources = tmp_path / "s.toml"
        sources.write_text(
            '[[source]]\nid = "echo-du-berry"\nname = "Echo"\nregion = "24"\n'
            f'departements = ["18"]\nstart_urls = ["{base}/rss.xml"]\n'
            'allowed_domains = ["127.0.0.1"]\nallow_private = true\n'
            f'archive_sitemaps = ["{base}/archives/sitemap-index.xml"]\n',
            encoding="utf-8",
        )
        settings = Settings(
            db_path=str(tmp_path / "w.duckdb"),
            download_delay=0.0,
            nightly_backfill_pages=5,
            backfill_since="2024-06-01",
        )
        night = _Night(settings=settings, deadline=time.monotonic() + 300)
        night.backfill(sources, only=None, overrides={"DOWNLOAD_DELAY": 0.05})
    finally:
        fixture_site.stop()
    stage = night.stages["backfill"]
    assert stage["status"] == "ok" and stage["fetched"] == 5, night.errors
    assert stage["pending_articles"] == 3 * 7 - 5  # June to December 2024, left for later
    assert night.outcome() == ("ok", EXIT_OK)
    con = connect(settings.db_path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM pages").fetchall()[0][0] == 5
    finally:
        con.close()
