"""Shared widgets: snapshot guard, sidebar filters, tables with CSV export, French formats,
escaped highlighting. Pages import this and dashboard.data, never DuckDB."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from nlp.labels import FIGURE_KINDS, INITIATIVE_STATUSES, INITIATIVE_TYPES
from store.dashboard_queries import bare_place

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


EXPECTED = (
    "Le tableau de bord lit l'instantané publié par `veille nightly` "
    "(par défaut `data/published/veille.duckdb` ; `make demo` publie "
    "`data/demo/published/veille.duckdb`). Indiquez-en un autre avec `veille dashboard --db`."
)


def require_snapshot() -> data.Snapshot:
    """The DB snapshot, or one French message and a stop when it is missing or unreadable."""
    snap = data.snapshot()
    if snap is None:
        st.error(
            f"Base de données introuvable : {md_escape(data.db_path())}. Lancez `veille nightly` "
            "(ou `make demo`) pour publier un instantané, ou passez `--db`."
        )
        st.stop()
    problem = data.store_problem(snap)
    if problem == "not_veille":
        st.error(
            f"Le fichier {md_escape(snap.path)} n'est pas une base de Veille déserts "
            f"médicaux. {EXPECTED}"
        )
        st.stop()
    if problem:
        st.error(
            f"Impossible de lire la base {md_escape(snap.path)} : "
            f"{md_escape(problem.removeprefix('error:'))}"
        )
        st.stop()
    return snap


# -- French formats ------------------------------------------------------------------------


EMPTY = "—"  # what an empty cell shows (never "None" or "nan")


def _missing(x: Any) -> bool:
    """None, NaN or NaT (a list or an array is a value, even an empty one)."""
    if x is None or x is pd.NaT:
        return True
    return isinstance(x, float) and x != x


def fmt_int(n: Any) -> str:
    return EMPTY if _missing(n) else f"{int(n):,}".replace(",", NARROW_NBSP)


def fmt_dec(x: Any, digits: int = 1) -> str:
    if _missing(x):
        return EMPTY
    return f"{float(x):,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")


def fmt_date(d: Any) -> str:
    if _missing(d):
        return "date inconnue"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def type_label(code: Any) -> str:
    return INITIATIVE_TYPES.get(str(code), str(code) if isinstance(code, str) and code else EMPTY)


def text(x: Any) -> str:
    """A cell of free text: "" for None/NaN, never the string "None"."""
    return "" if _missing(x) else str(x)


def place(name: Any) -> str:
    """Bare département / région name for tables: "Le Cantal" -> "Cantal"."""
    return bare_place(name) if not _missing(name) else ""


def clean_cells(df: Any) -> Any:
    """Text columns with None/NaN as empty text: st.dataframe would print "None"."""
    cols = [
        c
        for c in df.columns
        if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
    ]
    blank = {c: df[c].map(lambda v: "" if _missing(v) else v) for c in cols}
    return df.assign(**blank) if cols else df


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


# Widget state is dropped when a page without the widget runs: the chosen région and
# département are kept under these keys, so a filter set on one page (or by a click on
# the map) holds on the others. `?dep=CODE` in the URL sets it too (shareable links).
_KEEP = {"f_region": "keep_region", "f_dep": "keep_dep"}


ALL = ""  # the "Toutes / Tous" option: a None value would show Streamlit's placeholder


def _remember(key: str) -> None:
    st.session_state[_KEEP[key]] = st.session_state.get(key) or ALL
    if key == "f_region":  # a new région clears the département
        st.session_state["keep_dep"] = st.session_state["f_dep"] = ALL


def choose_departement(code: str | None, region: str | None) -> None:
    """Filter every page on this département (the map's click), then rerun."""
    st.session_state["keep_region"] = region or ALL
    st.session_state["keep_dep"] = code or ALL
    st.rerun()


def _restore(deps: Any) -> None:
    """Before the filter widgets exist: the kept choice (or `?dep=`) wins over widget state,
    which Streamlit resets when another page ran in between."""
    wanted = st.query_params.get("dep")
    if wanted and wanted != st.session_state.get("_dep_param"):
        st.session_state["_dep_param"] = wanted
        match = deps[deps["code"] == wanted]
        if len(match):  # an unknown code is ignored, never echoed
            st.session_state["keep_region"] = match["region"].iloc[0]
            st.session_state["keep_dep"] = wanted
    for key, keep in _KEEP.items():
        if keep in st.session_state:  # always: a widget of another page may hold the key
            st.session_state[key] = st.session_state[keep]


def sidebar_filters(snap: data.Snapshot, *, with_types: bool = True, weeks: int = 52) -> Filters:
    """Region / département / initiative types / period, in the sidebar."""
    regions, deps, lo, hi = data.filter_options(snap)
    _restore(deps)
    sb = st.sidebar
    sb.header("Filtres")
    region_names = dict(zip(regions["code"], regions["name"].map(place), strict=True))
    if st.session_state.get("f_region") not in region_names:
        st.session_state["f_region"] = ALL
    region = (
        sb.selectbox(
            "Région",
            [ALL, *sorted(region_names, key=lambda c: region_names[c])],
            key="f_region",
            format_func=lambda c: region_names.get(c, "Toutes"),
            on_change=_remember,
            args=("f_region",),
        )
        or None
    )
    deps = deps[deps["region"] == region] if region else deps
    dep_names = dict(zip(deps["code"], deps["name"].map(place), strict=True))
    if st.session_state.get("f_dep") not in dep_names:
        st.session_state["f_dep"] = ALL
    departement = (
        sb.selectbox(
            "Département",
            [ALL, *dep_names],
            key="f_dep",
            format_func=lambda c: f"{c} – {dep_names[c]}" if c in dep_names else "Tous",
            on_change=_remember,
            args=("f_dep",),
        )
        or None
    )
    if departement:
        st.query_params["dep"] = st.session_state["_dep_param"] = departement
    elif "dep" in st.query_params:
        del st.query_params["dep"]
        st.session_state["_dep_param"] = None
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
    df = clean_cells(df)
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
