"""`veille_initiatives` on spacy.blank: types, communes, status, actors, evidence offsets.

Commune links are given as the `veille_places` component would set them, so these tests
do not depend on the gazetteer; the end-to-end run is in test_quality_topics.py.
"""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Doc

import nlp.components.initiatives  # noqa: F401  (registers the factory)
import nlp.components.relevance  # noqa: F401
from nlp.labels import INITIATIVE_STATUSES, INITIATIVE_TYPES
from nlp.resources import load_toml
from veille.records import CommuneLink, Span

if not Doc.has_extension("communes"):
    Doc.set_extension("communes", default=None)


@pytest.fixture(scope="module")
def pipe():
    nlp = spacy.blank("fr")
    nlp.add_pipe("veille_initiatives")
    return nlp


def _run(pipe, text: str, communes: dict[str, str] | None = None, primary: str | None = None):
    """Analyse `text`, linking each name in `communes` (name -> INSEE) at every mention."""
    doc = pipe.make_doc(text)
    links = []
    for name, insee in (communes or {}).items():
        spans = tuple(Span(m.start(), m.end(), name) for m in re.finditer(re.escape(name), text))
        links.append(CommuneLink(insee, name, insee[:2], "24", name == primary, spans))
    doc._.communes = links
    return pipe(doc)._.initiatives


def _pairs(inits):
    return {(i.type, i.commune_insee) for i in inits}


def test_rules_cover_exactly_the_label_set():
    cfg = load_toml("initiatives")
    assert set(cfg["types"]) == set(INITIATIVE_TYPES)
    assert set(cfg["status"]) == set(INITIATIVE_STATUSES)


def test_one_initiative_per_commune_named_in_the_sentence(pipe):
    text = ("Le plan régional finance les maisons de santé.\n\nDans le Cher, des MSP ont ouvert "
            "leurs portes à Avord, Mehun-sur-Yèvre, Sancerre et la Guerche.")
    inits = _run(pipe, text, {"Avord": "18018", "Mehun-sur-Yèvre": "18141", "Sancerre": "18241",
                              "Guerche": "18108"})
    assert _pairs(inits) == {("maison_de_sante", None), ("maison_de_sante", "18018"),
                             ("maison_de_sante", "18141"), ("maison_de_sante", "18241"),
                             ("maison_de_sante", "18108")}
    opened = [i for i in inits if i.commune_insee == "18018"][0]
    assert opened.status == "ouvert"
    assert opened.evidence.text.startswith("Dans le Cher, des MSP ont ouvert")


def test_follow_up_sentence_carries_the_type_to_new_communes(pipe):
    text = ("La maison de santé de Maurs est la première réalisation de la collectivité. "
            "Une deuxième structure sera livrée à l'automne à Laroquebrou.")
    inits = _run(pipe, text, {"Maurs": "15122", "Laroquebrou": "15094"})
    assert _pairs(inits) == {("maison_de_sante", "15122"), ("maison_de_sante", "15094")}
    later = [i for i in inits if i.commune_insee == "15094"][0]
    assert later.status == "projet"


def test_sentence_referring_back_takes_the_previous_commune(pipe):
    text = ("Le conseil municipal de Vatan s'est réuni lundi. "
            "Il a voté une prime d'installation de 30 000 euros pour un généraliste.")
    inits = _run(pipe, text, {"Vatan": "36230"})
    assert _pairs(inits) == {("aide_installation", "36230")}


def test_the_town_hall_acting_means_the_primary_commune(pipe):
    text = ("Chârost cherche son médecin\n\nA Chârost, le docteur part en retraite. "
            "La mairie a publié une annonce sur le Boncoin pour trouver un médecin.")
    inits = _run(pipe, text, {"Chârost": "18055"}, primary="Chârost")
    assert ("recrutement", "18055") in _pairs(inits)
    rec = [i for i in inits if i.type == "recrutement"][0]
    assert "Commune" in rec.actors


