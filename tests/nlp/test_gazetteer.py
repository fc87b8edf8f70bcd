"""The shipped gazetteer: every resource loads, and the records are what the COG says."""

from __future__ import annotations

import math

from nlp.gazetteer import common_word_names, load_gazetteer, normalize, normalize_tokens
from nlp.places_lexicon import load_lexicon
from nlp.resources import load_toml


def test_every_place_resource_loads():
    gaz = load_gazetteer()
    assert len(gaz.communes) > 37_000
    assert len(gaz.departements) == 101
    assert len(gaz.regions) == 18
    assert "pin" in common_word_names()
    areas = load_toml("places_areas")
    assert areas["areas"]["berry"] == ["18", "36"]
    assert set(areas) >= {"demonyms", "areas", "regions", "person_titles", "street_words",
                          "not_communes"}
    assert load_lexicon().entries  # the trie builds from both


def test_communes_carry_article_department_region_population_centroid():
    gaz = load_gazetteer()
    c = gaz.commune("15268")
    assert c is not None
    assert (c.name, c.article, c.bare_name) == ("Le Rouget-Pers", "Le", "Rouget-Pers")
    assert c.type == "COM"
    assert (c.departement, c.region) == ("15", "84")
    assert c.population > 1000
    assert c.lat is not None and c.lon is not None
    assert 44.5 < c.lat < 45.2 and 2.0 < c.lon < 2.5  # south-west Cantal
    guerche = gaz.commune("18108")
    assert guerche is not None and guerche.name == "La Guerche-sur-l'Aubois"


def test_homonyms_and_delegated_communes_are_all_there():
    gaz = load_gazetteer()
    colombes = gaz.communes_named("Sainte-Colombe")
    assert len({c.insee for c in colombes}) == 12
    mourjou = gaz.communes_named("Mourjou")
    assert [(c.insee, c.type, c.parent) for c in mourjou] == [("15136", "COMD", "15027")]
    # A déléguée may share its code with the new commune: the code lookup gives the COM.
    assert gaz.commune("15268").type == "COM"
    paris_1 = gaz.commune("75101")
    assert paris_1 is not None and paris_1.type == "ARM" and paris_1.parent == "75056"


def test_departements_and_regions():
    gaz = load_gazetteer()
    cher = gaz.departement("18")
    assert cher is not None and cher.bare_name == "Cher" and cher.region == "24"
    assert cher.population > 250_000
    assert gaz.region("84").name == "Auvergne-Rhône-Alpes"
    assert all(not math.isnan(c.lat) for c in gaz.communes if c.lat is not None)


def test_normalisation_ignores_accents_case_hyphens_and_abbreviations():
    assert normalize("La Guerche-sur-l'Aubois") == "la guerche sur l aubois"
    assert normalize("la Guerche sur l’Aubois") == "la guerche sur l aubois"
    assert normalize_tokens("St-Amand-Montrond") == ("saint", "amand", "montrond")
    assert normalize("Charôst") == normalize("Chârost")
