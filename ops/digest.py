"""`veille digest --week YYYY-Www`: the week's summary staff can forward by e-mail.

One line per story (syndicated copies once) with its initiative types in French,
grouped by région then département (bare names: "Grand Est", "Cantal"); stories
about no place go last under "National / sans commune". Then notable figures and the
eight-week trend. A story is placed at the commune of its initiatives, else at the
article's primary commune. Data comes from store.dashboard_queries (read-only).

Two renderings: Markdown (`md`, plain text readable as is) and `html` for mail
clients: inline CSS only, no script, no external asset; the trend is an HTML table
of bars (rendered by every mail client, where inline SVG and data: images are often
stripped). Every scraped value is escaped; links are the articles' http(s) URLs and,
when a dashboard URL is configured, the dashboard's article pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from nlp.labels import FIGURE_KINDS, INITIATIVE_TYPES

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")
NATIONAL = "National / sans commune"
_TREND_WEEKS = 8


@dataclass(frozen=True)
class DigestItem:
    """One story (initiatives) or one figure of the digest."""

    kinds: tuple[str, ...]  # initiative type codes, or (figure kind,)
    place: str  # commune (stories) or commune / département (figures); "" when none
    text: str  # figures: as written; stories: "" (the headline says it)
    title: str
    url: str
    published: str
    outlets: int = 1
    article_id: str = ""


@dataclass(frozen=True)
class Digest:
    week: str
    monday: date
    # région -> département -> stories; the national group has région NATIONAL, département ""
    regions: tuple[tuple[str, tuple[tuple[str, tuple[DigestItem, ...]], ...]], ...]
    figures: tuple[DigestItem, ...]
    n_relevant_stories: int
    trend: tuple[tuple[date, int], ...] = ()  # (Monday, relevant stories), oldest first


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
    from store import dashboard_queries as q

    grouped: dict[str, dict[str, list[DigestItem]]] = {}
    for r in q.digest_stories(con, week=monday).itertuples():
        region = q.bare_place(r.region) or NATIONAL
        dep = q.bare_place(r.departement) if region != NATIONAL else ""
        place = _text(r.commune)
        grouped.setdefault(region, {}).setdefault(dep, []).append(
            DigestItem(
                kinds=tuple(r.types),
                place=place,
                text="",
                title=_headline(_text(r.title) or r.url, place),
                url=r.url,
                published=str(r.published or ""),
                outlets=int(r.n_sources or 1),
                article_id=r.article_id,
            )
        )
    regions = tuple(
        (region, tuple((dep, tuple(items)) for dep, items in sorted(deps.items())))
        for region, deps in sorted(grouped.items(), key=lambda kv: (kv[0] == NATIONAL, kv[0]))
    )
    figures = tuple(
        DigestItem(
            kinds=(r.kind,),
            place=_text(r.commune) or q.bare_place(r.departement),
            text=r.text,
            title=_text(r.title) or r.url,
            url=r.url,
            published=str(r.published or ""),
            article_id=r.article_id,
        )
        for r in q.digest_figures(con, week=monday).itertuples()
    )
    weeks = q.weeks_overview(con, end=monday, weeks=_TREND_WEEKS)
    trend = tuple((w, int(n)) for w, n in zip(weeks["week"], weeks["n_stories"], strict=True))
    iso = monday.isocalendar()
    return Digest(
        week=f"{iso.year}-W{iso.week:02d}",
        monday=monday,
        regions=regions,
        figures=figures,
        n_relevant_stories=trend[-1][1] if trend else 0,
        trend=trend,
    )


def _text(x: Any) -> str:
    return x if isinstance(x, str) else ""


def _headline(title: str, place: str) -> str:
    """The headline without a leading "Place : " when the line already starts with it."""
    title = " ".join(title.split())
    if place:
        m = re.match(rf"^{re.escape(place)}\s*:\s*(.+)$", title, flags=re.IGNORECASE)
        if m:
            rest = m[1]
            return rest[:1].upper() + rest[1:]
    return title


def type_label(code: str) -> str:
    return INITIATIVE_TYPES.get(code, code)


def figure_label(kind: str) -> str:
    return FIGURE_KINDS.get(kind, ("", kind))[1]


def render(d: Digest, *, fmt: str, dashboard_url: str = "") -> str:
    if fmt in ("md", "text"):
        return _markdown(d, dashboard_url)
    if fmt == "html":
        return _html(d, dashboard_url)
    raise ValueError("format must be md (or text) or html")


def _period(d: Digest) -> str:
    return f"{d.monday:%d/%m/%Y} – {d.monday + timedelta(days=6):%d/%m/%Y}"


def _summary(d: Digest) -> str:
    n = d.n_relevant_stories
    line = f"{n} sujet{'s' if n > 1 else ''} pertinent{'s' if n > 1 else ''} cette semaine"
    before = [v for _, v in d.trend[:-1]]
    if before:
        mean = sum(before) / len(before)
        line += f" (moyenne des {len(before)} semaines précédentes : {mean:.1f})".replace(".", ",")
    return line + "."


def _dashboard_link(base: str, article_id: str) -> str:
    if not base or not article_id:
        return ""
    return f"{base.rstrip('/')}/article?id={quote(article_id, safe='')}"


def _safe_url(url: str) -> str:
    """Only http(s) links in an e-mail: no javascript: or data: from a scraped page."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