def test_a_commune_less_restatement_without_actor_is_folded_into_the_local_one(pipe):
    text = ("Trouver un généraliste par petites annonces, le pari d'un village. "
            "A Sancoins, une annonce pour un médecin a été publiée sur leboncoin.")
    assert _pairs(_run(pipe, text, {"Sancoins": "18242"})) == {("recrutement", "18242")}


def test_national_measures_have_no_commune_and_their_actor(pipe):
    text = ("Le gouvernement a présenté sa proposition de loi sur la régulation de l'installation "
            "des médecins. Les internes pourront faire leur stage en zone rurale.")
    inits = _run(pipe, text)
    assert _pairs(inits) == {("regulation", None), ("formation_internes", None)}
    reg = [i for i in inits if i.type == "regulation"][0]
    assert reg.actors == ("Gouvernement",)


@pytest.mark.parametrize("text, expected", [
    ("Une cabine de téléconsultation a été installée à la pharmacie.", {"telemedecine"}),
    ("Le médicobus s'arrête chaque mardi sur la place.", {"cabinet_mobile"}),
    ("La CPTS a recruté deux infirmières en pratique avancée.", {"exercice_coordonne"}),
    ("Des médecins retraités se relaient chaque semaine au cabinet.", {"temps_partage"}),
    ("Le centre de santé départemental emploie six médecins salariés.", {"centre_de_sante"}),
    ("Une pétition pour garder un médecin a recueilli 3 000 signatures.", {"mobilisation"}),
    ("Quatre médecins diplômés hors Union européenne (Padhue) exercent à l'hôpital.",
     {"recrutement"}),
    # Other senses of the words must stay silent.
    ("Le patient souffre d'une maladie relevant de la médecine interne.", set()),
    ("Une pétition contre le parc éolien circule au village.", set()),
    ("Les patients passeront par la plateforme de régulation du 15.", set()),
])
def test_types_and_their_traps(pipe, text, expected):
    assert {i.type for i in _run(pipe, text)} == expected


# Vocabulary families added in the generalisation round (docs/initiatives.md): the same
# act in the words regional journalists use, not only the administrative term.
@pytest.mark.parametrize("text, expected", [
    ("Les deux praticiens salariés par la municipalité consultent depuis lundi.",
     {"centre_de_sante"}),
    ("Le généraliste, employé par la Mutualité, consulte au centre médical.", {"centre_de_sante"}),
    ("La commune offrira six mois de loyer au médecin repreneur.", {"aide_installation"}),
    ("Le Département prévoit des logements meublés pour les jeunes médecins.",
     {"aide_installation"}),
    ("Un contrat de début d'exercice garantit un revenu au jeune médecin.", {"aide_installation"}),
    ("Retraité, le docteur consulte désormais les mardis et jeudis à la mairie.",
     {"cabinet_mobile"}),
    ("The GP splits her week between the two islands.", {"cabinet_mobile"}),
    ("Les pharmaciens formés peuvent réaliser un test rapide et délivrer des antibiotiques "
     "en cas d'angine.", {"exercice_coordonne"}),
    ("Un protocole permet aux infirmiers de renouveler les ordonnances des patients.",
     {"exercice_coordonne"}),
    ("Le médecin le reçoit à distance, par écran interposé, depuis la pharmacie.",
     {"telemedecine"}),
    ("Le maire a confié à une société spécialisée la recherche d'un remplaçant du médecin.",
     {"recrutement"}),
    ("Le village offers a rent-free house to lure a family doctor.",
     {"aide_installation", "recrutement"}),
    ("Le collectif a réuni 2 300 signatures pour garder un médecin.", {"mobilisation"}),
    ("Craon est désormais classé en zone d'intervention prioritaire pour les médecins.",
     {"regulation"}),
    # ... and their traps.
    ("Des médecins venus de toute la France se relaient au cabinet.", {"temps_partage"}),
    ("Des médecins libéraux se relaient au centre de régulation du 15.", set()),
    ("Les vacanciers aussi cherchent un docteur.", set()),
    ("À Nevers, la maison médicale de garde a fermé.", set()),
    ("Le médecin reçoit dans une salle de consultation de la mairie.", set()),
])
def test_vocabulary_families(pipe, text, expected):
    assert {i.type for i in _run(pipe, text)} == expected


