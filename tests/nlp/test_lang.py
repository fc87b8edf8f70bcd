"""nlp.lang: stop-word language identification on the seeds and short texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.lang import detect_lang, lang_scores
from nlp.resources import load_toml

SHARED = Path(__file__).resolve().parents[3] / "shared"


def _gold() -> list[dict]:
    path = SHARED / "dev" / "seeds_gold.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("record", _gold(), ids=lambda r: r["id"])
def test_seeds(record):
    text = (SHARED / "dev" / record["file"]).read_text(encoding="utf-8")
    assert detect_lang(text) == record["lang"]


def test_seed_003_is_english():
    (path,) = (SHARED / "seeds").glob("003_*.txt")
    assert detect_lang(path.read_text(encoding="utf-8")) == "en"


@pytest.mark.parametrize(("text", "lang"), [
    ("Le médecin de Sancerre part à la retraite", "fr"),
    ("Désert médical : la Creuse salarie des médecins pour ses centres de santé", "fr"),
    ("Medical deserts: the Cher is the worst department in France", "en"),
    ("Der Arzt ist nicht in der Stadt und die Patienten warten auf einen Termin.", "de"),
    ("El médico no está en el pueblo y los pacientes esperan una cita desde hace meses.", "es"),
    ("Il medico non è più in paese e gli abitanti della valle sono preoccupati per questo.", "it"),
])
def test_short_texts(text, lang):
    assert detect_lang(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "Charenton-du-Cher", "2024 — 46,4 — 18"])
def test_unsure_is_none(text):
    assert detect_lang(text) is None


def test_scores_cover_every_shipped_language():
    assert set(lang_scores("le la the")) == set(load_toml("lang_stopwords"))
