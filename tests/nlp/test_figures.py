"""The `veille_figures` component on short texts (blank French pipeline: fast, no model)."""

from __future__ import annotations

import pytest
import spacy

from nlp.components.figures import FigureExtractor, extract_figures, load_rules
from nlp.labels import FIGURE_KINDS


@pytest.fixture(scope="module")
def blank_nlp():
    nlp = spacy.blank("fr")
    nlp.add_pipe("veille_figures")
    return nlp


def kinds_values(text: str, *, lang: str = "fr") -> list[tuple[str, float]]:
    figures = extract_figures(text, lang=lang)
    for f in figures:
        assert text[f.start : f.end] == f.text
        assert f.unit == FIGURE_KINDS[f.kind][0]
    return [(f.kind, f.value) for f in figures]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Chârost, 1000 habitants, le Dr Babut part.", [("habitants", 1000)]),
        ("La région compte un médecin pour 750 habitants.", [("densite", 133.33)]),
        ("On compte 46,4 généralistes pour 100 000 habitants.", [("densite", 46.4)]),
        ("Et 124,2 pour 100 000 habitants dans la région.", [("densite", 124.2)]),
        ("Nous sommes à 3 médecins pour 10 000 habitants.", [("densite", 30)]),
        ("Il y a 1 500 habitants par médecin.", [("densite", 66.67)]),
        ("La commune est sans médecin depuis deux ans.", [("duree", 730)]),
        ("Il faut attendre six mois pour un rendez-vous.", [("duree", 182.5)]),
        ("Des missions d'une semaine sont proposées.", [("duree", 7)]),
        ("A bientôt 70 ans, le Dr Babut reste très sollicité.", [("age", 70)]),
        ("Le Dr Martin, âgé de 32 ans, s'installe.", [("age", 32)]),
        ("Le Dr Lemoine, 71 ans, ferme son cabinet.", [("age", 71)]),
        ("La Région a engagé 2 millions d'euros.", [("montant", 2_000_000)]),
        ("Un budget de 3 M€ et une prime de 50 k€.", [("montant", 3_000_000), ("montant", 50_000)]),
        ("Rémunérés 1 000 euros nets par semaine.", [("montant", 1000)]),
        ("Avec 9 % des patients sans médecin traitant.", [("pourcentage", 9)]),
        ("Au total, quarante-deux MSP sont ouvertes. Treize autres devraient voir le jour.",
         [("structures", 42), ("structures", 13)]),
        ("Six centres de santé ouvriront.", [("structures", 6)]),
        ("Deux binômes volontaires seraient envisagés, puis quatre.",
         [("medecins", 2), ("medecins", 4)]),
        ("La Grande Région embauche 2 généralistes.", [("medecins", 2)]),
        ("Plus lus de 80 professionnels de santé exercent ici.", [("medecins", 80)]),
        ("Le Dr Babut renouvelle les ordonnances. Rien que mardi, il en verra trente-huit.",
         [("consultations", 38)]),
        ("Depuis leur installation, plus de 500 consultations ont été réalisées.",
         [("consultations", 500)]),
        ("Environ 300 rendez-vous par mois.", [("consultations", 300)]),
        ("Et 900 patients se sont inscrits.", [("patients", 900)]),
        ("6 millions de Français sont sans médecin traitant.", [("patients", 6_000_000)]),
        ("Le confrère le plus proche est à 30 kilomètres de Bourges.", [("distance", 30)]),
        ("Une centaine de patients attendent.", [("patients", 100)]),
        ("Sur les 120 généralistes du département, dont 45 libéraux.",
         [("medecins", 120), ("medecins", 45)]),
        ("Une commune de 2000 habitants, fondée en 1850.", [("habitants", 2000)]),
        ("Un habitant sur dix n'a pas de médecin traitant.", [("pourcentage", 10)]),
        ("Selon la pharmacienne, 9 patients sur 10 reviennent.", [("pourcentage", 90)]),
        ("Sur le secteur, trois des cinq médecins ont plus de 62 ans.",
         [("medecins", 3), ("medecins", 5), ("age", 62)]),
        ("La mairie cherche un médecin depuis deux ans.", [("duree", 730)]),
        # GUIDE: the term of a help or contract is not an access duration.
        ("Le logement est offert pendant deux ans au médecin.", []),
        ("Il exerce depuis 35 ans à Figeac.", []),
        ("Les étudiants s'engagent à exercer cinq ans dans le département.", []),
        ("Le cabinet est vide depuis six mois.", [("duree", 182.5)]),
        ("On compte 8 généralistes pour 12 000 habitants.",
         [("densite", 66.67), ("medecins", 8), ("habitants", 12000)]),
        ("La consultation coûte entre 300 et 400 euros.", [("montant", 300)]),
        ("Il reste un seul généraliste et une quinzaine d'infirmiers.", [("medecins", 1)]),
        ("Un bassin de vie de 20 000 personnes, une ville de 12.500 habitants.",
         [("habitants", 20000), ("habitants", 12500)]),
        ("Un médecin bénévole vient deux jours par mois.", [("duree", 2)]),
        ("Aucun médecin ne veut venir exercer ici depuis deux ans.", [("duree", 730)]),
        ("Installé depuis 30 ans, il part sans successeur.", []),
        ("Un pôle santé est à l'étude. L'étude, financée à 80 % par l'Etat, démarre.",
         [("pourcentage", 80)]),
        ("On trouve un rendez-vous en moins d'une semaine.", [("duree", 7)]),
        ("Les volontaires se relaient pour une semaine chacun.", [("duree", 7)]),
        ("Les généralistes libéraux sont 118.", [("medecins", 118)]),
        ("Le Dr Martin reçoit ses patients. Elle a 34 ans.", [("age", 34)]),
        ("Le bâtiment a coûté 1\u202f650\u202f000\u00a0€.", [("montant", 1_650_000)]),
        ("La commune compte 8.200 habitants.", [("habitants", 8200)]),
        ("On compte 68 généralistes pour 100 000 habitants, contre 85 en France.",
         [("densite", 68), ("densite", 85)]),
        # Real-press patterns (written by us): shared scales, doctors' age ranges, compared
        # averages and decimals.
        ("Le salaire proposé va de quatre à cinq mille euros nets.", [("montant", 4000)]),
        ("Le projet coûtera entre 2 et 3 millions d'euros.", [("montant", 2_000_000)]),
        ("Sept généralistes âgés de 64 à 71 ans assurent les gardes.",
         [("medecins", 7), ("age", 64)]),
        ("Le canton compte 52 généralistes pour 100 000 habitants, contre une moyenne "
         "régionale de 88.", [("densite", 52), ("densite", 88)]),
        ("La maison de santé regroupe 14 professionnels : infirmiers, kinés.",
         [("medecins", 14)]),
        ("L'Etat veut ouvrir 3000 maisons France Santé.", [("structures", 3000)]),
        ("Le village attend un médecin. L'annonce publiée il y a un an est restée sans "
         "réponse.", [("duree", 365)]),
        ("Deux ans et demi qu'ils n'ont plus de médecin traitant.", [("duree", 912.5)]),
        ("Faute de généralistes, la mairie voudrait en recruter trois.", [("medecins", 3)]),
        ("Le département compte 61 cabinets de généralistes pour 100 000 habitants.",
         [("densite", 61)]),
        ("Le canton comptait 14 généralistes en 2012, 9 aujourd'hui.",
         [("medecins", 14), ("medecins", 9)]),
        ("Le nombre de généralistes est passé de 11 à 6.", [("medecins", 11), ("medecins", 6)]),
        ("Il n'y a plus qu'un généraliste au village.", [("medecins", 1)]),
        ("Il reste un seul médecin, contre cinq il y a trente ans.",
         [("medecins", 1), ("medecins", 5)]),
        ("Les généralistes partent un à un. Ils ne sont que trois.", [("medecins", 3)]),
        ("Nous ne sommes plus que deux médecins, dit le Dr Roux.", [("medecins", 2)]),
        ("Le bourg avait quatre médecins. Il n'en reste qu'un.",
         [("medecins", 4), ("medecins", 1)]),
        ("Les médecins du canton vieillissent. Parmi eux, cinq partiront bientôt.",
         [("medecins", 5)]),
        ("Le canton compte une vingtaine de médecins pour 30 000 habitants.",
         [("densite", 66.67), ("medecins", 20), ("habitants", 30000)]),
        ("L'aide de 2 000 euros par mois est versée pendant trois ans.", [("montant", 2000)]),
        ("Les généralistes du canton, dont quatre partiront bientôt, sont débordés.",
         [("medecins", 4)]),
        ("Les patients attendent en moyenne 45 jours pour un rendez-vous.", [("duree", 45)]),
        ("Cela fait huit mois que le cabinet est vide.", [("duree", 243.33)]),
        ("Le Dr Roux laisse une patientèle de 2 100 personnes.", [("patients", 2100)]),
        ("Depuis l'ouverture, 700 personnes se sont inscrites au centre de santé.",
         [("patients", 700)]),
        ("Les généralistes partent. Ils sont une quinzaine à exercer encore.",
         [("medecins", 15)]),
        ("Faute de médecin depuis le départ du Dr Roux il y a trois ans, le bourg attend.",
         [("duree", 1095)]),
        ("Un généraliste y consultera une journée par semaine.", [("duree", 1)]),
        ("Médecins, kinés, infirmiers : 90 professionnels ont rejoint la CPTS.",
         [("medecins", 90)]),
        ("Il faut un médecin traitant pour les 12 000 Creusois qui n'en ont plus.",
         [("patients", 12000)]),
        ("Les médecins du secteur ont un âge moyen de 57,2 ans (contre 51,6 en France).",
         [("age", 57.2), ("age", 51.6)]),
    ],
)
def test_french_figures(text: str, expected: list[tuple[str, float]]) -> None:
    got = kinds_values(text)
    assert [k for k, _ in got] == [k for k, _ in expected]
    for (_, v), (_, w) in zip(got, expected, strict=True):
        assert v == pytest.approx(w, rel=0.01)