# Real-press round (docs/initiatives.md): patterns of journalistic French seen on a blind
# set of regional articles, each written here in our own words.
@pytest.mark.parametrize("text, expected", [
    ("Le conseil départemental a choisi de salarier pendant deux ans trois généralistes.",
     {"centre_de_sante"}),
    ("La mairie prête une salle de l'ancienne école à une jeune médecin pour qu'elle s'installe.",
     {"aide_installation"}),
    ("La commune va construire deux cabinets et les mettre à disposition des praticiens.",
     {"aide_installation"}),
    ("Le maire met aussi à disposition un studio pour loger le futur médecin.",
     {"aide_installation"}),
    ("Des subventions de la Région visent à faciliter l'installation de généralistes.",
     {"aide_installation"}),
    ("L'adjointe cherchait de nouveaux médecins depuis des mois.", {"recrutement"}),
    ("Les généralistes retraités du cabinet travaillent par roulement d'une demi-journée.",
     {"temps_partage"}),
    ("Trois matinées par semaine, le bourg accueille des permanences de deux médecins.",
     {"cabinet_mobile"}),
    ("Les futurs médecins pourront faire l'intégralité de leurs études de médecine en Corse.",
     {"formation_internes"}),
    ("Le ministère a publié une liste de 120 zones prioritaires pour les médecins.",
     {"regulation"}),
    ("La ministre a signé un pacte territoire-santé contre les déserts médicaux.",
     {"regulation"}),
    # ... and their traps.
    ("Un patient témoigne avec émotion de son attente chez le médecin.", set()),
    ("La vidéo promotionnelle du village vante son cadre aux jeunes médecins.", set()),
    ("Pour les attirer, le bourg organise des rassemblements festifs entre soignants.", set()),
    ("Une pétition pour attirer l'attention de l'ARS sur le départ du médecin circule.",
     {"mobilisation"}),
    ("Trouver un généraliste, ce n'est pas simple ici, soupire une patiente.", set()),
    ("Les médecins sont salariés par l'entreprise qui loue les cabines au pharmacien.", set()),
    ("Le village a des atouts, avec sa maison de santé où exercent déjà trois infirmières.",
     set()),
    ("Il est médecin coordinateur des centres municipaux de santé du territoire.", set()),
    ("La directrice du centre communal d'action sociale réunit les aides à domicile.", set()),
    ("L'antenne est rattachée au centre de santé départemental, qui a recruté dix médecins.",
     set()),
    # A "centre médical" is premises for private doctors unless it salaries them (GUIDE).
    ("Le bourg a bâti un centre médical, mais aucun généraliste ne s'y est présenté.", set()),
    ("Le projet de téléconsultation, lancé par la CPTS du canton, démarre en mai.",
     {"telemedecine"}),
    ("Le cabinet est prêt, mais le village n'a pas encore trouvé la perle rare.",
     {"recrutement"}),
])
def test_real_press_patterns(pipe, text, expected):
    assert {i.type for i in _run(pipe, text)} == expected


def test_a_road_between_towns_and_the_doctors_home_town_are_not_where_it_happens(pipe):
    road = "Sur la route entre Vierzon et Bourges, des panneaux cherchent un médecin pour Mehun."
    inits = _run(pipe, road, {"Vierzon": "18279", "Bourges": "18033", "Mehun": "18141"})
    assert _pairs(inits) == {("recrutement", "18141")}
    visits = "Deux matinées par semaine, Lury accueille les permanences des médecins de Vierzon."
    inits = _run(pipe, visits, {"Lury": "18133", "Vierzon": "18279"})
    assert _pairs(inits) == {("cabinet_mobile", "18133")}


def test_typographic_apostrophes_and_attached_sites(pipe):
    text = ("Une antenne du centre de santé départemental ouvre à Givry. "
            "Elle est rattachée au centre de Chalon, qui salarie déjà douze médecins. "
            "Le Département verse aussi une aide à l’installation.")
    inits = _run(pipe, text, {"Givry": "71221", "Chalon": "71076"})
    assert ("centre_de_sante", "71221") in _pairs(inits)
    assert ("centre_de_sante", "71076") not in _pairs(inits)
    assert "aide_installation" in {i.type for i in inits}


