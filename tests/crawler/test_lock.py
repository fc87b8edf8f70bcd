"""One crawl at a time per database."""

from __future__ import annotations

import pytest

from crawler.lock import crawl_lock, lock_path
from tests.crawler.conftest import run_veille, write_sources
from veille.errors import AlreadyRunningError


def test_second_lock_fails_at_once_and_is_released(tmp_path):
    db = tmp_path / "v.duckdb"
    with crawl_lock(db):
        with pytest.raises(AlreadyRunningError, match="another crawl is running"):
            with crawl_lock(db):
                pass
    with crawl_lock(db):  # released on exit
        assert lock_path(db).exists()


@pytest.mark.integration
def test_second_crawl_exits_75_with_a_clear_message(tmp_path):
    db = tmp_path / "v.duckdb"
    sources = write_sources(tmp_path / "s.toml", domains=["127.0.0.1"],
                            start_urls=["http://127.0.0.1:9/rss.xml"])
    with crawl_lock(db):
        proc = run_veille("crawl", "--sources", str(sources), "--db", str(db), timeout=60)
    assert proc.returncode == 75
    assert "another crawl is running" in proc.stderr
    assert not db.exists()  # the second crawl touched nothing