@pytest.mark.parametrize(
    "text",
    [
        "Il partira le 31 décembre 2024.",
        "Début 2012, la Région a lancé un plan urgence santé.",
        "Renseignements au 02 48 12 34 56 ou au 15.",
        "Mairie, place de l'Eglise, 18000 Bourges.",
        "A Charenton-du-Cher (18), le dernier médecin est parti.",
        "Commentaires(0)",
        "Aujourd'hui\n    1°C",
        "Copyright © MagCentre 2012-2024",
        "Conformément à l'article 10 du décret du 29 octobre 2009, signalez tout contenu.",
        "Le troisième centre de santé a ouvert le 1er août.",
        "Le médecin est venu avec sa fille de 6 ans.",
        "Les enfants de 3 à 6 ans verront le médecin scolaire.",
        "La liste du maire a obtenu 52 % des voix.",
        "Publié le 5 septembre 2025 à 8h11 par la rédaction",
        "/t:r(unknown)/fit-in/1100x2000/filters:format(webp)/medias/image.jpg)",
        "Un médecin généraliste et une infirmière.",
        "Près de 300 personnes ont assisté à la réunion publique.",
        "Les médecins de plus de 60 ans partiront bientôt.",
        "Une pétition a recueilli 1 800 signatures.",
        "Le bâtiment de 600 m² est à 25 minutes de la ville.",
        "Le Dr Vidal est maître de stage depuis dix ans.",
        "Le centre est ouvert pendant cinquante semaines chaque année.",
        "Abonnez-vous pour 1 euro le premier mois.",
        "Nous avons reçu 300 appels en une semaine.",
        "Une patiente de 82 ans attend depuis le 1er janvier.",
        # rooms of one building, students, careers and retirements (real-press patterns)
        "La mairie construit un bâtiment de quatre cabinets médicaux.",
        "Le pôle réserve deux des cinq cabines à un généraliste.",
        "Le doyen a réuni une quarantaine de futurs médecins.",
        "J'étais généraliste depuis 38 ans quand j'ai fermé.",
        "Il était à la retraite depuis deux ans quand la mairie l'a appelé.",
        "Le département va salarier pendant quatre ans des médecins.",
        "Il y a deux ans, le maire a inauguré la salle des fêtes.",
        "Des milliers d'habitants attendent un généraliste.",
        "Paul, 41 ans, sort de chez le médecin avec une ordonnance.",
        "Le maire, élu depuis douze ans, cherche un médecin.",
        "Depuis deux semaines, la salle d'attente du nouveau médecin ne désemplit pas.",
        "La commune compte deux cabinets infirmiers et trois centres de secours.",
        "Le médecin a été recruté pour une durée de trois ans.",
        "Depuis six mois, le cabinet dentaire du bourg est fermé.",
        "La mairie va y aménager trois cabinets pour de jeunes généralistes.",
    ],
)
def test_not_figures(text: str) -> None:
    assert kinds_values(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("There are only 46.4 general practitioners per 100,000 inhabitants.", [("densite", 46.4)]),
        ("In all, 1,800 patients found a treating doctor.", [("patients", 1800)]),
        ("Then 8,200 consultations could be assured.", [("consultations", 8200)]),
        ("And 40% of them are replacements, says the doctor.", [("pourcentage", 40)]),
        ("Martial Jardel, aged 32 and general practitioner in Dorat.", [("age", 32)]),
        ("Doctors aged 28 to 72 take turns.", []),
        ("It opened two structures in Creuse in October 2022.", [("structures", 2)]),
        ("The town has set aside €2.5 million.", [("montant", 2_500_000)]),
        ("The town has been without a doctor for three years.", [("duree", 1095)]),
    ],
)
def test_english_figures(text: str, expected: list[tuple[str, float]]) -> None:
    got = kinds_values(text, lang="en")
    assert [k for k, _ in got] == [k for k, _ in expected]
    for (_, v), (_, w) in zip(got, expected, strict=True):
        assert v == pytest.approx(w, rel=0.01)


