"""nlp.clean on our own recorded pages (several outlet layouts) and on bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from nlp.clean import clean_html, clean_text
from nlp.furniture import furniture_rules, is_furniture_line
from nlp.resources import load_toml
from veille.errors import InputError

HTML = Path(__file__).resolve().parents[1] / "fixtures" / "html"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# file -> (expected metadata, sentences that must be kept, furniture that must be gone)
PAGES = {
    "france3_maison_sante_maurs.html": (
        {"title": "Cantal : à Maurs, la maison de santé accueille ses premiers patients",
         "published": "2023-10-02",  # JSON-LD datePublished, not article:published_time
         "author": "Hélène Faure; Thomas Rigal", "site_name": "France 3 Auvergne-Rhône-Alpes",
         "url": "https://france3-regions.example.fr/auvergne-rhone-alpes/cantal/aurillac/"
                "maurs-maison-sante-premiers-patients-2871345.html", "lang": "fr"},
        ["Après trois ans de travaux, la maison de santé pluriprofessionnelle de Maurs",  # chapô
         "Saint-Mamet-la-Salvetat et de Laroquebrou",
         "Le Cantal compte aujourd'hui 76 médecins généralistes pour 100 000 habitants"],
        ["cookies", "Accepter", "À lire aussi", "newsletter", "Je m'abonne", "Sur le même sujet",
         "Les plus lus", "Copier le lien", "© Thomas Rigal", "12°C", "Mentions légales"],
    ),
    "ici_centre_sante_bourganeuf.html": (
        {"title": "Creuse : le centre de santé départemental ouvre une antenne à Bourganeuf",
         "published": "2024-01-16", "author": "Julien Dumas", "site_name": "ICI",
         "url": "https://www.ici.example.fr/creuse/"
                "creuse-le-centre-de-sante-departemental-ouvre-une-antenne-a-bourganeuf-4537210",
         "lang": "fr"},
        ["Le Département de la Creuse salarie désormais cinq médecins généralistes.",
         "payés 5 500 euros nets par mois",
         "Le Département espère recruter trois médecins de plus d'ici l'été."],
        ["Lire aussi", "Ajain, les médecins solidaires", "Écouter cet article", "Tout accepter",
         "Téléchargez l'application", "Brouillard", "Guéret : la piscine", "© Radio France"],
    ),
    "magcentre_wp_medecins_solidaires.html": (
        {"title": "Charenton-du-Cher : Médecins solidaires ouvre son troisième centre",
         "published": "2024-02-05",  # the Article's date, not the WebPage's
         "author": "Mael Petit", "site_name": "Magcentre",
         "url": "https://www.magcentre.example.fr/"
                "245871-charenton-du-cher-medecins-solidaires-ouvre-son-troisieme-centre/",
         "lang": "fr"},
        ["Après Ajain et Bellegarde-en-Marche, dans la Creuse,",
         "Le Cher compte 46,4 généralistes pour 100 000 habitants",
         "vise l'ouverture d'un centre par département d'ici 2026."],
        ["Illustration Pixabay", "Lire aussi", "Plus d'infos", "Partager", "réflexions au sujet",
         "Jeannot18", "ça ne remplace pas", "Laisser un commentaire", "Votre adresse e-mail",
         "Articles récents", "Inscrivez-vous", "Ce site utilise des cookies", "Étiquettes"],
    ),
    "radio_internes_langogne_latin1.html": (
        {"title": "Langogne : deux internes en stage au cabinet médical cet été",
         "published": "2023-06-20", "author": "Rédaction Margeride FM",
         "site_name": "Radio Margeride FM", "url": None, "lang": "fr"},
        ["Faute de généralistes en nombre suffisant, la maison médicale de Langogne",
         "Ils s’appellent Léa et Maxime",  # cp1252 typographic apostrophe decoded
         "est attendu avec impatience."],
        ["|", "Publicité", "18°C", "Publié le 20/06/2023", "Photo : Radio", "Crédit photo",
         "Partager", "Commentaires", "Gégé48", "dentistes", "Tous droits réservés"],
    ),
}


@pytest.fixture(scope="module")
def cleaned():
    return {name: clean_html((HTML / name).read_bytes(), source=name) for name in PAGES}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_metadata(cleaned, name):
    article = cleaned[name]
    expected, _, _ = PAGES[name]
    got = {key: getattr(article, key) for key in expected}
    assert got == expected
    assert article.source == name


@pytest.mark.parametrize("name", sorted(PAGES))
def test_text_is_headline_then_body(cleaned, name):
    article = cleaned[name]
    assert article.text.startswith(article.title + "\n\n")
    assert article.body_start == len(article.title) + 2
    assert article.text[article.body_start:] and not article.text[article.body_start].isspace()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_keeps_article_and_drops_furniture(cleaned, name):
    text = cleaned[name].text
    _, kept, dropped = PAGES[name]
    for sentence in kept:
        assert sentence in text
    for furniture in dropped:
        assert furniture not in text, furniture
    assert not any(is_furniture_line(line) for line in text.splitlines())


def _reencoded(name: str, codec: str, meta: str | None) -> bytes:
    """A fixture saved in `codec`, with its <meta charset> replaced by `meta` (None: removed)."""
    page = (HTML / name).read_text(encoding="utf-8")
    declaration = '<meta charset="utf-8">'
    assert declaration in page
    page = page.replace(declaration, f'<meta charset="{meta}">' if meta else "")
    return page.encode(codec, errors="strict")


@pytest.mark.parametrize(
    ("codec", "meta"),
    [
        ("cp1252", "utf-8"),  # declared utf-8, really windows-1252
        ("cp1252", None),  # undeclared windows-1252
        ("latin-1", None),  # undeclared latin-1
        ("utf-8", "iso-8859-1"),  # declared latin-1, really utf-8
        ("utf-8", None),  # undeclared utf-8
        ("utf-8", "no-such-charset"),  # unknown label ignored
        ("utf-16", None),  # with a byte-order mark
        ("cp1252", "windows-1252"),
    ],
)
def test_encodings_give_the_same_text(cleaned, codec, meta):
    name = "france3_maison_sante_maurs.html"
    article = clean_html(_reencoded(name, codec, meta), source=name)
    assert article.text == cleaned[name].text
    assert "Hélène Faure" in article.author


def test_http_charset_beats_meta(cleaned):
    name = "france3_maison_sante_maurs.html"
    data = _reencoded(name, "cp1252", "utf-8")
    assert clean_html(data, source=name, encoding="windows-1252").text == cleaned[name].text


def test_double_encoded_utf8_is_repaired(cleaned):
    name = "ici_centre_sante_bourganeuf.html"
    mojibake = (HTML / name).read_bytes().decode("cp1252", errors="ignore").encode("utf-8")
    text = clean_html(mojibake, source=name).text
    assert "départemental" in text and "Ã©" not in text


def test_str_input_is_accepted(cleaned):
    name = "ici_centre_sante_bourganeuf.html"
    assert clean_html((HTML / name).read_text(encoding="utf-8"), source=name) == cleaned[name]


def test_broken_json_ld_falls_back_to_meta_tags():
    page = (HTML / "france3_maison_sante_maurs.html").read_text(encoding="utf-8")
    broken = page.replace('{"@context":"https://schema.org","@graph":[', '{"@context": oops [', 1)
    article = clean_html(broken, source="x")
    assert article.published == "2023-10-03"  # article:published_time
    assert article.title == "Cantal : à Maurs, la maison de santé accueille ses premiers patients"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \r\n", "empty"),
        ("", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary"),
        (b"<html><body>\x00\x01\x02\x03 abc \x00\x00\x05</body></html>", "binary"),
        ("<p>a\x00b</p>", "binary"),
        (b"Juste du texte, sans balise, pour voir.", "no_text"),
        (b"<html><body><nav><a href='/'>Accueil</a></nav></body></html>", "no_text"),
        (b"<html><head><meta charset='utf-8'></head><body></body></html>", "no_text"),
    ],
)
def test_bad_input_has_a_reason(data, reason):
    with pytest.raises(InputError) as err:
        clean_html(data, source="bad")
    assert err.value.reason == reason
    assert str(err.value)  # a message the user can act on


def test_oversized_input_fails_before_parsing():
    # 20 MB of what is not even valid HTML: the size check must come first.
    data = b"\x00" * 20_000_000
    with pytest.raises(InputError) as err:
        clean_html(data, source="big")
    assert err.value.reason == "too_large"
    assert "10,000,000" in str(err.value)
    with pytest.raises(InputError) as err:
        clean_html(b"<p>" + "é".encode() * 600 + b"</p>", source="small limit", max_bytes=1000)
    assert err.value.reason == "too_large"


def test_plain_text_is_kept_exactly():
    raw = ("Publié : 5 septembre 2025 à 8h11\r\nLe Cantal manque de médecins\r\n\r\n"
           "  Corps du texte.\n")
    article = clean_text(raw, source="t.txt")
    assert article.text == raw
    assert article.title == "Le Cantal manque de médecins"  # a leading dateline is skipped
    assert article.published == "2025-09-05"
    assert article.text[article.body_start:].startswith("Corps du texte.")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seeds_as_text(path):
    raw = path.read_text(encoding="utf-8")
    article = clean_text(raw, source=str(path))
    assert article.text == raw
    assert article.title and article.title in raw
    assert raw[article.body_start:].strip() and not raw[article.body_start].isspace()


def test_seed_datelines():
    by_id = {p.stem[:3]: clean_text(p.read_text(encoding="utf-8"), source=p.name)
             for p in SEEDS.glob("*.txt")}
    assert by_id["001"].published == "2023-09-11"
    assert by_id["004"].published == "2025-09-05"
    assert by_id["004"].title == "Des binômes de médecins bientôt en renfort dans le Cantal"


@pytest.mark.parametrize("text", ["", "   \n\n "])
def test_empty_plain_text(text):
    with pytest.raises(InputError) as err:
        clean_text(text, source="e.txt")
    assert err.value.reason == "empty"


def test_boilerplate_resource_loads():
    data = load_toml("boilerplate")
    assert {rule["name"] for rule in data["rule"]} == {rule.name for rule in furniture_rules()}
    assert all(rule.action in {"drop", "cut"} for rule in furniture_rules())


@pytest.mark.parametrize("line", [
    "À lire aussi : Aurillac, les urgences régulées tout l'été",
    "A lire aussi",
    "Lire aussi : Désert médical, le Cher en tête",
    "Plus d'infos : www.exemple.fr",
    "Recevez chaque matin l'essentiel de l'info régionale dans notre newsletter.",
    "Nous utilisons des cookies pour améliorer votre expérience.",
    "Partager sur Facebook",
    "Copier le lien",
    "Photo : Radio Margeride FM",
    "© Thomas Rigal / France Télévisions",
    "Illustration Pixabay",
    "Bourges 14°C Nuageux",
    "Commentaires (3)",
    "Publié le 20/06/2023 à 11h45",
    "Publicité",
])
def test_furniture_lines(line):
    assert is_furniture_line(line)


@pytest.mark.parametrize("line", [
    "Le docteur Babut lira aussi les ordonnances de ses patients avant de partir.",
    "La commune a voté 80 000 euros pour la maison de santé.",
    "Photovoltaïque : la mairie de Sancerre équipe le toit du cabinet médical.",
    "« Il faisait 35 °C dans la salle d'attente », raconte une patiente de Chârost.",
    "Le Cantal compte 76 généralistes pour 100 000 habitants.",
    "Un médecin salarié, c'est la garantie d'horaires fixes et de vacances.",
    "Partager les gardes entre médecins, c'est la solution retenue à Maurs.",
    "La mairie publie une newsletter mensuelle sur l'avancée de la maison de santé.",
    "« Inscrivez-vous vite sur la liste d'attente », conseille le maire de Chârost.",
    "Voir le médecin coûte désormais une heure de route aux habitants de Saint-Urcize.",
    "",
])
def test_prose_is_not_furniture(line):
    assert not is_furniture_line(line)


def test_synthetic_pages_round_trip():
    from scripts.synth_articles import generate

    for page in generate(12, relevant_share=0.25, words=300, seed=7):
        article = clean_html(page.html, source=page.url)
        assert article.text == page.text
        assert article.url == page.url and article.lang == "fr" and article.published


def test_codecs_sanity():
    # The fixture re-encodings above rely on cp1252 covering every character we wrote.
    for name in PAGES:
        if "latin1" not in name:
            (HTML / name).read_text(encoding="utf-8").encode("cp1252")
    assert codecs.lookup("latin-1").name == "iso8859-1"


def test_meta_tags_with_apostrophes_and_any_attribute_order():
    page = ("""<html><head><meta content="L'Écho du Berry" property="og:site_name">"""
            """<meta property='article:published_time' content='2022-03-08T10:00:00Z'>"""
            """<link href="https://echo.example.fr/a-b" rel="canonical"></head><body><article>"""
            """<h1>Vierzon : l'hôpital cherche des urgentistes</h1><p>Le centre hospitalier de """
            """Vierzon manque de médecins urgentistes depuis l'automne, et la direction """
            """multiplie les contrats de remplacement pour tenir les gardes du week-end.</p>"""
            """</article></body></html>""")
    article = clean_html(page, source="x")
    assert article.site_name == "L'Écho du Berry"
    assert article.published == "2022-03-08"
    assert article.url == "https://echo.example.fr/a-b"


