"""Migrations: upgrade from a file made by the previous schema; documented views; schema.md."""

from __future__ import annotations

import duckdb

from store.db import connect
from store.migrate import applied_migrations, apply_migrations, available_migrations
from store.queries import PUBLIC_VIEWS
from store.schema_doc import SCHEMA_MD, describe, schema_markdown


def test_migrations_are_numbered_and_recorded(tmp_path):
    names = [m.name for m in available_migrations()]
    assert names == sorted(names) and names[0].startswith("0001_")
    con = connect(tmp_path / "v.duckdb")
    assert applied_migrations(con) == names
    assert apply_migrations(con) == []  # nothing left to do
    con.close()


def test_upgrade_from_first_schema_keeps_data(tmp_path):
    """A file written by the first schema only (the crawl tables) upgrades in place."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    assert apply_migrations(con, upto="0001_crawl") == ["0001_crawl"]
    con.execute(
        "INSERT INTO sources VALUES "
        "('berry', 'Le Berry', '24', ['18'], [], [], TIMESTAMP '2024-01-01')"
    )
    con.execute(
        "INSERT INTO articles (article_id, url, source_id, fetched_at, title, published, text, "
        "body_start, text_sha1) VALUES ('a1', 'https://ex.fr/a1', 'berry', "
        "TIMESTAMP '2024-04-06 02:00', 'Titre', DATE '2024-04-05', "
        "'Titre\n\nCorps du texte.', 7, 'x')"
    )
    con.close()

    con = connect(db)  # a writer applies what is missing
    assert applied_migrations(con) == [m.name for m in available_migrations()]
    row = con.execute(
        "SELECT article_id, title, story_id, source_name, week FROM v_articles"
    ).fetchall()
    assert row == [("a1", "Titre", "sa1", "Le Berry", __import__("datetime").date(2024, 4, 1))]
    con.close()


def test_every_public_view_and_column_is_documented(tmp_path):
    con = connect(tmp_path / "v.duckdb")
    info = describe(con)
    con.close()
    views = {name: (comment, cols) for name, comment, cols in info["views"]}
    assert set(PUBLIC_VIEWS) <= set(views)
    for name, (comment, cols) in views.items():
        assert comment, f"view {name} has no COMMENT"
        missing = [c for c, _, text in cols if not text]
        assert not missing, f"undocumented columns in {name}: {missing}"
    for name, comment, cols in info["tables"]:
        assert comment, f"table {name} has no COMMENT"
        assert all(text for _, _, text in cols), f"undocumented columns in table {name}"


def test_schema_md_is_up_to_date():
    assert SCHEMA_MD.read_text(encoding="utf-8") == schema_markdown(), (
        "store/schema.md is stale: run .venv/bin/python scripts/gen_schema_md.py"
    )
