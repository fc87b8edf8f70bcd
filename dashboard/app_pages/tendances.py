"""Tendances: weekly series of relevant stories and of initiatives by type, with filters."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data, ui

snap = ui.require_snapshot()
st.title("Tendances")
f = ui.sidebar_filters(snap)
stories, inits = data.trends(snap, f.start, f.end, f.region, f.departement, f.types)
st.caption(
    "Un sujet = un article et ses reprises par d'autres titres, compté dans la semaine "
    "de sa première publication. Les filtres de lieu retiennent les sujets qui nomment "
    "une commune ou le département choisi."
)

st.subheader("Sujets pertinents par semaine")
if stories.empty:
    st.info("Aucun sujet pertinent pour ces filtres.")
else:
    chart = (
        alt.Chart(stories)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="Semaine", axis=alt.Axis(format="%d/%m/%Y")),
            y=alt.Y("n_stories:Q", title="Sujets pertinents"),
            tooltip=[
                alt.Tooltip("week:T", title="Semaine du", format="%d/%m/%Y"),
                alt.Tooltip("n_stories:Q", title="Sujets"),
            ],
        )
        .properties(height=280)
    )
    st.altair_chart(chart, width="stretch")
    shown = stories.assign(week=stories["week"].map(ui.fmt_date)).rename(
        columns={"week": "Semaine du", "n_stories": "Sujets pertinents"}
    )
    with st.expander("Tableau des sujets par semaine"):
        ui.table(shown, key="trend_stories", filename="sujets_par_semaine.csv")

st.subheader("Initiatives par type et par semaine")
if inits.empty:
    st.info("Aucune initiative pour ces filtres.")
else:
    labelled = inits.assign(label=inits["type"].map(ui.type_label))
    chart = (
        alt.Chart(labelled)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="Semaine", axis=alt.Axis(format="%d/%m/%Y")),
            y=alt.Y("sum(n_initiatives):Q", title="Initiatives"),
            color=alt.Color("label:N", title="Type", legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=[
                alt.Tooltip("week:T", title="Semaine du", format="%d/%m/%Y"),
                alt.Tooltip("label:N", title="Type"),
                alt.Tooltip("n_initiatives:Q", title="Initiatives"),
            ],
        )
        .properties(height=340)
    )
    st.altair_chart(chart, width="stretch")
    totals = (
        labelled.groupby("label", as_index=False)["n_initiatives"]
        .sum()
        .sort_values("n_initiatives", ascending=False)
        .rename(columns={"label": "Type", "n_initiatives": "Initiatives sur la période"})
    )
    ui.table(totals, key="trend_types", filename="initiatives_par_type.csv")
