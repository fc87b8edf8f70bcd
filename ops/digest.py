"""`veille digest --week YYYY-Www`: the week's summary staff can e-mail.

New initiatives by region (one line per story, type and commune: syndicated
copies once), notable figures, links to the articles. Read from the public views
of the published snapshot. HTML output escapes every scraped value.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")
_NOTABLE_KINDS = ("densite", "medecins", "patients", "habitants", "montant", "pourcentage", "duree")
_MAX_FIGURES = 15


@dataclass(frozen=True)
class DigestItem:
    kind: str  # initiative type or figure kind
    place: str
    text: str  # evidence sentence or figure as written
    title: str
    url: str
    published: str
    outlets: int = 1


@dataclass(frozen=True)
class Digest:
    week: str
    monday: date
    initiatives_by_region: tuple[tuple[str, tuple[DigestItem, ...]], ...]
    figures: tuple[DigestItem, ...]
    n_relevant_stories: int


def parse_week(text: str) -> date:
    """'2026-W46' -> the Monday of that ISO week."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValueError(f"--week must look like 2026-W46, got {text!r}")
    try:
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week (weeks run 01 to 52 or 53)") from None


def build_digest(con: Any, monday: date) -> Digest:
    from store.queries import week_figures, week_initiatives, week_relevant_stories

    rows = week_initiatives(con, monday)
    by_region: dict[str, list[DigestItem]] = {}
    for region, kind, commune, evidence, title, url, published, n_sources in rows:
        by_region.setdefault(region, []).append(
            DigestItem(
                kind=kind,
                place=commune,
                text=evidence,
                title=title or url,
                url=url,
                published=str(published or ""),
                outlets=int(n_sources or 1),
            )
        )
    figs = week_figures(con, monday, kinds=_NOTABLE_KINDS, limit=_MAX_FIGURES)
    figures = tuple(
        DigestItem(kind=k, place=p, text=t, title=ti or u, url=u, published=str(d or ""))
        for k, p, t, ti, u, d in figs
    )
    n = week_relevant_stories(con, monday)
    iso = monday.isocalendar()
    return Digest(
        week=f"{iso.year}-W{iso.week:02d}",
        monday=monday,
        initiatives_by_region=tuple((r, tuple(items)) for r, items in by_region.items()),
        figures=figures,
        n_relevant_stories=int(n),
    )


def render(d: Digest, *, fmt: str) -> str:
    if fmt == "md":
        return _markdown(d)
    if fmt == "html":
        return _html(d)
    raise ValueError("format must be md or html")


def _period(d: Digest) -> str:
    return f"{d.monday:%d/%m/%Y} – {d.monday + timedelta(days=6):%d/%m/%Y}"


def _md_text(text: str) -> str:
    """Scraped text in Markdown: no markup injection through brackets, stars or HTML."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def _markdown(d: Digest) -> str:
    out = [
        f"# Veille déserts médicaux — semaine {d.week} ({_period(d)})",
        "",
        f"{d.n_relevant_stories} sujet(s) pertinent(s) cette semaine.",
        "",
        "## Nouvelles initiatives par région",
        "",
    ]
    if not d.initiatives_by_region:
        out += ["Aucune initiative relevée cette semaine.", ""]
    for region, items in d.initiatives_by_region:
        out += [f"### {_md_text(region)}", ""]
        for it in items:
            place = f" — {_md_text(it.place)}" if it.place else ""
            copies = f" ({it.outlets} journaux)" if it.outlets > 1 else ""
            out.append(
                f"- **{it.kind}**{place} : {_md_text(it.text)} "
                f"[{_md_text(it.title)}](<{it.url}>){copies}"
            )
        out.append("")
    out += ["## Chiffres notables", ""]
    if not d.figures:
        out += ["Aucun chiffre relevé cette semaine.", ""]
    for f in d.figures:
        place = f" ({_md_text(f.place)})" if f.place else ""
        out.append(f"- {f.kind}{place} : « {_md_text(f.text)} » — [{_md_text(f.title)}](<{f.url}>)")
    return "\n".join(out).rstrip() + "\n"


def _html(d: Digest) -> str:
    e = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Veille déserts médicaux — {e(d.week)}</title></head><body>",
        f"<h1>Veille déserts médicaux — semaine {e(d.week)} ({e(_period(d))})</h1>",
        f"<p>{d.n_relevant_stories} sujet(s) pertinent(s) cette semaine.</p>",
        "<h2>Nouvelles initiatives par région</h2>",
    ]
    if not d.initiatives_by_region:
        parts.append("<p>Aucune initiative relevée cette semaine.</p>")
    for region, items in d.initiatives_by_region:
        parts.append(f"<h3>{e(region)}</h3><ul>")
        for it in items:
            place = f" — {e(it.place)}" if it.place else ""
            copies = f" ({it.outlets} journaux)" if it.outlets > 1 else ""
            parts.append(
                f"<li><strong>{e(it.kind)}</strong>{place} : {e(it.text)} "
                f'<a href="{e(_safe_url(it.url))}">{e(it.title)}</a>{copies}</li>'
            )
        parts.append("</ul>")
    parts.append("<h2>Chiffres notables</h2>")
    if not d.figures:
        parts.append("<p>Aucun chiffre relevé cette semaine.</p>")
    else:
        parts.append("<ul>")
        for f in d.figures:
            place = f" ({e(f.place)})" if f.place else ""
            parts.append(
                f"<li>{e(f.kind)}{place} : « {e(f.text)} » — "
                f'<a href="{e(_safe_url(f.url))}">{e(f.title)}</a></li>'
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _safe_url(url: str) -> str:
    """Only http(s) links in an e-mail: no javascript: or data: from a scraped page."""
    return url if url.lower().startswith(("http://", "https://")) else "#"
