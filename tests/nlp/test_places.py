"""The place linker on short texts: each hard case of issue 2, without statistical models."""

from __future__ import annotations

import pytest
import spacy

from nlp.places_linker import link_places


def codes(text: str, **kw) -> list[str]:
    return [c.insee for c in link_places(text, **kw).communes]


def test_offsets_index_the_text_exactly():
    text = ("Un médecin à Chârost\n\nLe docteur exerce à Chârost (Cher) et à la Guerche "
            "sur l'Aubois.")
    result = link_places(text)
    for link in result.communes:
        for m in link.mentions:
            assert text[m.start:m.end] == m.text
    assert [c.insee for c in result.communes] == ["18055", "18108"]
    assert [d.code for d in result.departements] == ["18"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Dans l'Yonne, le maire de Sainte-Colombe cherche un médecin.", "89339"),
    ("Le maire de Sainte-Colombe (35) cherche un médecin.", "35262"),
    ("Entre Provins et Sainte-Colombe, un seul médecin.", "77404"),
    ("Un médecin à Dorat (87), pas à Thiers.", "87059"),
    ("Un médecin s'installe à Saint-Georges, dans le Cantal.", "15188"),
])
def test_homonyms_resolved_from_context(text, expected):
    assert expected in codes(text)


def test_region_hint_breaks_ties_between_homonyms():
    text = "Le cabinet médical de Beaulieu ferme ses portes."
    assert codes(text, region_hint="84")[0] in {"07028", "15020", "38033", "43021", "63031"}
    assert codes(text, region_hint="24") == ["36015"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Dans le Cantal, Saint-Mamet et Maurs ont leur maison de santé.", "15196"),
    ("Dans le Cher, le centre de santé de Charenton est complet.", "18052"),
    ("Les patients d'Ajain, en Creuse, ont un médecin.", "23002"),
    ("Un cabinet éphémère à L'Isle-Jourdain, près de Montmorillon.", "86112"),
    ("La maison de santé du Rouget-Pers recrute.", "15268"),
    ("Le conseiller municipal de Charôst (Cher) témoigne.", "18055"),
    ("Un bus médical à Riom ès Montagnes, dans le Cantal.", "15162"),
    ("En Creuse, les urgences de Gueret et le cabinet d'Aubusons saturent.", "23008"),
    ("Dans le Cantal, la consultation rouvre à Mourjou.", "15136"),
])
def test_short_forms_variants_elisions_typos_and_delegated_communes(text, expected):
    assert expected in codes(text)


@pytest.mark.parametrize("text", [
    "Le Dr Martin et Mme Colombe reçoivent sans rendez-vous.",
    "Jean-François Colin préside l'ordre des médecins.",
    "Le docteur Saint-Martin salue le projet.",
    "La maison de santé du 12, rue de Paris ouvre, avenue de Verdun.",
    "Un ancien médecin du Paris-Dakar s'installe.",
    "Plus de médecins ? Y croire encore. Mars 2024. Bois et chauffage offerts.",
    "Sumène Artense manque de médecins.",
    "Illustration Pixabay\n/medias/image/PALAIS_JUSTICE_TULLE-format1by1.jpg",
    "Lire aussi : la pénurie s'aggrave.",
    "Le Tour de France passe devant le cabinet.",
])
def test_false_friends_are_not_communes(text):
    assert codes(text) == []


def test_a_surname_stays_a_person_but_the_place_with_a_preposition_is_kept():
    text = ("Le docteur Riom part à la retraite. Riom a soigné trois générations. "
            "Sa fille était interne à l'hôpital de Thiers, et le Dr Thiers lui succède.")
    assert codes(text) == ["63430"]


def test_departements_by_name_number_demonym_and_area():
    text = ("La Creuse (23) et le Cantal manquent de médecins. Les élus cantaliens s'inquiètent. "
            "Dans le Berry, en Haute-Vienne et dans le Nord du département, aussi.")
    deps = [d.code for d in link_places(text).departements]
    assert set(deps) == {"23", "15", "18", "36", "87"}
    assert "59" not in deps


