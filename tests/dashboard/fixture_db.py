"""A small store for the dashboard tests, written through the real store code.

Articles are our own French text; facts are hand-built Analysis records written by
store.process.write_batch (no spaCy needed), stories by store.stories, the gazetteer
by store.gazetteer, and optionally the embeddings by store.similar (loads a model).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from store.ids import article_id
from store.process import write_batch
from store.writer import Writer
from veille.records import (
    Analysis,
    CommuneLink,
    FetchedPage,
    FetchFailure,
    Figure,
    Initiative,
    Span,
)

XSS_TITLE = "<img src=x onerror=alert(1)>"
SOURCES = [
    {
        "id": "berry",
        "name": "Le Berry (essai)",
        "region": "24",
        "departements": ["18", "36"],
        "start_urls": ["http://127.0.0.1/berry/"],
        "allowed_domains": ["127.0.0.1"],
    },
    {
        "id": "creuse",
        "name": "L'Écho creusois (essai)",
        "region": "75",
        "departements": ["23"],
        "start_urls": ["http://127.0.0.1/creuse/"],
        "allowed_domains": ["127.0.0.1"],
    },
]
# insee -> (name, département, region)
PLACES = {
    "18052": ("Charenton-du-Cher", "18", "24"),
    "18197": ("Saint-Amand-Montrond", "18", "24"),
    "23096": ("Guéret", "23", "75"),
    "36044": ("Châteauroux", "36", "24"),
}


@dataclass(frozen=True)
class Doc:
    """One article: title, body, date, outlet, primary commune, initiative, figure."""

    slug: str
    title: str
    body: str
    published: str
    source: str
    insee: str
    initiative: tuple[str, str | None, str] | None = None
    figure: tuple[float, str, str, str] | None = None  # value, kind, unit, text as written


DOCS = [
    Doc(
        "charenton-msp",
        "Charenton-du-Cher : la maison de santé ouvrira en septembre",
        "La commune de Charenton-du-Cher annonce l'ouverture d'une maison de santé "
        "pluriprofessionnelle. "
        "Le bâtiment accueillera trois médecins généralistes et deux infirmières. "
        "Le maire rappelle que 1 200 habitants n'ont plus de médecin traitant.",
        "2024-06-03",
        "berry",
        "18052",
        (
            "maison_de_sante",
            "projet",
            "annonce l'ouverture d'une maison de santé pluriprofessionnelle",
        ),
        (1200.0, "habitants", "habitants", "1 200 habitants"),
    ),
    Doc(
        "gueret-centre",
        "Guéret : le département salarie des médecins au centre de santé",
        "À Guéret, le conseil départemental a ouvert un centre de santé où les médecins "
        "sont salariés. "
        "Quatre praticiens y consultent déjà depuis le printemps. Le président du département "
        "explique que ce modèle permet d'attirer de jeunes médecins qui ne veulent pas s'installer "
        "seuls en libéral, et que deux autres centres sont prévus dans le département.",
        "2024-06-04",
        "creuse",
        "23096",
        ("centre_de_sante", "ouvert", "a ouvert un centre de santé où les médecins sont salariés"),
        (4.0, "medecins", "médecins", "Quatre praticiens"),
    ),
    Doc(
        "saint-amand-bus",
        "Saint-Amand-Montrond : un bus médical sillonne les villages",
        "Un cabinet médical itinérant s'arrête chaque mardi à Saint-Amand-Montrond. "
        "Le bus médical a assuré 350 consultations le premier mois.",
        "2024-05-28",
        "berry",
        "18197",
        ("cabinet_mobile", "ouvert", "Un cabinet médical itinérant s'arrête chaque mardi"),
        (350.0, "consultations", "consultations", "350 consultations"),
    ),
    Doc(
        "chateauroux-internes",
        "Châteauroux accueille des internes en médecine générale",
        "L'hôpital de Châteauroux accueille douze internes en médecine générale ce semestre. "
        "La ville finance leur logement pour les inciter à s'installer.",
        "2024-05-21",
        "berry",
        "36044",
        ("formation_internes", None, "accueille douze internes en médecine générale"),
    ),
    Doc(
        "xss",
        XSS_TITLE,
        "Un titre piégé <script>alert(2)</script> ne doit jamais être interprété. "
        "Charenton-du-Cher cherche toujours un médecin.",
        "2024-06-05",
        "berry",
        "18052",
        ("recrutement", None, "cherche toujours un médecin"),
    ),
]
# The Guéret article reprinted by the other outlet: one story, two articles.
COPY = Doc(
    "gueret-centre-reprise",
    DOCS[1].title,
    DOCS[1].body,
    "2024-06-05",
    "berry",
    "23096",
    DOCS[1].initiative,
    DOCS[1].figure,
)


def _page(doc: Doc, run_id: str) -> FetchedPage:
    from veille.records import CleanArticle

    url = f"https://presse.example.fr/{doc.source}/{doc.slug}.html"
    text = f"{doc.title}\n\n{doc.body}"
    art = CleanArticle(
        source=url,
        text=text,
        title=doc.title,
        published=doc.published,
        url=url,
        lang="fr",
        body_start=len(doc.title) + 2,
    )
    return FetchedPage(
        url=url,
        final_url=url,
        source_id=doc.source,
        run_id=run_id,
        status=200,
        fetched_at=f"{doc.published}T02:00:00Z",
        content_type="text/html",
        body=f"<html><body><p>{doc.body}</p></body></html>".encode(),
        article=art,
    )


def _analysis(doc: Doc, page: FetchedPage) -> Analysis:
    text = page.article.text
    name, dep, reg = PLACES[doc.insee]
    mentions = tuple(Span(i, i + len(name), name) for i in _all(text, name))
    inits: tuple[Initiative, ...] = ()
    if doc.initiative:
        kind, status, phrase = doc.initiative
        s = text.index(phrase)
        actors = ("conseil départemental",) if doc.slug.startswith("gueret") else ()
        inits = (Initiative(kind, doc.insee, actors, status, Span(s, s + len(phrase), phrase)),)
    figs: tuple[Figure, ...] = ()
    if doc.figure:
        value, kind, unit, written = doc.figure
        s = text.index(written)
        figs = (Figure(value, kind, unit, written, s, s + len(written), doc.insee),)
    return Analysis(
        source=page.url,
        title=doc.title,
        published=doc.published,
        lang="fr",
        communes=(CommuneLink(doc.insee, name, dep, reg, True, mentions),),
        relevant=True,
        relevance=0.9,
        initiatives=inits,
        figures=figs,
    )


def _all(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def build(path: Path, *, embed_model: str | None = None) -> Path:
    """Write the fixture store at `path` (a fresh file) and return it."""
    from store.gazetteer import ensure_gazetteer
    from store.stories import update_stories

    docs = [*DOCS, COPY]
    with Writer.open(path) as w:
        w.upsert_sources(SOURCES)
        run_id = w.start_run(kind="crawl", sources=[s["id"] for s in SOURCES])
        pages = [_page(d, run_id) for d in docs]
        w.save_pages(pages)
        w.save_failures(
            [
                FetchFailure(
                    url="https://presse.example.fr/creuse/panne.html",
                    source_id="creuse",
                    run_id=run_id,
                    reason="http_500",
                    detail="500 Erreur serveur",
                    at="2024-06-05T02:00:01+00:00",
                )
            ]
        )
        w.finish_run(run_id, status="partial", summary={"sources": {"berry": {"fetched": 5}}})
        ensure_gazetteer(w.con)
        write_batch(
            w.con,
            "test",
            [(article_id(p.url), _analysis(d, p)) for d, p in zip(docs, pages, strict=True)],
            [],
        )
        update_stories(w.con)
        if embed_model:
            from store.similar import embed_pending

            embed_pending(w.con, model_id=embed_model)
    return path
