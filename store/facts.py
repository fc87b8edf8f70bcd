"""Analysis <-> table rows. The one place that knows how an Analysis is laid out in tables.

`rows_for(article_id, analysis)` gives the rows to insert; `analysis_from_rows` (used
by store.queries) rebuilds the identical record, so `veille export --format jsonl`
prints exactly what `veille analyze` printed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from store.ids import fact_id
from veille.records import Analysis, AreaLink, CommuneLink, Figure, Initiative, Span

# Table -> column order used by the bulk inserts (matches the migrations).
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "article_communes": (
        "article_id",
        "insee",
        "name",
        "departement",
        "region",
        "is_primary",
        "ordinal",
    ),
    "commune_mentions": ("article_id", "insee", "start_offset", "end_offset", "text"),
    "article_areas": ("article_id", "level", "code", "name", "ordinal"),
    "area_mentions": ("article_id", "level", "code", "name", "start_offset", "end_offset", "text"),
    "initiatives": (
        "initiative_id",
        "article_id",
        "ordinal",
        "type",
        "status",
        "actors",
        "commune_insee",
        "evidence_start",
        "evidence_end",
        "evidence_text",
    ),
    "figures": (
        "figure_id",
        "article_id",
        "ordinal",
        "kind",
        "value",
        "unit",
        "text",
        "start_offset",
        "end_offset",
        "commune_insee",
    ),
}


def rows_for(article_id: str, analysis: Analysis) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per fact table for one analysed article (duplicates dropped, first kept)."""
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in FACT_COLUMNS}
    seen: dict[str, set[Any]] = defaultdict(set)

    def add(table: str, key: Any, row: tuple[Any, ...]) -> None:
        if key not in seen[table]:  # the primary key must hold even if the NLP repeats itself
            seen[table].add(key)
            out[table].append(row)

    for n, c in enumerate(analysis.communes):
        add(
            "article_communes",
            c.insee,
            (article_id, c.insee, c.name, c.departement, c.region, c.primary, n),
        )
        for m in c.mentions:
            add(
                "commune_mentions",
                (m.start, c.insee),
                (article_id, c.insee, m.start, m.end, m.text),
            )
    for level, links in (("departement", analysis.departements), ("region", analysis.regions)):
        for n, a in enumerate(links):
            add("article_areas", (level, a.code), (article_id, level, a.code, a.name, n))
            for m in a.mentions:
                add(
                    "area_mentions",
                    (level, a.code, m.start),
                    (article_id, level, a.code, a.name, m.start, m.end, m.text),
                )
    for n, i in enumerate(analysis.initiatives):
        ev = i.evidence
        iid = fact_id(article_id, i.type, i.commune_insee, ev.start, ev.end)
        if iid in seen["initiatives"]:
            iid = fact_id(article_id, i.type, i.commune_insee, ev.start, ev.end, n)
        add(
            "initiatives",
            iid,
            (
                iid,
                article_id,
                n,
                i.type,
                i.status,
                list(i.actors),
                i.commune_insee,
                ev.start,
                ev.end,
                ev.text,
            ),
        )
    for n, f in enumerate(analysis.figures):
        fid = fact_id(article_id, f.kind, f.start, f.end)
        if fid in seen["figures"]:
            fid = fact_id(article_id, f.kind, f.start, f.end, n)
        add(
            "figures",
            fid,
            (
                fid,
                article_id,
                n,
                f.kind,
                float(f.value),
                f.unit,
                f.text,
                f.start,
                f.end,
                f.commune_insee,
            ),
        )
    return out


def analysis_from_rows(
    article: Mapping[str, Any], facts: Mapping[str, Iterable[Mapping[str, Any]]]
) -> Analysis:
    """Rebuild the Analysis of one article from its row and its fact rows (dicts by column)."""
    mentions: dict[str, list[Span]] = defaultdict(list)
    for m in sorted(
        facts.get("commune_mentions", ()), key=lambda r: (r["start_offset"], r["end_offset"])
    ):
        mentions[m["insee"]].append(Span(m["start_offset"], m["end_offset"], m["text"]))
    communes = tuple(
        CommuneLink(
            insee=c["insee"],
            name=c["name"],
            departement=c["departement"],
            region=c["region"],
            primary=bool(c["is_primary"]),
            mentions=tuple(mentions[c["insee"]]),
        )
        for c in sorted(facts.get("article_communes", ()), key=lambda r: r["ordinal"])
    )
    area_mentions: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for m in sorted(
        facts.get("area_mentions", ()), key=lambda r: (r["start_offset"], r["end_offset"])
    ):
        area_mentions[(m["level"], m["code"])].append(
            Span(m["start_offset"], m["end_offset"], m["text"])
        )
    areas: dict[str, list[AreaLink]] = {"departement": [], "region": []}
    for a in sorted(facts.get("article_areas", ()), key=lambda r: (r["level"], r["ordinal"])):
        areas[a["level"]].append(
            AreaLink(a["code"], a["name"], tuple(area_mentions[(a["level"], a["code"])]))
        )
    initiatives = tuple(
        Initiative(
            type=i["type"],
            commune_insee=i["commune_insee"],
            actors=tuple(i["actors"] or ()),
            status=i["status"],
            evidence=Span(i["evidence_start"], i["evidence_end"], i["evidence_text"]),
        )
        for i in sorted(facts.get("initiatives", ()), key=lambda r: r["ordinal"])
    )
    figures = tuple(
        Figure(
            value=f["value"],
            kind=f["kind"],
            unit=f["unit"],
            text=f["text"],
            start=f["start_offset"],
            end=f["end_offset"],
            commune_insee=f["commune_insee"],
        )
        for f in sorted(facts.get("figures", ()), key=lambda r: r["ordinal"])
    )
    return Analysis(
        source=article["url"],
        title=article["title"],
        published=article["published_text"],
        lang=article["lang"],
        communes=communes,
        departements=tuple(areas["departement"]),
        regions=tuple(areas["region"]),
        relevant=bool(article["relevant"]),
        relevance=float(article["relevance"] or 0.0),
        initiatives=initiatives,
        figures=figures,
    )
