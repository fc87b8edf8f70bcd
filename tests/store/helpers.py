"""Builders for store tests: pages and articles written in the style of the seeds."""

from __future__ import annotations

from veille.records import CleanArticle, FetchedPage, FetchFailure


def make_page(
    url: str,
    text: str,
    *,
    source_id: str = "berry",
    run_id: str = "r1",
    published: str | None = "2024-04-05",
    title: str | None = None,
    fetched_at: str = "2024-04-06T02:00:00Z",
) -> FetchedPage:
    title = title or text.split("\n", 1)[0]
    article = CleanArticle(
        source=url,
        text=text,
        title=title,
        published=published,
        url=url,
        lang="fr",
        body_start=len(title) + 2,
    )
    html = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
    return FetchedPage(
        url=url,
        final_url=url,
        source_id=source_id,
        run_id=run_id,
        status=200,
        fetched_at=fetched_at,
        content_type="text/html; charset=utf-8",
        body=html.encode("utf-8"),
        headers={"etag": "x"},
        article=article,
    )


def make_failure(url: str, *, run_id: str = "r1") -> FetchFailure:
    return FetchFailure(
        url=url,
        source_id="berry",
        run_id=run_id,
        reason="http_500",
        detail="500 Internal Server Error",
        at="2024-04-06T02:00:01+00:00",
    )


SOURCES = [
    {
        "id": "berry",
        "name": "Le Berry (test)",
        "region": "24",
        "departements": ["18", "36"],
        "start_urls": ["http://127.0.0.1/berry/"],
        "allowed_domains": ["127.0.0.1"],
    },
    {
        "id": "montagne",
        "name": "La Montagne (test)",
        "region": "84",
        "departements": ["15"],
        "start_urls": ["http://127.0.0.1/montagne/"],
        "allowed_domains": ["127.0.0.1"],
    },
]


FIXTURES = __import__("pathlib").Path(__file__).with_name("fixtures")
# Fixture file -> (outlet, publication date): the copy appears a day later in another outlet.
FIXTURE_META = {
    "bus_medical_creuse.txt": ("montagne", "2024-06-04"),
    "bus_medical_creuse_copie.txt": ("berry", "2024-06-05"),
    "fete_village.txt": ("montagne", "2024-06-24"),
}


def corpus_pages(seeds_dir) -> list[FetchedPage]:
    """The user's seeds plus our fixture articles, as the crawler would hand them over."""
    from dataclasses import replace
    from pathlib import Path

    from nlp.inputs import load_path

    pages = []
    paths = sorted(Path(seeds_dir).glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))
    for n, path in enumerate(paths):
        source_id, published = FIXTURE_META.get(path.name, ("berry", None))
        url = f"https://press.example.fr/{source_id}/{path.stem}.html"
        article = load_path(path)
        article = replace(article, source=url, url=url, published=published or article.published)
        pages.append(
            FetchedPage(
                url=url,
                final_url=url,
                source_id=source_id,
                run_id="r1",
                status=200,
                fetched_at=f"2024-06-{10 + n:02d}T02:00:00Z",
                content_type="text/html",
                body=path.read_bytes(),
                article=article,
            )
        )
    return pages
