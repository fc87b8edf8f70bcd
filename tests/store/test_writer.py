"""The writer: idempotent on canonical URL, transactional, migrations recorded."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap

import duckdb
import pytest

from store.db import connect
from store.migrate import available_migrations
from store.writer import Writer
from tests.store.helpers import SOURCES, make_failure, make_page
from veille.errors import SchemaTooNewError, StoreError

TEXT = (
    "Chârost : un médecin solidaire chaque semaine\n\n"
    "La commune accueille depuis lundi des médecins bénévoles qui se relaient."
)


def test_save_pages_is_idempotent(tmp_path):
    db = tmp_path / "v.duckdb"
    pages = [make_page(f"https://ex.fr/a{i}", TEXT + f" ({i})") for i in range(3)]
    with Writer.open(db) as w:
        run = w.start_run(kind="crawl", sources=["berry"])
        assert w.upsert_sources(SOURCES) == 2
        assert w.save_pages(pages + [pages[0]]) == 3
        assert w.save_failures([make_failure("https://ex.fr/bad")]) == 1
        w.finish_run(run, status="partial", summary={"sources": {"berry": {"fetched": 3}}})
    with Writer.open(db) as w:
        assert w.known_urls("berry") == {p.url for p in pages}
        assert w.known_urls("montagne") == set()
        w.upsert_sources(SOURCES)
        assert w.save_pages(pages) == 0
        w.save_failures([make_failure("https://ex.fr/bad")])
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM fetch_failures").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 2
    body, codec = con.execute(
        "SELECT body, body_codec FROM pages WHERE url = 'https://ex.fr/a0'"
    ).fetchone()
    assert codec == "gzip" and gzip.decompress(body) == pages[0].body
    status, summary = con.execute("SELECT status, summary FROM crawl_runs").fetchone()
    assert status == "partial" and '"fetched": 3' in summary
    text, published = con.execute(
        "SELECT text, published FROM articles WHERE url LIKE '%a1'"
    ).fetchone()
    assert text == pages[1].article.text and str(published) == "2024-04-05"
    names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall()]
    assert names == [m.name for m in available_migrations()]


def test_page_without_article_is_kept_with_its_error(tmp_path):
    from dataclasses import replace

    page = replace(make_page("https://ex.fr/x", TEXT), article=None, clean_error="empty")
    with Writer.open(tmp_path / "v.duckdb") as w:
        assert w.save_pages([page]) == 1
        row = w.con.execute("SELECT clean_error FROM pages").fetchone()
        assert row == ("empty",)
        assert w.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "v.duckdb"
    with Writer.open(db) as w:
        w.con.execute("INSERT INTO schema_migrations VALUES ('9999_future', now()::TIMESTAMP)")
    with pytest.raises(SchemaTooNewError, match="newer version"):
        connect(db)
    with pytest.raises(SchemaTooNewError):
        connect(db, read_only=True)


def test_locked_file_gives_clear_error(tmp_path):
    db = tmp_path / "v.duckdb"
    with Writer.open(db):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("locked", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="locked by another process"):
            connect(db, retries=(0.05, 0.05))
    finally:
        holder.kill()
        holder.wait()
    connect(db, retries=(0.1, 0.5, 1.0)).close()  # lock released: opens again


def test_missing_file_read_only(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        connect(tmp_path / "nope.duckdb", read_only=True)


def test_prune_raw_bodies_keeps_relevant_and_unprocessed(tmp_path):
    from dataclasses import replace

    pages = [make_page(f"https://ex.fr/p{i}", TEXT + f" {i}") for i in range(4)]
    pages.append(
        replace(make_page("https://ex.fr/noarticle", TEXT), article=None, clean_error="empty")
    )
    with Writer.open(tmp_path / "v.duckdb") as w:
        w.save_pages(pages)
        w.con.execute(
            "UPDATE articles SET relevant = url = 'https://ex.fr/p0', pipeline_version = 'v'"
        )
        w.con.execute("UPDATE articles SET pipeline_version = NULL WHERE url = 'https://ex.fr/p3'")
        assert w.prune_raw_bodies(keep_all=True, raw_days=100_000) == 0
        assert w.prune_raw_bodies(raw_days=100_000) == 2  # p1, p2: analysed, not relevant
        kept = {
            r[0] for r in w.con.execute("SELECT url FROM pages WHERE body IS NOT NULL").fetchall()
        }
        assert kept == {"https://ex.fr/p0", "https://ex.fr/p3", "https://ex.fr/noarticle"}
        assert w.prune_raw_bodies(keep_all=True, raw_days=0) == 1  # the page without article
        assert w.con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 4