def test_same_fact_twice_is_kept_once() -> None:
    text = "1 800 patients ont un médecin.\n\nAu total, 1 800 patients ont retrouvé un médecin."
    figures = extract_figures(text)
    assert [(f.kind, f.value, f.start) for f in figures] == [("patients", 1800, 0)]


def test_commune_of_the_sentence_when_unique() -> None:
    text = "A Chârost, 1000 habitants. A Avord et Sancoins, 2 médecins."
    one = text.index("Chârost")
    two, three = text.index("Avord"), text.index("Sancoins")
    figures = extract_figures(text, communes=[(one, "18055"), (two, "18018"), (three, "18242")])
    got = [(f.kind, f.commune_insee) for f in figures]
    assert got == [("habitants", "18055"), ("medecins", None)]


def test_la_commune_means_the_primary_commune() -> None:
    text = "A Chârost, le médecin part. La commune compte 1000 habitants. Et 2 médecins."
    figures = extract_figures(text, communes=[(2, "18055")], primary="18055")
    got = [(f.kind, f.commune_insee) for f in figures]
    assert got == [("habitants", "18055"), ("medecins", None)]


def test_component_sets_doc_extension(blank_nlp) -> None:
    doc = blank_nlp("Au total, quarante-deux MSP sont fonctionnelles.")
    got = [(f.kind, f.value, f.text) for f in doc._.figures]
    assert got == [("structures", 42, "quarante-deux MSP")]
    assert blank_nlp("Rien à signaler.")._.figures == []


def test_off_topic_docs_get_no_figures(blank_nlp) -> None:
    from nlp.components.relevance import register_extensions

    register_extensions()  # Doc._.relevant, as in the real pipeline
    extractor = FigureExtractor()
    doc = blank_nlp.make_doc("Le rallye parcourt 2 500 kilomètres dans le désert.")
    doc._.relevant = False
    assert extractor(doc)._.figures == []
    doc._.relevant = True
    assert [f.kind for f in extractor(doc)._.figures] == ["distance"]
    keep_all = FigureExtractor(only_relevant=False)
    doc._.relevant = False
    assert [f.kind for f in keep_all(doc)._.figures] == ["distance"]


def test_shipped_rules_load_and_name_known_kinds() -> None:
    rules = load_rules("figures")
    kinds = {k for k, _ in rules.heads} - {"patients_without_doctor"}
    assert kinds <= set(FIGURE_KINDS)
    assert rules.anaphora_kinds <= set(FIGURE_KINDS)
