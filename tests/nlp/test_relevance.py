"""Relevance: the cheap keyword stage, the sentence splitter, the spaCy component, resources.

Fast tests on spacy.blank; the real model's accuracy is gated in test_quality_topics.py.
"""

from __future__ import annotations

import json

import pytest
import spacy

from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score, sentence_spans
from nlp.resources import load_toml, resource_names
from tests.conftest import FIXTURES, SEEDS_GOLD

TOPICS_GOLD = FIXTURES / "topics_gold.jsonl"


def _gold(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            yield rec, (path.parent / rec["file"]).read_text(encoding="utf-8")


def test_every_shipped_resource_loads():
    names = resource_names()
    assert {"relevance", "initiatives", "actors"} <= set(names)
    for name in names:
        assert isinstance(load_toml(name), dict)


def test_missing_resource_says_what_to_do():
    from veille.errors import ConfigError

    with pytest.raises(ConfigError, match="reinstall"):
        load_toml("no_such_resource")


@pytest.mark.parametrize("gold_path", [TOPICS_GOLD, SEEDS_GOLD], ids=["fixtures", "seeds"])
def test_cheap_stage_keeps_every_relevant_article(gold_path):
    for rec, text in _gold(gold_path):
        if rec["relevant"]:
            assert cheap_score(text) >= CANDIDATE_THRESHOLD, rec["id"]


def test_cheap_score_bounds_and_filters_ordinary_news():
    assert cheap_score("") == 0.0
    market = "Le marché de Noël ouvre samedi sur la place du village."
    assert cheap_score(market) < CANDIDATE_THRESHOLD
    assert 0.0 <= cheap_score("désert médical " * 500) <= 1.0
    # One passing "médecin" is not enough to pay for the spaCy stage.
    passing = "Le motard a été pris en charge par un médecin du Smur."
    assert cheap_score(passing) < CANDIDATE_THRESHOLD


def test_sentence_spans_split_lines_and_sentences_not_abbreviations():
    text = "Titre du jour\n\nLe Dr. Martin est parti. M. Dupont reste ! « Et après ? » Fin"
    parts = [text[s:e] for s, e in sentence_spans(text)]
    assert parts == ["Titre du jour", "Le Dr. Martin est parti.", "M. Dupont reste !",
                     "« Et après ? »", "Fin"]


def _blank_relevance():
    nlp = spacy.blank("fr")
    nlp.add_pipe("veille_relevance")
    return nlp


def test_component_on_blank_pipeline_separates_topic_from_traps():
    import nlp.components.relevance  # noqa: F401  (registers the factory)

    nlp = _blank_relevance()
    on_topic = nlp(
        "Désert médical : la commune cherche un médecin généraliste\n\n"
        "Depuis le départ du docteur, 2 000 patients n'ont plus de médecin traitant. "
        "La mairie a ouvert une maison de santé pour attirer des généralistes."
    )
    rally = nlp(
        "Rallye : deux Berrichonnes dans le désert\n\n"
        "Elles traversent les dunes du Sahara. Un médecin suit la caravane."
    )
    assert on_topic._.relevant is True and on_topic._.relevance > 0.9
    assert rally._.relevant is False and rally._.relevance < 0.1


def test_component_penalises_vets_and_medical_deserts_abroad():
    import nlp.components.relevance  # noqa: F401

    nlp = _blank_relevance()
    vets = nlp(
        "Pénurie de vétérinaires ruraux\n\n"
        "Les vétérinaires manquent dans le canton. Le département offre une aide à "
        "l'installation aux vétérinaires. Les praticiens sont épuisés."
    )
    belgium = nlp(
        "Déserts médicaux en Wallonie\n\n"
        "En Belgique, les médecins généralistes manquent à Chimay. La Wallonie offre une "
        "prime aux jeunes médecins. L'INAMI s'inquiète de la pénurie de généralistes."
    )
    assert vets._.relevant is False
    assert belgium._.relevant is False


def test_component_penalises_pharmacy_only_stories_and_fee_strikes():
    import nlp.components.relevance  # noqa: F401

    nlp = _blank_relevance()
    pharmacy = nlp(
        "La dernière pharmacie du bourg menacée\n\n"
        "La pharmacie du village pourrait fermer. Les pharmaciens font signer une pétition "
        "contre les déserts pharmaceutiques. Une officine sur quatre est en difficulté. "
        "Un médecin passe parfois."
    )
    strike = nlp(
        "Les généralistes en grève cette semaine\n\n"
        "Les médecins généralistes ferment leur cabinet. Ils veulent que le prix de la "
        "consultation passe de 26 à 30 euros. Les patients devront attendre."
    )
    assert pharmacy._.relevant is False
    assert strike._.relevant is False


def test_hospitalier_is_not_italy_and_a_doctors_origin_is_not_abroad():
    """Foreign places match at word starts only, and "médecin algérien" is recruitment."""
    from nlp.components.relevance import _foreign, _rules

    rules = _rules()
    text = "Le centre hospitalier accueille un médecin algérien formé à Alger."
    assert _foreign(rules, text, 0, len(text)) == 0
    text = "Au Sénégal, les médecins manquent. En Italie aussi."
    assert _foreign(rules, text, 0, len(text)) == 2


@pytest.mark.parametrize("gold_name", ["blind2", "blind3", "blind4", "blind5", "blind6"])
def test_cheap_stage_keeps_every_relevant_blind_article(gold_name):
    from tests.conftest import FIXTURES

    for rec, text in _gold(FIXTURES / f"{gold_name}_gold.jsonl"):
        if rec["relevant"]:
            assert cheap_score(text) >= CANDIDATE_THRESHOLD, rec["id"]
