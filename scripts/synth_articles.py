# ruff: noqa: E501 -- sentence banks and HTML templates read better unwrapped.
"""Generate realistic French regional-press pages for benchmarks (not for quality gates).

    from scripts.synth_articles import generate
    pages = generate(1000, relevant_share=0.02, words=600, seed=0)

Each `SynthPage` carries the full HTML (nav, cookie banner, JSON-LD, share buttons,
"À lire aussi", newsletter, comments, footer), the article text we expect the
cleaner to keep (`text` = headline + blank line + body), and whether the page is
about medical desertification. Irrelevant pages are ordinary local news, including
"désert" in other senses, so relevance filters get realistic negatives.

Run as a script to write pages to a folder: `python scripts/synth_articles.py OUT -n 200`.
All sentences are written for this project; place names are real communes.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# (commune, département number, département name, region) — real communes, many small.
COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("Chârost", "18", "Cher", "Centre-Val de Loire"),
    ("Charenton-du-Cher", "18", "Cher", "Centre-Val de Loire"),
    ("Mehun-sur-Yèvre", "18", "Cher", "Centre-Val de Loire"),
    ("Sancerre", "18", "Cher", "Centre-Val de Loire"),
    ("Avord", "18", "Cher", "Centre-Val de Loire"),
    ("La Guerche-sur-l'Aubois", "18", "Cher", "Centre-Val de Loire"),
    ("Saint-Amand-Montrond", "18", "Cher", "Centre-Val de Loire"),
    ("Vierzon", "18", "Cher", "Centre-Val de Loire"),
    ("Aubigny-sur-Nère", "18", "Cher", "Centre-Val de Loire"),
    ("Le Rouget-Pers", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Maurs", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Laroquebrou", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Montsalvy", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Murat", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Riom-ès-Montagnes", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Saint-Flour", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Mauriac", "15", "Cantal", "Auvergne-Rhône-Alpes"),
    ("Ajain", "23", "Creuse", "Nouvelle-Aquitaine"),
    ("Bellegarde-en-Marche", "23", "Creuse", "Nouvelle-Aquitaine"),
    ("Aubusson", "23", "Creuse", "Nouvelle-Aquitaine"),
    ("Bourganeuf", "23", "Creuse", "Nouvelle-Aquitaine"),
    ("La Souterraine", "23", "Creuse", "Nouvelle-Aquitaine"),
    ("Argenton-sur-Creuse", "36", "Indre", "Centre-Val de Loire"),
    ("Le Blanc", "36", "Indre", "Centre-Val de Loire"),
    ("Issoudun", "36", "Indre", "Centre-Val de Loire"),
    ("La Châtre", "36", "Indre", "Centre-Val de Loire"),
    ("Valençay", "36", "Indre", "Centre-Val de Loire"),
    ("Romorantin-Lanthenay", "41", "Loir-et-Cher", "Centre-Val de Loire"),
    ("Montoire-sur-le-Loir", "41", "Loir-et-Cher", "Centre-Val de Loire"),
    ("Pithiviers", "45", "Loiret", "Centre-Val de Loire"),
    ("Gien", "45", "Loiret", "Centre-Val de Loire"),
    ("Nogent-le-Rotrou", "28", "Eure-et-Loir", "Centre-Val de Loire"),
    ("Châteaudun", "28", "Eure-et-Loir", "Centre-Val de Loire"),
    ("Loches", "37", "Indre-et-Loire", "Centre-Val de Loire"),
    ("Chinon", "37", "Indre-et-Loire", "Centre-Val de Loire"),
    ("Langogne", "48", "Lozère", "Occitanie"),
    ("Marvejols", "48", "Lozère", "Occitanie"),
    ("Decazeville", "12", "Aveyron", "Occitanie"),
    ("Saint-Affrique", "12", "Aveyron", "Occitanie"),
    ("Gourdon", "46", "Lot", "Occitanie"),
    ("Figeac", "46", "Lot", "Occitanie"),
    ("Ussel", "19", "Corrèze", "Nouvelle-Aquitaine"),
    ("Meymac", "19", "Corrèze", "Nouvelle-Aquitaine"),
    ("Clamecy", "58", "Nièvre", "Bourgogne-Franche-Comté"),
    ("Cosne-Cours-sur-Loire", "58", "Nièvre", "Bourgogne-Franche-Comté"),
    ("Château-Chinon (Ville)", "58", "Nièvre", "Bourgogne-Franche-Comté"),
    ("Avallon", "89", "Yonne", "Bourgogne-Franche-Comté"),
    ("Tonnerre", "89", "Yonne", "Bourgogne-Franche-Comté"),
    ("Montbard", "21", "Côte-d'Or", "Bourgogne-Franche-Comté"),
    ("Langres", "52", "Haute-Marne", "Grand Est"),
    ("Joinville", "52", "Haute-Marne", "Grand Est"),
    ("Sedan", "08", "Ardennes", "Grand Est"),
    ("Rethel", "08", "Ardennes", "Grand Est"),
    ("Mortagne-au-Perche", "61", "Orne", "Normandie"),
    ("Domfront en Poiraie", "61", "Orne", "Normandie"),
    ("Vire Normandie", "14", "Calvados", "Normandie"),
    ("Guingamp", "22", "Côtes-d'Armor", "Bretagne"),
    ("Carhaix-Plouguer", "29", "Finistère", "Bretagne"),
    ("Ploërmel", "56", "Morbihan", "Bretagne"),
    ("Mayenne", "53", "Mayenne", "Pays de la Loire"),
    ("Château-Gontier-sur-Mayenne", "53", "Mayenne", "Pays de la Loire"),
    ("Saint-Calais", "72", "Sarthe", "Pays de la Loire"),
    ("Sainte-Colombe", "77", "Seine-et-Marne", "Île-de-France"),
    ("Die", "26", "Drôme", "Auvergne-Rhône-Alpes"),
    ("Privas", "07", "Ardèche", "Auvergne-Rhône-Alpes"),
    ("Aubenas", "07", "Ardèche", "Auvergne-Rhône-Alpes"),
    ("Digne-les-Bains", "04", "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
    ("Sisteron", "04", "Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
    ("Nontron", "24", "Dordogne", "Nouvelle-Aquitaine"),
    ("Ribérac", "24", "Dordogne", "Nouvelle-Aquitaine"),
    ("Confolens", "16", "Charente", "Nouvelle-Aquitaine"),
    ("Montmorillon", "86", "Vienne", "Nouvelle-Aquitaine"),
    ("L'Isle-Jourdain", "86", "Vienne", "Nouvelle-Aquitaine"),
    ("Bressuire", "79", "Deux-Sèvres", "Nouvelle-Aquitaine"),
)

# Article of each département name, so "du Cher" but "de la Creuse", "de l'Indre".
_FEM = {"Creuse", "Lozère", "Nièvre", "Côte-d'Or", "Haute-Marne", "Mayenne", "Sarthe", "Seine-et-Marne",
        "Drôme", "Dordogne", "Charente", "Vienne", "Corrèze"}
_VOWEL = {"Indre", "Yonne", "Orne", "Ardèche", "Indre-et-Loire", "Eure-et-Loir", "Aveyron"}
_PLURAL = {"Ardennes", "Alpes-de-Haute-Provence", "Deux-Sèvres", "Côtes-d'Armor"}


def _dept_forms(name: str) -> dict[str, str]:
    art = "les " if name in _PLURAL else "l'" if name in _VOWEL else "la " if name in _FEM else "le "
    du = {"le ": "du ", "la ": "de la ", "l'": "de l'", "les ": "des "}[art]
    return {"le_d": art + name, "Le_d": art.capitalize() + name, "du_d": du + name}


FIRST = ("Marie", "Jean-Luc", "Sophie", "Patrick", "Nathalie", "Thierry", "Claire", "Éric",
         "Sylvie", "Bernard", "Camille", "Julien", "Isabelle", "Hervé", "Céline", "Olivier",
         "Brigitte", "Mathieu", "Aurélie", "Gérard", "Léa", "Damien", "Martine", "Yannick")
LAST = ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre",
        "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Boyer", "Chevalier", "Perrin",
        "Morin", "Mercier", "Aubert", "Roussel", "Vidal", "Clément", "Fontaine", "Baron")
NUM_WORDS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit",
             10: "dix", 12: "douze", 15: "quinze", 20: "vingt", 30: "trente"}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

# Sentence banks. Placeholders: {c} commune, {c2} another commune, {d} département name,
# {dn} its number, {r} region, {p} a person, {n} small number (digits or words),
# {big} a larger number, {eur} an amount, {m} a month.
RELEVANT_TITLES = (
    "À {c}, la maison de santé ouvre enfin ses portes",
    "Désert médical : {c} recrute des médecins salariés",
    "{c} : deux internes en renfort au cabinet médical cet été",
    "Le {d} manque de généralistes, les élus de {c} montent au créneau",
    "Un centre de santé départemental pour {c} et ses environs",
    "Plus de médecin traitant pour {big} habitants du secteur de {c}",
    "Une cabine de téléconsultation installée à la pharmacie de {c}",
    "Le bus santé s'arrêtera désormais à {c} chaque mardi",
    "Médecins solidaires : un nouveau centre à {c} ({dn})",
)
RELEVANT = (
    "Depuis le départ à la retraite du docteur {p}, {big} patients de {c} se retrouvent sans médecin traitant.",
    "La future maison de santé pluriprofessionnelle de {c} accueillera {n} généralistes, deux infirmières et un kinésithérapeute.",
    "Le conseil départemental du {d} a décidé de salarier {n} médecins généralistes pour couvrir les zones les plus carencées.",
    "Le centre de santé de {c} fonctionne avec des médecins salariés, une formule qui séduit les jeunes praticiens.",
    "Selon l'Ordre des médecins, le {d} compte à peine {dens} généralistes pour 100 000 habitants, loin de la moyenne nationale.",
    "Les élus ont voté une enveloppe de {eur} euros pour aménager le cabinet médical au rez-de-chaussée de l'ancienne poste.",
    "Deux internes de la faculté de Tours effectueront leur stage à {c} à partir du mois de {m}, encadrés par un maître de stage.",
    "« On a tout essayé, les annonces, les chasseurs de têtes, même Leboncoin », soupire {p}, maire de {c}.",
    "La communauté de communes propose un logement gratuit et une aide à l'installation de {eur} euros aux candidats.",
    "Une cabine de téléconsultation a été installée dans la pharmacie de {c} ; elle a déjà servi {big} fois.",
    "L'agence régionale de santé classe désormais le secteur de {c} en zone d'intervention prioritaire.",
    "Le médecin de {c2} assure deux demi-journées de consultations avancées à {c} chaque semaine.",
    "Les patients attendent parfois {n} semaines pour un rendez-vous, et les urgences de l'hôpital le plus proche sont saturées.",
    "Le dispositif des docteurs juniors doit permettre d'envoyer des internes de dernière année dans les territoires sous-dotés.",
    "Médecins solidaires fait tourner des généralistes bénévoles, une semaine chacun, au centre de santé de {c}.",
    "Une infirmière en pratique avancée a rejoint l'équipe pour assurer le suivi des malades chroniques.",
    "La CPTS du pays de {c} coordonne désormais les gardes et les soins non programmés du week-end.",
    "Le bus médical sillonne {n} communes du {d} et a réalisé {big} consultations l'an dernier.",
    "À {c}, la désertification médicale n'est plus une menace : c'est le quotidien de {big} habitants.",
    "La région {r} finance la formation de jeunes médecins qui s'engagent à exercer dans le territoire.",
    "Le contrat d'engagement de service public verse une allocation aux étudiants qui s'installeront en zone sous-dense.",
    "{p}, médecin généraliste à {c} depuis trente ans, ne trouve toujours pas de successeur.",
    "La proposition de loi sur la régulation de l'installation des médecins divise les élus locaux.",
)
IRRELEVANT_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sport": (
        ("Football : {c} arrache le nul face à {c2}", "Rugby : l'US {c} enchaîne une troisième victoire",
         "Trail de {c} : record de participation pour la {n}e édition"),
        ("Les joueurs de {c} ont ouvert le score dès la {n}e minute sur un coup franc de {p}.",
         "Le stade de {c} affichait complet, avec près de {big} spectateurs dans les tribunes.",
         "L'entraîneur {p} reconnaît que son équipe a manqué de réalisme en seconde période.",
         "Le club compte désormais {big} licenciés, un record depuis sa création.",
         "Le prochain match aura lieu à {c2} le {n} {m}, coup d'envoi à 15 heures.",
         "Les bénévoles ont installé une buvette et un barbecue derrière les vestiaires.",
         "{p} a franchi la ligne d'arrivée en tête après {n} heures d'effort sur les sentiers du {d}."),
    ),
    "faits_divers": (
        ("{c} : un incendie ravage un hangar agricole", "Accident sur la départementale près de {c}",
         "Cambriolages en série à {c}, la gendarmerie appelle à la vigilance"),
        ("Les pompiers de {c} et de {c2} sont intervenus vers 3 heures du matin.",
         "Près de {big} bottes de paille sont parties en fumée, sans faire de blessé.",
         "Le conducteur, âgé de {n} ans, a été transporté au centre hospitalier de {c2}.",
         "La gendarmerie du {d} a ouvert une enquête pour déterminer les causes du sinistre.",
         "La circulation a été coupée pendant {n} heures, le temps de dégager la chaussée.",
         "Les voisins ont donné l'alerte en voyant de la fumée s'échapper du toit.",
         "Une dizaine de maisons ont été visitées en {m}, principalement en journée."),
    ),
    "budget": (
        ("Conseil municipal de {c} : le budget voté sans hausse d'impôts",
         "{c} investit {eur} euros dans la voirie", "La salle des fêtes de {c} sera rénovée"),
        ("Le conseil municipal de {c} a adopté le budget primitif à l'unanimité jeudi soir.",
         "La commune consacrera {eur} euros à la réfection des trottoirs de la rue principale.",
         "Le maire, {p}, a rappelé que les taux d'imposition resteront inchangés cette année.",
         "La dotation de l'État baisse encore, ce qui oblige la commune à reporter certains travaux.",
         "Les travaux de l'école débuteront en {m} et dureront environ {n} mois.",
         "Une subvention de la région {r} couvre une partie de la rénovation énergétique.",
         "L'opposition a demandé un audit des dépenses de fonctionnement."),
    ),
    "culture": (
        ("Le festival de {c} dévoile sa programmation", "Exposition : les peintres du {d} à l'honneur à {c}",
         "{c} : la médiathèque fête ses {n} ans"),
        ("Le festival attend plus de {big} visiteurs sur trois jours dans le parc du château de {c}.",
         "La programmation mêle jazz, chanson française et musiques du monde.",
         "{p}, commissaire de l'exposition, a réuni une quarantaine d'œuvres prêtées par des collectionneurs.",
         "L'entrée est gratuite pour les moins de {n} ans et les demandeurs d'emploi.",
         "Les bénévoles de l'association préparent l'événement depuis le mois de {m}.",
         "Une conférence sur l'histoire de {c2} est prévue samedi à 18 heures à la salle polyvalente.",
         "La compagnie de théâtre de {c} jouera sa nouvelle création en plein air."),
    ),
    "meteo": (
        ("Orages : le {d} placé en vigilance orange", "Canicule : {c} ouvre une salle rafraîchie",
         "Gel tardif : les viticulteurs de {c} inquiets"),
        ("Météo-France prévoit des cumuls de pluie de {k}0 millimètres en quelques heures.",
         "Les températures devraient dépasser 35 degrés à {c} en milieu de semaine.",
         "La préfecture du {d} recommande de limiter les déplacements pendant l'épisode orageux.",
         "Les viticulteurs ont allumé des bougies dans les rangs de vigne toute la nuit.",
         "Des grêlons de la taille d'une balle de golf sont tombés sur {c2}.",
         "Les pompiers ont effectué {big} interventions pour des arbres tombés et des caves inondées.",
         "La mairie a mis en place un registre des personnes âgées isolées."),
    ),
    "commerce": (
        ("{c} : la dernière boulangerie ferme ses portes", "Le bar-tabac de {c} cherche un repreneur",
         "Commerce : la rue principale de {c} se vide"),
        ("Après {k}0 ans de service, {p} baisse le rideau de sa boulangerie faute de repreneur.",
         "Les habitants de {c} devront désormais faire {n} kilomètres pour acheter leur pain.",
         "La municipalité réfléchit à un dépôt de pain à la mairie ou à un distributeur.",
         "Le loyer du local a été réduit de moitié pour attirer un nouveau commerçant.",
         "Le marché du samedi reste le dernier lieu où l'on croise tout le village.",
         "La chambre de commerce du {d} accompagne les candidats à la reprise.",
         "Trois vitrines sont vides dans la rue principale depuis le début de l'année."),
    ),
    "autre_desert": (
        ("{c} : un désert numérique au cœur du {d}", "La fermeture de l'agence bancaire fait de {c} un désert",
         "Rallye : {p}, de {c}, au départ de l'Africa Eco Race dans le désert"),
        ("Dans certains hameaux de {c}, le débit internet ne dépasse pas {n} mégabits par seconde.",
         "Le déploiement de la fibre optique a pris du retard dans le {d}, reconnaît le syndicat mixte.",
         "Après le départ de la banque, c'est un véritable désert bancaire : plus aucun distributeur à {c}.",
         "{p} s'est entraîné pendant {n} mois avant de s'attaquer aux dunes du désert mauritanien.",
         "La traversée du désert a duré {n} jours, avec des étapes de plus de 400 kilomètres.",
         "Les élus dénoncent la fermeture du bureau de poste, remplacé par un relais chez un commerçant.",
         "Le conseil départemental du {d} a voté {eur} euros pour couvrir les zones blanches."),
    ),
}

OUTLETS = (
    ("france3", "France 3 Régions", "https://france3-regions.example.fr"),
    ("ici", "ICI Berry", "https://www.ici-radio.example.fr"),
    ("magcentre", "Magcentre", "https://www.magcentre.example.fr"),
    ("radio", "Radio Totem", "https://www.radio-totem.example.net"),
)

FURNITURE_RELATED = ("Cantal : la foire aux bestiaux retrouve son public",
                     "Les horaires d'été des déchetteries", "Un nouveau directeur pour le collège",
                     "Travaux sur la RN 145 : les déviations", "Le marché de Noël en images")


@dataclass(frozen=True)
class SynthPage:
    html: str
    text: str  # headline + "\n\n" + body paragraphs joined by "\n"
    relevant: bool
    url: str
    title: str


def _number(rng: random.Random) -> str:
    n = rng.choice(tuple(NUM_WORDS))
    return NUM_WORDS[n] if rng.random() < 0.4 else str(n)


# French elision and contraction after filling: "de Avord" -> "d'Avord", "à Le Blanc" -> "au Blanc".
_ELISIONS = (
    (re.compile(r"\b([dD])e ([AEIOUYÂÉÈÎÔ])"), r"\1'\2"),
    (re.compile(r"\bde Le "), "du "),
    (re.compile(r"\bà Le "), "au "),
    (re.compile(r"\bde Les "), "des "),
)


def _fill(template: str, rng: random.Random, place: tuple[str, str, str, str]) -> str:
    other = rng.choice(COMMUNES)
    big = rng.choice((120, 350, 800, 1200, 1500, 2300, 4000))
    # Département names take their article ("du Cher", "de la Creuse").
    template = template.replace("du {d}", "{du_d}").replace("Le {d}", "{Le_d}").replace("le {d}", "{le_d}")
    filled = template.format(
        **_dept_forms(place[2]),
        c=place[0], c2=other[0], d=place[2], dn=place[1], r=place[3],
        p=f"{rng.choice(FIRST)} {rng.choice(LAST)}", n=_number(rng),
        big=f"{big:,}".replace(",", " "), eur=f"{rng.choice((15, 80, 235, 450, 900)) * 1000:,}".replace(",", " "),
        k=rng.randint(2, 6), m=rng.choice(MONTHS), dens=rng.choice(("46,4", "58,2", "61", "72,5")),
    )
    for pattern, repl in _ELISIONS:
        filled = pattern.sub(repl, filled)
    return filled


def _body(rng: random.Random, sentences: tuple[str, ...], words: int, place) -> list[str]:
    paragraphs: list[str] = []
    count = 0
    deck: list[str] = []

    def draw() -> str:
        # Shuffled deck: every sentence is used once before any repeats.
        if not deck:
            deck.extend(rng.sample(sentences, len(sentences)))
        return deck.pop()

    while count < words:
        para = " ".join(_fill(draw(), rng, place) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        count += len(para.split())
    return paragraphs


def _page(i: int, rng: random.Random, relevant: bool, words: int) -> SynthPage:
    place = rng.choice(COMMUNES)
    if relevant:
        title = _fill(rng.choice(RELEVANT_TITLES), rng, place)
        # Relevant articles still talk about the town around the topic.
        sentences = RELEVANT + IRRELEVANT_TOPICS["budget"][1][:3]
    else:
        titles, sentences = IRRELEVANT_TOPICS[rng.choice(tuple(IRRELEVANT_TOPICS))]
        title = _fill(rng.choice(titles), rng, place)
    chapo = _fill(rng.choice(sentences), rng, place)
    paragraphs = [chapo] + _body(rng, sentences, words - len(chapo.split()), place)
    outlet, site_name, base = OUTLETS[i % len(OUTLETS)]
    published = date(2022, 1, 1) + timedelta(days=rng.randrange(1400))
    slug = "-".join(title.lower().split()[:6]).replace("'", "").replace(":", "")
    url = f"{base}/{place[2].lower()}/{slug}-{i}.html"
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    html = _render(outlet, site_name=site_name, url=url, title=title, author=author,
                   published=published, paragraphs=paragraphs, rng=rng)
    return SynthPage(html=html, text=title + "\n\n" + "\n".join(paragraphs),
                     relevant=relevant, url=url, title=title)


def _render(outlet: str, *, site_name: str, url: str, title: str, author: str,
            published: date, paragraphs: list[str], rng: random.Random) -> str:
    e = html_lib.escape
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": f"{published.isoformat()}T07:{rng.randrange(60):02d}:00+02:00",
                     "author": {"@type": "Person", "name": author},
                     "publisher": {"@type": "Organization", "name": site_name}}, ensure_ascii=False)
    paras = [f"<p>{e(p)}</p>" for p in paragraphs]
    # Boilerplate inside the article column, where extractors are most tempted.
    mid = len(paras) // 2
    paras.insert(mid, '<aside class="related"><p><strong>À lire aussi :</strong> '
                      f'<a href="/x/{rng.randrange(9999)}.html">{e(rng.choice(FURNITURE_RELATED))}</a></p></aside>')
    if outlet in {"france3", "radio"}:
        paras.insert(1, '<figure><img src="/img/photo.jpg" alt=""><figcaption>Photo d\'illustration. '
                        '© Radio France / Maxppp</figcaption></figure>')
    body = "\n".join(paras)
    comments = "\n".join(
        f'<li class="comment"><span class="comment-author">{e(rng.choice(FIRST))}{rng.randrange(99)}</span>'
        f"<p>{e(c)}</p></li>"
        for c in rng.sample(("Encore une fois les campagnes sont oubliées.", "Bravo aux bénévoles !",
                             "Et pendant ce temps les impôts augmentent...", "Il était temps.",
                             "Mon médecin part aussi en retraite, on fait comment ?"), 3))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>{e(title)} - {e(site_name)}</title>
<link rel="canonical" href="{e(url)}">
<meta property="og:site_name" content="{e(site_name)}">
<meta property="article:published_time" content="{published.isoformat()}T07:00:00+02:00">
<script type="application/ld+json">{ld}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
</head><body class="{outlet}">
<div id="cookie-banner" class="consent"><p>Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience.
<button>Accepter</button> <button>Refuser</button> <a href="/cookies">Paramétrer</a></p></div>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/societe">Société</a></li><li><a href="/meteo">Météo</a></li></ul></nav>
<div class="weather-widget">Bourges 14°C Nuageux</div></header>
<main><article>
<h1>{e(title)}</h1>
<div class="byline">Par <span class="author">{e(author)}</span> · Publié le
<time datetime="{published.isoformat()}">{published.day} {MONTHS[published.month - 1]} {published.year}</time></div>
<div class="share"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a> <a href="#">Copier le lien</a></div>
<div class="article-body">
{body}
</div>
<div class="newsletter"><h3>Newsletter</h3><p>Recevez chaque matin l'essentiel de l'actualité de votre région.
Inscrivez-vous à notre newsletter.</p><form><input type="email" placeholder="Votre e-mail"><button>S'inscrire</button></form></div>
<section class="related-articles"><h2>Sur le même sujet</h2><ul>
<li><a href="/a.html">{e(rng.choice(FURNITURE_RELATED))}</a></li><li><a href="/b.html">{e(rng.choice(FURNITURE_RELATED))}</a></li></ul></section>
</article>
<section id="comments" class="comments"><h2>Commentaires (3)</h2><ol>
{comments}
</ol></section></main>
<footer><p>© {e(site_name)} {published.year} · Mentions légales · Politique de confidentialité · Plan du site</p></footer>
</body></html>
"""


def generate(n: int, *, relevant_share: float = 0.02, words: int = 600, seed: int = 0) -> list[SynthPage]:
    """`n` pages; exactly round(n * relevant_share) are relevant, spread through the list."""
    rng = random.Random(seed)
    n_relevant = round(n * relevant_share)
    relevant_at = set(rng.sample(range(n), n_relevant)) if n_relevant else set()
    return [_page(i, rng, i in relevant_at, words) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write NNNN.html files into")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--relevant-share", type=float, default=0.02)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = generate(args.n, relevant_share=args.relevant_share, words=args.words, seed=args.seed)
    for i, page in enumerate(pages):
        (args.out / f"{i:04d}.html").write_text(page.html, encoding="utf-8")
    print(f"wrote {len(pages)} pages ({sum(p.relevant for p in pages)} relevant) to {args.out}")


if __name__ == "__main__":
    main()
