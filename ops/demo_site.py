"""Generate the year of invented regional news of the demo press site (demo/site/).

    python -m ops.demo_site            # rewrites demo/site/articles/an-*.txt and the sitemaps

Deterministic (fixed seed and dates): the output is committed, and tests and the
digest's golden file rely on it. Seven invented outlets in seven régions (one
overseas), 51 weeks from 1 December 2025 to 22 November 2026, on top of the
hand-written articles of November 2026. Weekly volume follows a trend (a spring
peak around a national plan, a summer dip, a rise in the autumn); each outlet has
its favourite initiative types; national agency stories are reprinted by two or
three outlets with an edited headline and byline; about a fifth of the pages are
not about medical deserts. Every sentence comes from the French templates in
`ops/demo_texts.py`, written for this demo: the places are real, the people and
events are not.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crawler.fixture_site import MONTHS_FR as MONTHS
from ops.demo_texts import (
    COLOUR,
    LOCAL,
    NAMES,
    NAMES_F,
    NAMES_M,
    NATIONAL,
    NATIONAL_COLOUR,
    OTHER,
    OTHER_COLOUR,
    Template,
)

SITE = Path(__file__).resolve().parents[1] / "demo" / "site"
FIRST_MONDAY = date(2025, 12, 1)
WEEKS = 51  # through Sunday 22 November 2026; the hand-written articles fill November too
SEED = 2026
PREFIX = "an-"  # generated article files; the hand-written ones keep their names
PARIS = ZoneInfo("Europe/Paris")  # the outlets date their pages in French time


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    dep_de: str  # "du Cher": the département with its preposition, for the templates
    communes: tuple[str, ...]
    authors: tuple[str, ...]
    favourite: tuple[str, ...]  # initiative types this outlet's territory reports most
    weight: float  # relative weekly volume


OUTLETS = (
    Outlet(
        "courrier-du-cher",
        "Le Courrier du Cher",
        "du Cher",
        (
            "Lignières",
            "Saint-Florent-sur-Cher",
            "Vierzon",
            "Aubigny-sur-Nère",
            "Sancoins",
            "Châteaumeillant",
            "Dun-sur-Auron",
            "Mehun-sur-Yèvre",
        ),
        ("Claire Monnet", "Julien Barreau"),
        ("centre_de_sante", "maison_de_sante"),
        1.0,
    ),
    Outlet(
        "gazette-des-vosges",
        "La Gazette des Vosges",
        "des Vosges",
        (
            "Bruyères",
            "Neufchâteau",
            "Remiremont",
            "Rambervillers",
            "Mirecourt",
            "Châtel-sur-Moselle",
            "Vittel",
            "Charmes",
        ),
        ("Sophie Klein", "Thomas Hurst"),
        ("cabinet_mobile", "telemedecine"),
        1.0,
    ),
    Outlet(
        "echo-du-cantal",
        "L'Écho du Cantal",
        "du Cantal",
        (
            "Mauriac",
            "Riom-ès-Montagnes",
            "Saint-Flour",
            "Murat",
            "Maurs",
            "Ydes",
            "Pleaux",
            "Allanche",
        ),
        ("Pierre Vergne", "Léa Chassang"),
        ("temps_partage", "formation_internes"),
        0.9,
    ),
    Outlet(
        "journal-de-la-nievre",
        "Le Journal de la Nièvre",
        "de la Nièvre",
        (
            "Clamecy",
            "Cosne-Cours-sur-Loire",
            "Decize",
            "Luzy",
            "Corbigny",
            "Lormes",
            "Prémery",
            "Saint-Pierre-le-Moûtier",
        ),
        ("Anne Berthier", "Marc Delorme"),
        ("centre_de_sante", "aide_installation"),
        1.1,
    ),
    Outlet(
        "petit-gersois",
        "Le Petit Gersois",
        "du Gers",
        (
            "Mirande",
            "Lectoure",
            "Nogaro",
            "Eauze",
            "Condom",
            "Fleurance",
            "Samatan",
            "Vic-Fezensac",
        ),
        ("Hélène Dauzat", "Bruno Lacoste"),
        ("maison_de_sante", "exercice_coordonne"),
        0.8,
    ),
    Outlet(
        "reveil-de-l-orne",
        "Le Réveil de l'Orne",
        "de l'Orne",
        (
            "Mortagne-au-Perche",
            "L'Aigle",
            "Bellême",
            "Sées",
            "Gacé",
            "La Ferté-Macé",
            "Argentan",
            "Vimoutiers",
        ),
        ("Nicolas Lemaire", "Camille Hébert"),
        ("recrutement", "mobilisation"),
        1.0,
    ),
    Outlet(
        "echo-des-hauts",
        "L'Écho des Hauts (La Réunion)",
        "de La Réunion",
        (
            "Cilaos",
            "Salazie",
            "Entre-Deux",
            "Bras-Panon",
            "Petite-Île",
            "La Plaine-des-Palmistes",
            "Sainte-Rose",
            "Saint-Philippe",
        ),
        ("Maëva Payet", "Jean-Luc Hoarau"),
        ("telemedecine", "cabinet_mobile"),
        0.7,
    ),
)
# The three outlets that existed before the year was generated keep their RSS feed.
WITH_FEED = {"courrier-du-cher", "gazette-des-vosges", "echo-du-cantal"}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    published: datetime
    section: str
    author: str
    standfirst: str
    body: tuple[str, ...]

    def text(self) -> str:
        head = (
            f"path: {self.path}\ntitle: {self.title}\n"
            f"date: {self.published.isoformat()}\nsection: {self.section}\n"
            f"author: {self.author}\nstandfirst: {self.standfirst}\n"
        )
        return head + "\n" + "\n\n".join(self.body) + "\n"


def slugify(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:80]


def week_volume(i: int) -> float:
    """Relevant stories per outlet-week: a spring peak, a summer dip, an autumn rise."""
    spring = 0.6 if 13 <= i <= 17 else 0.0  # March 2026: the national plan and its reactions
    summer = -0.3 if 31 <= i <= 38 else 0.0  # July and August
    return max(0.1, 0.3 + 0.4 * i / WEEKS + spring + summer)


def _values(rng: random.Random, outlet: Outlet, commune: str, when: datetime) -> dict[str, str]:
    others = [c for c in outlet.communes if c != commune]
    return {
        "c": commune,
        "c2": rng.choice(others),
        "dep_de": outlet.dep_de,
        "jour": DAYS[when.weekday()] if when.weekday() < 6 else "dimanche",
        "mois": MONTHS[(when.month - 2) % 12],
        "nm": rng.choice(("Deux", "Trois", "Quatre")),
        "ni": rng.choice(("deux", "trois", "quatre", "cinq")),
        "n": str(rng.randint(3, 6)),
        "hab": f"{rng.randint(8, 40) * 100:,}".replace(",", " "),
        "mont": f"{rng.randint(6, 30) * 100_000:,}".replace(",", " "),
        "prime": f"{rng.choice((10, 15, 20, 25, 30))} 000",
        "sig": f"{rng.randint(8, 60) * 100:,}".replace(",", " "),
        "dens": str(rng.randint(58, 92)),
        "consult": str(rng.randint(30, 120) * 10),
        "age": str(rng.randint(66, 74)),
        "nom": rng.choice(NAMES),
        "nom_f": rng.choice(NAMES_F),
        "nom_m": rng.choice(NAMES_M),
        "mois_suivant": MONTHS[when.month % 12],
        "pct": str(rng.randint(8, 24)),
    }


def _render(
    t: Template, values: dict[str, str], rng: random.Random | None = None
) -> tuple[str, str, tuple[str, ...]]:
    body = [p.format(**values) for p in t.body]
    if rng is not None:  # local pages: drop a paragraph, add two of local colour
        if len(body) >= 3:
            body.pop(rng.randrange(1, len(body)))
        pool = COLOUR if t.type else OTHER_COLOUR
        colour = [s.format(**values) for s in rng.sample(pool, 5)]
        body.insert(1, " ".join(colour[:2]))
        body.append(" ".join(colour[2:]))
    return t.title.format(**values), t.standfirst.format(**values), tuple(body)


def _when(rng: random.Random, monday: date) -> datetime:
    day = monday + timedelta(days=rng.randint(0, 5))
    return datetime(
        day.year, day.month, day.day, rng.randint(6, 19), rng.choice((0, 15, 30, 45)), tzinfo=PARIS
    )


def _page(
    outlet: Outlet,
    t: Template,
    when: datetime,
    values: dict[str, str],
    author: str,
    title: str | None = None,
    rng: random.Random | None = None,
) -> Page:
    t_title, standfirst, body = _render(t, values, rng)
    title = title or t_title
    path = f"/{outlet.slug}/{slugify(t.section)}/{when:%Y/%m}/{slugify(title)}-{when:%d%H%M}.html"
    return Page(path, title, when, t.section, author, standfirst, body)


def generate() -> dict[str, list[Page]]:
    """Pages per outlet slug, in publication order."""
    rng = random.Random(SEED)
    pages: dict[str, list[Page]] = {o.slug: [] for o in OUTLETS}
    for i in range(WEEKS):
        monday = FIRST_MONDAY + timedelta(weeks=i)
        for outlet in OUTLETS:
            expected = week_volume(i) * outlet.weight
            n = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(n):
                fav = rng.random() < 0.5
                pool = [t for t in LOCAL if t.type in outlet.favourite] if fav else LOCAL
                t = rng.choice(pool)
                commune = rng.choice(outlet.communes)
                when = _when(rng, monday)
                pages[outlet.slug].append(
                    _page(
                        outlet,
                        t,
                        when,
                        _values(rng, outlet, commune, when),
                        rng.choice(outlet.authors),
                        rng=rng,
                    )
                )
            if rng.random() < 0.3:  # sport, culture, roads: pages the filter must drop
                t = rng.choice(OTHER)
                when = _when(rng, monday)
                pages[outlet.slug].append(
                    _page(
                        outlet,
                        t,
                        when,
                        _values(rng, outlet, rng.choice(outlet.communes), when),
                        rng.choice(outlet.authors),
                        rng=rng,
                    )
                )
        # A national agency story every ten weeks, reprinted by 2 or 3 outlets (one story).
        if i % 10 == 3:
            t = NATIONAL[(i // 10) % len(NATIONAL)]
            first = _when(rng, monday)
            extra = " ".join(rng.sample(NATIONAL_COLOUR, 3))
            body = (*t.body, extra)
            for j, outlet in enumerate(rng.sample(OUTLETS, rng.choice((2, 3)))):
                when = first + timedelta(hours=2 * j)
                title = t.title if j == 0 else t.alt_titles[(j - 1) % len(t.alt_titles)]
                author = (
                    "Service France"
                    if j == 0
                    else rng.choice(("Avec le Service France", "La rédaction, avec agence"))
                )
                copy = Template(t.type, t.section, title, t.standfirst, body)
                pages[outlet.slug].append(_page(outlet, copy, when, {}, author))
    for lst in pages.values():
        lst.sort(key=lambda p: p.published)
    return pages


def _sitemaps(
    outlet: Outlet, pages: list[Page], handwritten: list[tuple[str, str]]
) -> dict[str, str]:
    """Relative path -> XML: one sitemap per month and a dated index ($base filled at serve
    time by crawler.fixture_site)."""
    by_month: dict[str, list[tuple[str, str]]] = {}
    for p in pages:
        by_month.setdefault(f"{p.published:%Y-%m}", []).append(
            (p.path, p.published.date().isoformat())
        )
    for path, day in handwritten:
        by_month.setdefault(day[:7], []).append((path, day))
    files = {}
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    index = []
    for month, entries in sorted(by_month.items()):
        urls = "".join(
            f"<url><loc>$base{path}</loc><lastmod>{day}</lastmod></url>\n"
            for path, day in sorted(entries, key=lambda e: e[1])
        )
        files[f"{outlet.slug}/sitemaps/{month}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>\n{urls}</urlset>\n'
        )
        last = max(day for _, day in entries)
        index.append(
            f"<sitemap><loc>$base/{outlet.slug}/sitemaps/{month}.xml</loc>"
            f"<lastmod>{last}</lastmod></sitemap>\n"
        )
    files[f"{outlet.slug}/sitemap-index.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {ns}>\n{"".join(index)}'
        "</sitemapindex>\n"
    )
    return files


def write(site: Path = SITE) -> int:
    """Rewrite the generated part of `site`; returns the number of generated articles."""
    folder = site / "articles"
    for old in folder.glob(f"{PREFIX}*.txt"):
        old.unlink()
    handwritten: dict[str, list[tuple[str, str]]] = {}
    for file in sorted(folder.glob("*.txt")):
        head = file.read_text(encoding="utf-8").partition("\n\n")[0]
        meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        handwritten.setdefault(meta["path"].split("/")[1], []).append(
            (meta["path"], meta["date"][:10])
        )
    pages = generate()
    count = 0
    for outlet in OUTLETS:
        for k, page in enumerate(pages[outlet.slug]):
            (folder / f"{PREFIX}{outlet.slug}-{k:03d}.txt").write_text(
                page.text(), encoding="utf-8"
            )
            count += 1
        for sub in (site / outlet.slug / "sitemaps").glob("*.xml"):
            sub.unlink()
        for rel, text in _sitemaps(
            outlet, pages[outlet.slug], handwritten.get(outlet.slug, [])
        ).items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8")
    return count


if __name__ == "__main__":
    print(f"{write()} generated articles in {SITE / 'articles'}")
