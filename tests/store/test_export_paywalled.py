"""A subscribers-only teaser says so in the researchers' view and in the jsonl export."""

from __future__ import annotations

import dataclasses
import json

from store.export import export
from store.queries import open_readonly
from store.writer import Writer
from tests.store.helpers import SOURCES, make_page

TEASER = (
    "Maison de santé : la commune de Sancoins cherche deux généralistes\n\n"
    "Le conseil municipal a voté la rénovation de l'ancienne poste pour accueillir"
)
FULL = (
    "Un cabinet médical rouvre à Lignières\n\n"
    "Après deux ans sans médecin, un généraliste s'installe au centre du bourg en mai."
)


def test_paywalled_teaser_is_flagged_in_view_and_export(tmp_path):
    db = tmp_path / "v.duckdb"
    teaser = make_page("https://ex.fr/sancoins-teaser", TEASER)
    teaser = dataclasses.replace(
        teaser, article=dataclasses.replace(teaser.article, paywalled=True)
    )
    full = make_page("https://ex.fr/lignieres", FULL)
    with Writer.open(db) as w:
        w.upsert_sources(SOURCES)
        w.save_pages([teaser, full])
    con = open_readonly(db)
    try:
        view = dict(con.execute("SELECT url, paywalled FROM v_articles").fetchall())
        (path,) = export(con, tmp_path / "out", fmt="jsonl")
    finally:
        con.close()
    assert view == {teaser.url: True, full.url: False}
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["source"]: r["paywalled"] for r in records} == {teaser.url: True, full.url: False}
