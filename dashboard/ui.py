"""Shared widgets: snapshot guard, sidebar filters, tables with CSV export, French formats,
escaped highlighting. Pages import this and dashboard.data, never DuckDB."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import streamlit as st

from dashboard import data
from nlp.labels import FIGURE_KINDS, INITIATIVE_STATUSES, INITIATIVE_TYPES

NARROW_NBSP = "\u202f"  # espace fine insécable: the French thousands separator
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
STATUS_LABELS = {
    "projet": "En projet",
    "ouvert": "Ouvert",
    "ferme": "Fermé",
    "inconnu": "Non précisé",
}
assert set(INITIATIVE_STATUSES) <= set(STATUS_LABELS)
COMMUNE_PAGE = "app_pages/commune.py"
ARTICLE_PAGE = "app_pages/article.py"


def require_snapshot() -> data.Snapshot:
    """The DB snapshot, or a French message and a stop when it is missing."""
    snap = data.snapshot()
    if snap is None:
        st.error(
            f"Base de données introuvable : {data.db_path()}. Lancez `veille nightly` "
            "(ou `make demo`) pour publier un instantané, ou passez `--db`."
        )
        st.stop()
    return snap


# -- French formats ------------------------------------------------------------------------


def fmt_int(n: Any) -> str:
    return "–" if n is None else f"{int(n):,}".replace(",", NARROW_NBSP)


def fmt_dec(x: Any, digits: int = 1) -> str:
    if x is None or x != x:  # None or NaN
        return "–"
    return f"{float(x):,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")


def fmt_date(d: Any) -> str:
    if d is None or d != d:
        return "date inconnue"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def type_label(code: Any) -> str:
    return INITIATIVE_TYPES.get(str(code), str(code) if code else "–")


def status_label(code: Any) -> str:
    known = isinstance(code, str) and code  # None and pandas' NaN both mean "not said"
    return STATUS_LABELS.get(code if known else "inconnu", str(code))


def figure_label(kind: Any) -> str:
    return FIGURE_KINDS.get(str(kind), ("", str(kind)))[1]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: Any) -> str:
    """Scraped text inside Markdown widgets: every Markdown/HTML character shown literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


# -- Filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date | None
    end: date | None
    region: str | None
    departement: str | None
    types: tuple[str, ...] | None


def sidebar_filters(snap: data.Snapshot, *, with_types: bool = True, weeks: int = 52) -> Filters:
    """Region / département / initiative types / period, in the sidebar."""
    regions, deps, lo, hi = data.filter_options(snap)
    sb = st.sidebar
    sb.header("Filtres")
    region_names = dict(zip(regions["code"], regions["name"], strict=True))
    region = sb.selectbox(
        "Région",
        [None, *region_names],
        key="f_region",
        format_func=lambda c: "Toutes" if c is None else region_names[c],
    )
    deps = deps[deps["region"] == region] if region else deps
    dep_names = dict(zip(deps["code"], deps["name"], strict=True))
    departement = sb.selectbox(
        "Département",
        [None, *dep_names],
        key="f_dep",
        format_func=lambda c: "Tous" if c is None else f"{c} – {dep_names[c]}",
    )
    types = None
    if with_types:
        chosen = sb.multiselect(
            "Types d'initiative",
            list(INITIATIVE_TYPES),
            key="f_types",
            format_func=type_label,
            placeholder="Tous les types",
        )
        types = tuple(chosen) or None
    start = end = None
    if lo is not None and hi is not None:
        default_start = max(lo, hi - timedelta(weeks=weeks))
        period = sb.date_input(
            "Période",
            (default_start, hi),
            min_value=lo,
            max_value=hi + timedelta(days=6),
            format="DD/MM/YYYY",
            key="f_period",
        )
        if isinstance(period, tuple | list) and len(period) == 2:
            start, end = period
        elif isinstance(period, tuple | list) and period:
            start = period[0]
    return Filters(start, end, region, departement, types)


# -- Tables ---------------------------------------------------------------------------------


def table(
    df: Any,
    *,
    key: str,
    filename: str,
    column_config: dict[str, Any] | None = None,
    select: bool = False,
) -> list[int]:
    """Show `df` and offer exactly it as CSV (semicolons, UTF-8 BOM: opens in French Excel).

    Returns the selected row positions when `select` is set.
    """
    event = st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    csv = df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    st.download_button(
        "Télécharger en CSV",
        csv,
        file_name=filename,
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )
    if select and event is not None:
        return list(event.selection.rows)
    return []


# -- Highlighting ---------------------------------------------------------------------------

KIND_STYLE = {
    "commune": ("#cfe8ff", "Commune"),
    "figure": ("#ffe7b3", "Chiffre"),
    "initiative": ("#d9f2d0", "Initiative"),
}
_PRIORITY = ("commune", "figure", "initiative")  # inner marks win over the evidence sentence


def highlight_html(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """HTML of `text` with each span's kind highlighted.

    Every slice of scraped text goes through html.escape BEFORE our own <mark> tags
    wrap it, so markup in an article is shown as text, never interpreted.
    """
    bounds = {0, len(text)}
    clean = [(max(0, s), min(len(text), e), k, lab) for s, e, k, lab in spans if 0 <= s < e]
    for s, e, _, _ in clean:
        bounds.update((s, e))
    cuts = sorted(bounds)
    parts = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[lo:hi])
        active = [(k, lab) for s, e, k, lab in clean if s <= lo and hi <= e]
        if not active:
            parts.append(piece)
            continue
        kind, label = min(active, key=lambda a: _PRIORITY.index(a[0]) if a[0] in _PRIORITY else 9)
        color, name = KIND_STYLE.get(kind, ("#eee", kind))
        title = html.escape(f"{name} : {label}", quote=True)
        parts.append(
            f'<mark style="background:{color};padding:0 1px" title="{title}" '
            f'data-kind="{kind}">{piece}</mark>'
        )
    body = "".join(parts)
    return f'<div style="white-space:pre-wrap;line-height:1.6;font-size:1rem">{body}</div>'


def legend_html() -> str:
    return " ".join(
        f'<mark style="background:{c};padding:0 4px">{n}</mark>' for c, n in KIND_STYLE.values()
    )


# -- Navigation -----------------------------------------------------------------------------


def open_commune(insee: str) -> None:
    st.switch_page(COMMUNE_PAGE, query_params={"insee": insee})


def open_article(article_id: str) -> None:
    st.switch_page(ARTICLE_PAGE, query_params={"id": article_id})
