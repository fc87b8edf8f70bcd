"""Cette semaine: the weekly read (counts vs previous weeks, new initiatives, notable articles)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data, ui

snap = ui.require_snapshot()
st.title("Cette semaine")
home = data.home(snap)
if home is None:
    st.info("Aucun article dans la base pour l'instant : lancez `veille nightly`.")
    st.stop()
week = home["week"]
weeks = home["weeks"]
st.caption(
    f"Semaine du {ui.fmt_date(week)} (dernière semaine avec des articles pertinents). "
    "Les reprises d'un même article par plusieurs titres comptent pour un seul sujet."
)

this, before = weeks.iloc[-1], weeks.iloc[:-1]


def _delta(column: str) -> str | None:
    if before.empty:
        return None
    mean = before[column].mean()
    diff = this[column] - mean
    sign = "+" if diff >= 0 else "-"  # ASCII minus: Streamlit then draws a down arrow
    return f"{sign}{ui.fmt_dec(abs(diff))} vs moyenne des {len(before)} semaines précédentes"


cols = st.columns(3)
cols[0].metric(
    "Sujets pertinents", ui.fmt_int(this["n_stories"]), _delta("n_stories"), delta_color="off"
)
cols[1].metric(
    "Articles pertinents (reprises comprises)",
    ui.fmt_int(this["n_articles"]),
    _delta("n_articles"),
    delta_color="off",
)
cols[2].metric(
    "Nouvelles initiatives",
    ui.fmt_int(this["n_initiatives"]),
    _delta("n_initiatives"),
    delta_color="off",
)

left, right = st.columns(2)
with left:
    st.subheader("Sujets par semaine")
    # Ordinal weeks: one wide bar each (a temporal axis draws hairlines), the week in red.
    series = weeks.assign(
        semaine=weeks["week"].map(ui.fmt_date),
        court=weeks["week"].map(lambda d: f"{d:%d/%m}"),
        courante=[i == len(weeks) - 1 for i in range(len(weeks))],  # the series ends at `week`
    )
    chart = (
        alt.Chart(series)
        .mark_bar()
        .encode(
            x=alt.X("court:O", title="Semaine du", sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("n_stories:Q", title="Sujets pertinents"),
            color=alt.condition(alt.datum.courante, alt.value("#d62728"), alt.value("#1f77b4")),
            tooltip=[
                alt.Tooltip("semaine:N", title="Semaine"),
                alt.Tooltip("n_stories:Q", title="Sujets"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")
with right:
    st.subheader("Nouvelles initiatives par type")
    types = home["types"]
    shown = types.assign(
        type=types["type"].map(ui.type_label),
        moyenne=types["mean_before"].map(ui.fmt_dec),
    )[["type", "n_week", "moyenne"]].rename(
        columns={
            "type": "Type",
            "n_week": "Cette semaine",
            "moyenne": "Moyenne des 4 semaines précédentes",
        }
    )
    ui.table(shown, key="home_types", filename="initiatives_semaine.csv")

st.subheader("Articles marquants de la semaine")
notable = home["notable"]
if notable.empty:
    st.info("Aucun article pertinent cette semaine.")
else:
    shown = notable.assign(
        published=notable["published"].map(ui.fmt_date),
        types=notable["types"].map(
            lambda ts: ", ".join(ui.type_label(t) for t in ts) if ts is not None else ""
        ),
        relevance=notable["relevance"].map(lambda x: ui.fmt_dec(x, 2)),
    )[
        [
            "published",
            "title",
            "source_name",
            "n_copies",
            "communes",
            "types",
            "n_figures",
            "relevance",
            "url",
        ]
    ].rename(
        columns={
            "published": "Date",
            "title": "Titre",
            "source_name": "Journal",
            "n_copies": "Reprises",
            "communes": "Communes",
            "types": "Initiatives",
            "n_figures": "Chiffres",
            "relevance": "Pertinence",
            "url": "Lien",
        }
    )
    rows = ui.table(
        shown,
        key="home_notable",
        filename="articles_marquants.csv",
        select=True,
        column_config={"Lien": st.column_config.LinkColumn("Lien", display_text="ouvrir")},
    )
    st.caption("Sélectionnez une ligne pour lire l'article avec ses faits surlignés.")
    if rows:
        ui.open_article(notable["article_id"].iloc[rows[0]])
