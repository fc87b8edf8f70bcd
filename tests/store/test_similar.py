"""Embeddings and `veille similar`: quality floor on the labelled set, search elsewhere only."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scripts.eval_embeddings import load_set, nn_accuracy
from store.process import write_batch
from store.similar import embed_pending, similar_to_initiative, similar_to_text
from store.writer import Writer
from tests.store.helpers import make_page
from veille.records import Analysis, CommuneLink, Initiative, Span

pytestmark = pytest.mark.models
MODEL = "veille-fr-hybrid"


def test_default_model_nearest_neighbour_floor():
    texts, types = load_set()
    result = nn_accuracy(MODEL, texts, types)
    # Measured 0.883 (docs/store.md); the target is 0.80.
    assert result["nn_same_type"] >= 0.80, result
    assert result["mean_cos_same"] > result["mean_cos_diff"]


COMMUNES = [
    ("18052", "Charenton-du-Cher", "18", "24"),
    ("23002", "Ajain", "23", "75"),
    ("15138", "Murat", "15", "84"),
    ("18050", "Chârost", "18", "24"),
]


def _store(db):
    """One article per labelled description, spread over four communes; returns initiative ids."""
    texts, types = load_set()
    pages, analyses = [], []
    for n, (text, kind) in enumerate(zip(texts, types, strict=True)):
        insee, name, dep, reg = COMMUNES[n % len(COMMUNES)]
        title = f"{name} : du nouveau pour l'accès aux soins"
        body = f"{title}\n\n{text}"
        start = len(title) + 2
        page = make_page(f"https://ex.fr/{n}", body, title=title)
        pages.append(page)
        analyses.append(
            Analysis(
                source=page.url,
                title=title,
                published="2024-04-05",
                lang="fr",
                communes=(CommuneLink(insee, name, dep, reg, True, (Span(0, len(name), name),)),),
                relevant=True,
                relevance=0.9,
                initiatives=(Initiative(kind, insee, (), None, Span(start, len(body), text)),),
            )
        )
    with Writer.open(db) as w:
        w.save_pages(pages)
        from store.ids import article_id

        write_batch(
            w.con,
            "test",
            [(article_id(p.url), a) for p, a in zip(pages, analyses, strict=True)],
            [],
        )
        assert embed_pending(w.con, model_id=MODEL) == 2 * len(
            texts
        )  # one initiative + one relevant article each
        assert embed_pending(w.con, model_id=MODEL) == 0
        return dict(
            w.con.execute("SELECT initiative_id, commune_insee FROM initiatives").fetchall()
        )


def test_similar_finds_same_type_elsewhere(tmp_path):
    db = tmp_path / "v.duckdb"
    ids = _store(db)
    with Writer.open(db) as w:
        hits = similar_to_text(
            w.con,
            "une cabine de téléconsultation dans la pharmacie du village",
            model_id=MODEL,
            k=3,
        )
        assert hits and hits[0].type == "telemedecine"
        some_id, commune = next(iter(sorted(ids.items())))
        near = similar_to_initiative(w.con, some_id, model_id=MODEL, k=5)
        assert len(near) == 5
        assert all(h.commune_insee != commune and h.initiative_id != some_id for h in near)
        assert near == sorted(near, key=lambda h: -h.score)
        with pytest.raises(Exception, match="no initiative vectors"):
            similar_to_text(w.con, "x", model_id="another-model", k=3)


def test_cli_similar_jsonl(tmp_path):
    from veille.cli import app

    db = tmp_path / "v.duckdb"
    _store(db)
    result = CliRunner().invoke(
        app,
        [
            "similar",
            "bus médical dans les hameaux",
            "--db",
            str(db),
            "-k",
            "2",
            "--format",
            "jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and {"commune_name", "published", "url", "score"} <= set(rows[0])