# -- Markdown -------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    """Scraped text in Markdown: no markup injection through brackets, stars or HTML."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def _md_url(url: str) -> str:
    return _safe_url(url).replace("<", "%3C").replace(">", "%3E")


def _md_story(it: DigestItem, base: str) -> str:
    kinds = ", ".join(type_label(k) for k in it.kinds)
    place = f"**{_md_text(it.place)}** — " if it.place else ""
    copies = f" ({it.outlets} journaux)" if it.outlets > 1 else ""
    link = _dashboard_link(base, it.article_id)
    fiche = f" · [fiche](<{link}>)" if link else ""
    return (
        f"- {place}{_md_text(kinds)} : [{_md_text(it.title)}](<{_md_url(it.url)}>){copies}{fiche}"
    )


def _markdown(d: Digest, base: str) -> str:
    out = [
        f"# Veille déserts médicaux — semaine {d.week} ({_period(d)})",
        "",
        _summary(d),
        "",
        "## Nouvelles initiatives",
        "",
    ]
    if not d.regions:
        out += ["Aucune initiative relevée cette semaine.", ""]
    for region, deps in d.regions:
        out += [f"### {_md_text(region)}", ""]
        for dep, items in deps:
            if dep:
                out += [f"#### {_md_text(dep)}", ""]
            out += [_md_story(it, base) for it in items]
            out.append("")
    out += ["## Chiffres notables", ""]
    if not d.figures:
        out += ["Aucun chiffre relevé cette semaine.", ""]
    for f in d.figures:
        place = f" ({_md_text(f.place)})" if f.place else ""
        out.append(
            f"- {_md_text(figure_label(f.kinds[0]))}{place} : « {_md_text(f.text)} » — "
            f"[{_md_text(f.title)}](<{_md_url(f.url)}>)"
        )
    if d.trend:
        out += ["", f"## Sujets pertinents, {len(d.trend)} dernières semaines", ""]
        out.append(" · ".join(f"{w:%d/%m} : {n}" for w, n in d.trend))
    return "\n".join(out).rstrip() + "\n"


# -- HTML (e-mail) --------------------------------------------------------------------------

_FONT = "font-family:Arial,Helvetica,sans-serif;color:#222"
_H1 = "font-size:20px;margin:0 0 6px 0"
_H2 = "font-size:16px;margin:22px 0 6px 0;border-bottom:1px solid #ddd;padding-bottom:3px"
_H3 = "font-size:15px;margin:14px 0 4px 0;color:#8a1c1c"
_H4 = "font-size:14px;margin:8px 0 2px 0;color:#444"
_UL = "margin:2px 0 8px 0;padding-left:20px"
_LI = "margin:2px 0;font-size:14px;line-height:1.4"
_A = "color:#1a5fb4"
_MUTED = "color:#666;font-size:13px"
_BAR = "#d9534f"
_BAR_OLD = "#8fb3d9"