def test_paris_named_for_an_arrondissement_story_is_the_arrondissement(pipe):
    text = ("Paris 20e: des généralistes retraités à la rescousse\n\n"
            "À Paris, une vingtaine de médecins se relaient chaque semaine au centre.")
    inits = _run(pipe, text, {"Paris 20e": "75120", "Paris": "75056"}, primary="Paris 20e")
    assert _pairs(inits) == {("temps_partage", "75120")}


def test_a_landmark_named_by_compass_direction_is_not_where_it_happens(pipe):
    text = "Le département a inauguré une antenne du centre de santé à Cluny, au nord de Mâcon."
    inits = _run(pipe, text, {"Cluny": "71137", "Mâcon": "71270"})
    assert _pairs(inits) == {("centre_de_sante", "71137")}


def test_a_bare_read_also_heading_hides_the_next_line(pipe):
    text = ("Le maire de Mirande a pris un arrêté anti-désert médical.\n"
            "Lire aussi\n"
            "Auch : la maison de santé affiche complet")
    assert {i.type for i in _run(pipe, text)} == {"mobilisation"}


def test_volunteer_health_centres_are_temps_partage_not_salaried_centres(pipe):
    text = ("L'association Médecins Solidaires ouvre un centre de santé à Boussac. "
            "Le centre de santé accueille un nouveau médecin chaque semaine.")
    assert {i.type for i in _run(pipe, text, {"Boussac": "23031"})} == {"temps_partage"}


def test_status_is_the_cue_nearest_to_the_trigger(pipe):
    text = ("Le dernier médecin a fermé son cabinet il y a un an ; "
            "une maison de santé va ouvrir en 2026.")
    (msp,) = _run(pipe, text)
    assert msp.status == "projet"
    (closed,) = _run(pipe, "La maison de santé a fermé ses portes faute de médecins.")
    assert closed.status == "ferme"


def test_evidence_offsets_slice_the_text(pipe):
    text = ("  Titre : un bus médical à Culan\n\nDepuis lundi, le bus médical du Département "
            "s'arrête à Culan.   Les patients apprécient la télémédecine. ")
    inits = _run(pipe, text, {"Culan": "18083"})
    assert inits
    for i in inits:
        assert text[i.evidence.start:i.evidence.end] == i.evidence.text
        assert i.evidence.text == i.evidence.text.strip()


def test_furniture_and_reader_comments_report_nothing(pipe):
    text = ("Le docteur Morel part en retraite sans successeur.\n"
            "Lire aussi : une maison de santé ouvre à Vierzon\n"
            "Commentaires (2)\n"
            "Il faudrait une pétition et un bus médical !")
    assert _run(pipe, text) == []


def test_missing_commune_extension_values_are_tolerated(pipe):
    doc = pipe.make_doc("Une maison de santé ouvrira à Lormes.")
    doc._.communes = None
    assert _pairs(pipe(doc)._.initiatives) == {("maison_de_sante", None)}


def test_off_topic_documents_report_no_initiative():
    nlp = spacy.blank("fr")
    nlp.add_pipe("veille_relevance")
    nlp.add_pipe("veille_initiatives")
    doc = nlp("Rallye dans le désert\n\nLes concurrents traversent le Sahara en camion. "
              "Une pétition demande une nouvelle étape dans les dunes.")
    assert doc._.relevant is False
    assert doc._.initiatives == []


def _strings(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str) and key != "name":
        yield node


def test_rules_are_written_in_lowercase():
    """The rules run case-sensitively on the lowercased text (speed): an uppercase
    letter in a pattern could never match (escapes such as \\W aside)."""
    for name in ("initiatives", "actors"):
        for pattern in _strings(load_toml(name)):
            assert re.sub(r"\\.", "", pattern) == re.sub(r"\\.", "", pattern).lower(), pattern
