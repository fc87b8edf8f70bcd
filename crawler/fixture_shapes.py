"""Real-world shapes for the fixture site (crawler.fixture_site): "Le Courrier du
Morvan", an outlet under /morvan/ written for the tests, with the page shapes real
regional outlets serve:

- a feed that starts with a UTF-8 byte order mark and an XML comment, whose entries
  still point to the outlet's *old* host (`localhost`), which answers 301 to the new
  one (`127.0.0.1`);
- a Google News sitemap index: one recent news sitemap (news:news, tracking
  parameters in the URLs) and a stale monthly archive that must not be followed;
- a listing paginated three ways (rel="next", ?page=2, /page/3/) over 25 articles
  with date-path, short-id URLs, next to town and section pages that are not
  articles (/nevers-58000/, /val-d-oise-95/);
- one subscribers-only teaser (JSON-LD isAccessibleForFree false, "réservé aux
  abonnés", a body cut short).

The articles are generated from short French templates of our own (facts only).
"""

from __future__ import annotations

import json

PREFIX = "/morvan/"
OLD_HOST = "localhost"  # the outlet's former host name: every page answers 301
ARTICLE_COUNT = 25
PAYWALLED_INDEX = 7  # the one subscribers-only teaser among the 25
FEED_ENTRIES = 5  # the feed lists the five newest, on the old host
NEWS_ENTRIES = 6  # the news sitemap lists the six newest, on the new host
PAGES = ((0, 10), (10, 20), (20, 25))  # articles on listing pages 1, 2, 3

_TOWNS = ("Château-Chinon", "Lormes", "Luzy", "Moulins-Engilbert", "Saint-Honoré-les-Bains",
          "Montsauche-les-Settons", "Corbigny", "Quarré-les-Tombes", "Saulieu", "Autun",
          "Avallon", "Clamecy", "Decize", "Ouroux-en-Morvan", "Arleuf", "Glux-en-Glenne",
          "Planchez", "Alligny-en-Morvan", "Brassy", "Dun-les-Places", "Gouloux",
          "Lavault-de-Frétoy", "Onlay", "Villapourçon", "Anost")
_TOPICS = (
    ("un médecin généraliste s'installe au bourg", "installation",
     "Le cabinet rouvre après {n} mois sans praticien : {k} patients attendaient un médecin "
     "traitant."),
    ("la maison de santé cherche deux généralistes", "recrutement",
     "La structure compte {k} professionnels mais plus que {n} médecins pour tout le canton."),
    ("une cabine de téléconsultation à la pharmacie", "téléconsultation",
     "La cabine a servi {k} fois en {n} semaines, surtout le samedi matin."),
    ("le bus santé passe désormais chaque mois", "bus santé",
     "Le véhicule a reçu {k} personnes lors de ses {n} premières tournées."),
)
_NAV = ("nevers-58000/", "val-d-oise-95/", "chateau-chinon-58120/", "nievre-58/",
        "rubrique/sante/", "2024/11/", "abonnement/", "auteurs/redaction/")


def _shape(i: int) -> str:
    """Three URL shapes seen on real outlets, all with a date and a short id."""
    day = 28 - i  # article 0 is the newest
    ident = f"{(i * 7919) % 9000 + 1000:x}"  # a short id, e.g. "1f2b"
    word = ("medecin", "sante", "cabine", "bus")[i % 4]
    if i % 3 == 0:
        return f"{PREFIX}2024/11/{day:02d}/{ident}-{word}"
    if i % 3 == 1:
        return f"{PREFIX}{300000 + i * 37}/article/2024-11-{day:02d}/{word}/"
    return f"{PREFIX}article/sante/{500000 + i * 41}/{word}-{ident}"


def articles() -> dict[str, dict[str, str]]:
    """path -> article meta, in the format of crawler.fixture_site.load_articles."""
    out = {}
    for i in range(ARTICLE_COUNT):
        town = _TOWNS[i]
        topic, section, fact = _TOPICS[i % len(_TOPICS)]
        n, k = 3 + i % 9, 120 + 37 * i
        paragraphs = [
            fact.format(n=n, k=k),
            f"À {town}, la mairie suit le dossier depuis le printemps. L'agence régionale de "
            f"santé a été sollicitée à {n} reprises, selon l'adjoint chargé des solidarités.",
            f"Le département de la Nièvre compte parmi les moins bien dotés de la région en "
            f"médecins libéraux. Les élus de la communauté de communes évoquent {k} foyers "
            f"concernés et espèrent une réponse avant l'été.",
        ]
        meta = {
            "path": _shape(i), "title": f"{town} : {topic}",
            "date": f"2024-11-{28 - i:02d}T08:{i:02d}:00+01:00", "section": section.capitalize(),
            "author": "Rédaction du Morvan",
            "standfirst": f"{town} ({section}) : ce qui change pour les habitants.",
            "body": "\n\n".join(paragraphs),
        }
        if i == PAYWALLED_INDEX:
            meta["body"] = paragraphs[0] + " La suite de cet article est réservée aux abonnés."
            meta["paywalled"] = "1"
        out[meta["path"]] = meta
    return out