def _trend_html(trend: tuple[tuple[date, int], ...]) -> str:
    """Vertical bars as table cells: heights in pixels, the digest's week in red."""
    top = max((n for _, n in trend), default=0) or 1
    bars, labels = [], []
    for i, (week, n) in enumerate(trend):
        h = max(2, round(60 * n / top))
        colour = _BAR if i == len(trend) - 1 else _BAR_OLD
        bars.append(
            '<td style="vertical-align:bottom;text-align:center;padding:0 3px;'
            f'font-size:11px;color:#444">{n}'
            f'<div style="height:{h}px;width:26px;background:{colour};margin:2px auto 0 auto">'
            "</div></td>"
        )
        labels.append(
            f'<td style="text-align:center;font-size:11px;color:#666;padding:2px 3px">'
            f"{week:%d/%m}</td>"
        )
    return (
        '<table role="presentation" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse;margin:4px 0 4px 0">'
        f'<tr style="height:80px">{"".join(bars)}</tr><tr>{"".join(labels)}</tr></table>'
    )


def _html_story(it: DigestItem, base: str) -> str:
    e = html.escape
    kinds = ", ".join(type_label(k) for k in it.kinds)
    place = f"<strong>{e(it.place)}</strong> — " if it.place else ""
    copies = f' <span style="{_MUTED}">({it.outlets} journaux)</span>' if it.outlets > 1 else ""
    link = _dashboard_link(base, it.article_id)
    fiche = f' · <a style="{_A}" href="{e(link)}">fiche</a>' if link else ""
    return (
        f'<li style="{_LI}">{place}{e(kinds)} : '
        f'<a style="{_A}" href="{e(_safe_url(it.url))}">{e(it.title)}</a>{copies}{fiche}</li>'
    )


def _html(d: Digest, base: str) -> str:
    e = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Veille déserts médicaux — {e(d.week)}</title></head>",
        f'<body style="{_FONT};margin:0;padding:16px;background:#ffffff">',
        '<div style="max-width:720px">',
        f'<h1 style="{_H1}">Veille déserts médicaux — semaine {e(d.week)}</h1>',
        f'<p style="{_MUTED};margin:0 0 10px 0">{e(_period(d))}</p>',
        f'<p style="font-size:14px;margin:0 0 6px 0">{e(_summary(d))}</p>',
    ]
    if d.trend:
        parts += [
            f'<p style="{_MUTED};margin:8px 0 0 0">Sujets pertinents par semaine '
            f"({len(d.trend)} semaines)</p>",
            _trend_html(d.trend),
        ]
    parts.append(f'<h2 style="{_H2}">Nouvelles initiatives</h2>')
    if not d.regions:
        parts.append(f'<p style="{_LI}">Aucune initiative relevée cette semaine.</p>')
    for region, deps in d.regions:
        parts.append(f'<h3 style="{_H3}">{e(region)}</h3>')
        for dep, items in deps:
            if dep:
                parts.append(f'<h4 style="{_H4}">{e(dep)}</h4>')
            parts.append(f'<ul style="{_UL}">')
            parts += [_html_story(it, base) for it in items]
            parts.append("</ul>")
    parts.append(f'<h2 style="{_H2}">Chiffres notables</h2>')
    if not d.figures:
        parts.append(f'<p style="{_LI}">Aucun chiffre relevé cette semaine.</p>')
    else:
        parts.append(f'<ul style="{_UL}">')
        for f in d.figures:
            place = f" ({e(f.place)})" if f.place else ""
            parts.append(
                f'<li style="{_LI}">{e(figure_label(f.kinds[0]))}{place} : « {e(f.text)} » — '
                f'<a style="{_A}" href="{e(_safe_url(f.url))}">{e(f.title)}</a></li>'
            )
        parts.append("</ul>")
    parts.append(
        f'<p style="{_MUTED};margin-top:24px">Un sujet = un article et ses reprises par '
        "d'autres titres. Produit par « veille digest ».</p>"
    )
    parts.append("</div></body></html>")
    return "\n".join(parts) + "\n"