def test_area_reading_of_a_name_shared_with_a_commune():
    assert codes("En Corrèze, la Vienne et la Creuse recrutent.") == []
    assert codes("À Vienne, l'hôpital de Vienne ouvre un centre de santé.") == ["38544"]


def test_regions_and_their_press_variants():
    text = "La Grande Région, la région Centre-Val de Loire et l'Occitanie financent."
    assert [r.code for r in link_places(text).regions] == ["84", "24", "76"]


def test_primary_is_the_headline_place_or_the_most_mentioned():
    text = ("Chârost cherche un médecin\n\nA Chârost, le Dr Babut part. "
            "Des MSP ont ouvert à Avord et Sancerre. Chârost attend.")
    result = link_places(text)
    assert [(c.insee, c.primary) for c in result.communes] == [
        ("18055", True), ("18018", False), ("18241", False)]


def test_no_primary_when_no_commune_dominates():
    text = ("Des renforts dans le Cantal\n\nLe pays de Murat, Salers et Chaudes-Aigues "
            "sont en zone rouge.")
    result = link_places(text)
    assert {c.insee for c in result.communes} == {"15138", "15219", "15045"}
    assert not any(c.primary for c in result.communes)


def test_english_text():
    text = ("Doctors for the Berry\n\nThe association opened a centre in Charenton-du-Cher (18) "
            "and in Ajain, Creuse. Dr Jardel practises in Dorat (87).")
    assert codes(text) == ["18052", "23002", "87059"]


def test_component_sets_doc_extensions_on_a_blank_pipeline():
    import nlp.components.places  # noqa: F401

    nlp = spacy.blank("fr")
    nlp.add_pipe("veille_places", config={"region_hint": "24"})
    doc = nlp("Le cabinet médical de Beaulieu ferme. La région Centre s'inquiète.")
    assert [c.insee for c in doc._.communes] == ["36015"]
    assert [r.code for r in doc._.regions] == ["24"]
    assert doc._.departements == []
    doc = nlp.make_doc("Le cabinet médical de Beaulieu ferme.")
    doc._.region_hint = "84"
    assert nlp.get_pipe("veille_places")(doc)._.communes[0].region == "84"


def test_rivers_and_institution_names_are_not_places():
    result = link_places("Les bords de la Loire et la vallée du Lot. L'hôpital Saint-Jacques "
                         "et le lycée Jean-Monnet de Besançon.")
    assert result.departements == ()
    assert [c.insee for c in result.communes] == ["25056"]


def test_a_list_of_places_at_a_sentence_start():
    text = "Les facultés\n\n« Tours, Caen, Rouen : il faut former plus », dit la ministre."
    assert codes(text) == ["37261", "14118", "76540"]


def test_short_forms_before_a_preposition_and_a_ville_suffix():
    assert "58086" in codes("Dans la Nièvre, de Cosne à Château-Chinon, six centres.")
    assert "58062" in codes("Dans la Nièvre, de Cosne à Château-Chinon, six centres.")


def test_acronyms_are_not_communes_unless_the_line_is_in_capitals():
    assert codes("Selon l'ORS et l'ARS, la situation empire.") == []
    assert codes("DAX : LE MÉDECIN PART\n\nLe cabinet ferme.") == ["40088"]


def test_towns_whose_names_are_also_rare_french_words():
    text = "Transporté au centre hospitalier de Privas puis à Murat. Lire aussi : la suite."
    assert codes(text) == ["07186", "15138"]


def test_name_glued_by_an_apostrophe_is_not_a_departement():
    # An intercommunality's coined name, not the Dordogne département.
    result = link_places("La communauté de communes Xaintrie Val'Dordogne recrute à Tulle.")
    assert [d.code for d in result.departements] == []
    assert [c.insee for c in result.communes] == ["19272"]
    # Elided articles still introduce places.
    assert codes("Un bus à L'Isle-Jourdain puis d'Ajain.")[-1] == "23002"


def test_places_on_furniture_lines_are_not_the_article_s():
    text = ("Une maison de santé à Vierzon\n\nLe chantier démarre à Vierzon.\n"
            "Lire aussi : Bourges, le marché couvert fermé pour travaux\n")
    assert codes(text) == ["18279"]
