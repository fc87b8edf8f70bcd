"""Carte: communes named by relevant stories, and coverage per 100,000 inhabitants by département.

Tile-free Altair maps over the gazetteer's centroids (no basemap download): the
département layer is a map of population-weighted centroids sized and coloured by
the rate, as we ship no département polygons.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data, ui

snap = ui.require_snapshot()
st.title("Carte")
f = ui.sidebar_filters(snap, with_types=False)
communes, deps = data.map_data(snap, f.start, f.end, f.region, f.departement)
# Overseas départements would shrink metropolitan France to a dot: mapped only in the tables.
METRO = "lat > 41 and lat < 52 and lon > -5.5 and lon < 10"
backdrop = (
    alt.Chart(deps.query(METRO))
    .mark_circle(color="#d0d0d0", size=25)
    .encode(
        longitude="lon:Q",
        latitude="lat:Q",
        tooltip=[alt.Tooltip("departement_name:N", title="Département")],
    )
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Communes citées")
    st.caption(
        "Taille : nombre de sujets pertinents qui citent la commune. Couleur : type "
        "d'initiative le plus rapporté. Cliquez un point pour ouvrir la commune."
    )
    if communes.empty:
        st.info("Aucune commune citée pour ces filtres.")
    else:
        shown = communes.assign(
            type_label=communes["top_type"].map(
                lambda t: "Aucune initiative" if t == "aucune" else ui.type_label(t)
            )
        )
        pick = alt.selection_point(fields=["commune_insee"], name="commune", on="click")
        points = (
            alt.Chart(shown.query(METRO))
            .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                size=alt.Size("n_stories:Q", title="Sujets", scale=alt.Scale(range=[20, 900])),
                color=alt.Color(
                    "type_label:N",
                    title="Initiative dominante",
                    legend=alt.Legend(orient="bottom", columns=2),
                ),
                tooltip=[
                    alt.Tooltip("commune_name:N", title="Commune"),
                    alt.Tooltip("departement_code:N", title="Département"),
                    alt.Tooltip("n_stories:Q", title="Sujets"),
                    alt.Tooltip("n_initiatives:Q", title="Initiatives"),
                    alt.Tooltip("type_label:N", title="Type dominant"),
                ],
            )
            .add_params(pick)
        )
        chart = (backdrop + points).project("mercator").properties(height=560)
        event = st.altair_chart(chart, width="stretch", on_select="rerun", key="map_communes")
        chosen = (event.selection.get("commune") or []) if event else []
        if chosen and chosen[0].get("commune_insee"):
            ui.open_commune(chosen[0]["commune_insee"])
        names = dict(zip(communes["commune_insee"], communes["commune_name"], strict=True))
        col_pick, col_go = st.columns([3, 1], vertical_alignment="bottom")
        insee = col_pick.selectbox(
            "Ouvrir une commune",
            list(names),
            key="map_pick",
            format_func=lambda c: f"{names[c]} ({c})",
        )
        if col_go.button("Ouvrir", key="map_open") and insee:
            ui.open_commune(insee)

with right:
    st.subheader("Couverture par département")
    st.caption("Sujets pertinents pour 100 000 habitants (population des communes du gazetteer).")
    if deps.empty:
        st.info("Pas de données de population : chargez le gazetteer (`veille process`).")
    else:
        chart = (
            alt.Chart(deps.query(METRO))
            .mark_circle(opacity=0.85, stroke="#555", strokeWidth=0.5)
            .encode(
                longitude="lon:Q",
                latitude="lat:Q",
                size=alt.Size(
                    "rate:Q", title="Pour 100 000 hab.", scale=alt.Scale(range=[30, 1200])
                ),
                color=alt.Color(
                    "rate:Q", title="Pour 100 000 hab.", scale=alt.Scale(scheme="orangered")
                ),
                tooltip=[
                    alt.Tooltip("departement_name:N", title="Département"),
                    alt.Tooltip("n_stories:Q", title="Sujets"),
                    alt.Tooltip("rate:Q", title="Pour 100 000 hab.", format=".2f"),
                ],
            )
            .project("mercator")
            .properties(height=420)
        )
        st.altair_chart(chart, width="stretch")

st.subheader("Tableaux")
tab_c, tab_d = st.tabs(["Communes", "Départements"])
with tab_c:
    ui.table(
        communes.assign(top_type=communes["top_type"].map(ui.type_label))[
            [
                "commune_name",
                "commune_insee",
                "departement_code",
                "n_stories",
                "n_initiatives",
                "top_type",
            ]
        ].rename(
            columns={
                "commune_name": "Commune",
                "commune_insee": "Code INSEE",
                "departement_code": "Département",
                "n_stories": "Sujets",
                "n_initiatives": "Initiatives",
                "top_type": "Initiative dominante",
            }
        ),
        key="map_tab_communes",
        filename="communes_citees.csv",
    )
with tab_d:
    ui.table(
        deps.assign(
            rate=deps["rate"].map(lambda x: ui.fmt_dec(x, 2)),
            population=deps["population"].map(ui.fmt_int),
        )[["departement_code", "departement_name", "n_stories", "population", "rate"]].rename(
            columns={
                "departement_code": "Code",
                "departement_name": "Département",
                "n_stories": "Sujets",
                "population": "Population",
                "rate": "Sujets pour 100 000 hab.",
            }
        ),
        key="map_tab_deps",
        filename="couverture_departements.csv",
    )
