"""Scoring: the placed-initiative score counts (article, type, commune) as the map shows them."""

from __future__ import annotations

from nlp.evaluate import score
from veille.records import Analysis, Initiative, Span

_EV = Span(0, 5, "texte")


def _pred(*pairs: tuple[str, str | None]) -> Analysis:
    inits = tuple(Initiative(t, c, (), None, _EV) for t, c in pairs)
    return Analysis(source="x", title=None, published=None, lang="fr", initiatives=inits)


GOLD = {
    "id": "a1",
    "communes": [{"insee": "15187", "name": "Saint-Flour", "primary": True, "alt_insee": "15999"}],
    "initiatives": [
        {"type": "centre_de_sante", "commune_insee": "15187"},
        {"type": "recrutement", "commune_insee": None},
    ],
}


def test_placed_needs_the_right_commune_while_type_score_does_not():
    report = score([(GOLD, _pred(("centre_de_sante", None), ("recrutement", None)))])
    assert report["initiatives"]["f1"] == 1.0
    placed = report["placed"]
    assert (placed["tp"], placed["fp"], placed["fn"]) == (1, 1, 1)
    assert report["details"][0]["placed_missed"] == ["centre_de_sante@15187"]
    assert report["details"][0]["placed_extra"] == ["centre_de_sante@-"]


def test_placed_accepts_an_alternative_code():
    report = score([(GOLD, _pred(("centre_de_sante", "15999"), ("recrutement", None)))])
    assert report["placed"]["f1"] == 1.0