def test_decomposed_accents_and_typographic_spaces_are_normalised():
    page = ("<html><body><article><h1>Che\u0301ry : 235\u202f000 euros pour le cabinet</h1>"
            "<p>La commune de Che\u0301ry a vote\u0301 235\u00a0000 euros pour ame\u0301nager "
            "un cabinet me\u0301dical et accueillir deux ge\u0301ne\u0301ralistes.</p>"
            "</article></body></html>")
    article = clean_html(page, source="x")
    assert article.title == "Chéry : 235 000 euros pour le cabinet"
    assert "La commune de Chéry a voté 235 000 euros" in article.text


def test_json_ld_entities_and_french_time():
    page = ("""<html><head><script type="application/ld+json">{"@type": "NewsArticle", """
            """"headline": "Saint-Amand : l&#039;h\\u00f4pital recrute &#8211; enfin", """
            """"datePublished": "2024-01-16T23:30:00Z", "author": {"name": "R&eacute;daction"}}"""
            """</script></head><body><article><h1>Saint-Amand : l'hôpital recrute</h1>"""
            """<p>Le centre hospitalier de Saint-Amand-Montrond annonce l'arrivée de trois """
            """médecins urgentistes au printemps, une première depuis cinq ans.</p>"""
            """</article></body></html>""")
    article = clean_html(page, source="x")
    assert article.title == "Saint-Amand : l'hôpital recrute – enfin"
    assert article.published == "2024-01-17"  # 23:30 UTC is 00:30 in Paris
    assert article.author == "Rédaction"


def test_subscription_offer_lines_are_furniture_but_news_about_money_is_not():
    from nlp.clean import is_furniture_line

    assert is_furniture_line("Offre spéciale : abonnez-vous pour 1 € le premier mois")
    assert is_furniture_line("Abonnement numérique : 1 € le premier mois")
    assert not is_furniture_line("La commune a voté 235 000 euros pour la maison de santé.")
    assert not is_furniture_line("L'abonnement au bus coûte 20 euros")