def paywall_markup(page: bytes) -> bytes:
    """Turn a rendered article into a subscribers-only teaser, as outlets do."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "isAccessibleForFree": False,
                     "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                                 "cssSelector": ".reserve-abonnes"}})
    page = page.replace(b"</head>", f'<script type="application/ld+json">{ld}</script>\n'
                        "</head>".encode(), 1)
    return page.replace(b'<div class="article-corps">',
                        '<div class="bandeau-premium">Article réservé aux abonnés</div>\n'
                        '  <div class="article-corps reserve-abonnes">'.encode(), 1)


def listing(page: int, base: str, metas: list[dict[str, str]]) -> bytes:
    start, end = PAGES[page - 1]
    cards = "\n".join(
        f'<article class="carte"><h3><a href="{m["path"]}">{m["title"]}</a></h3>'
        f'<p>{m["standfirst"]}</p></article>' for m in metas[start:end])
    nav = " | ".join(f'<a href="{PREFIX}{p}">{p.strip("/").split("/")[-1].title()}</a>'
                     for p in _NAV)
    head_next = (f'<link rel="next" href="{PREFIX}sante/?page=2">' if page == 1 else "")
    foot = {1: "", 2: f'<a class="suivant" href="{PREFIX}sante/page/3/">Page suivante</a>',
            3: f'<a href="{PREFIX}sante/?page=2">Page précédente</a>'}[page]
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Santé - page '
            f'{page} - Le Courrier du Morvan</title>{head_next}</head><body>'
            f'<header><a href="{PREFIX}">Le Courrier du Morvan</a><nav>{nav}</nav></header>'
            f'<main><h1>Santé</h1>{cards}<p class="pagination">{foot}</p></main>'
            '<footer><a href="https://www.facebook.com/courrier-du-morvan">Facebook</a>'
            f'</footer></body></html>').encode()


def feed(port: str, metas: list[dict[str, str]]) -> bytes:
    """RSS with a UTF-8 BOM and a comment before the root; links on the old host."""
    items = "".join(
        f"<item><title>{m['title']}</title><link>http://{OLD_HOST}:{port}{m['path']}"
        f"?utm_source=rss</link></item>\n" for m in metas[:FEED_ENTRIES])
    text = ("<!-- generated by the outlet's CMS -->\n<?xml-stylesheet type=\"text/xsl\" "
            "href=\"/flux.xsl\"?>\n<rss version=\"2.0\"><channel><title>Le Courrier du Morvan"
            f"</title>\n{items}</channel></rss>\n")
    return b"\xef\xbb\xbf" + text.encode()


def sitemap_index(base: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps'
            f'.org/schemas/sitemap/0.9">\n<sitemap><loc>{base}{PREFIX}sitemap-news.xml</loc>'
            f'<lastmod>2024-11-28T09:00:00+01:00</lastmod></sitemap>\n<sitemap><loc>{base}'
            f'{PREFIX}sitemap-2019-01.xml</loc><lastmod>2019-01-31</lastmod></sitemap>\n'
            '</sitemapindex>\n').encode()


def news_sitemap(base: str, metas: list[dict[str, str]]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{m['path']}?xtor=RSS-12</loc><news:news><news:publication>"
        "<news:name>Le Courrier du Morvan</news:name><news:language>fr</news:language>"
        f"</news:publication><news:publication_date>{m['date']}</news:publication_date>"
        f"<news:title>{m['title']}</news:title></news:news></url>\n"
        for m in metas[:NEWS_ENTRIES])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"\n{urls}</urlset>\n").encode()


def stale_sitemap(base: str) -> bytes:
    """A 2019 archive sitemap: its page is gone, so following it would store a fault."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9"><url><loc>{base}{PREFIX}2019/01/30/a1b2-archive</loc>'
            '</url></urlset>\n').encode()


TDMREP = json.dumps([{"location": "/", "tdm-reservation": 1,
                      "tdm-policy": "https://example.org/tdm-policy.json"}]).encode()
