"""Carte: relevant stories per 100,000 inhabitants by département, and initiatives as points.

Département shapes ship with the dashboard (dashboard/resources/, see dashboard/geo.py):
no tile server, no download. Overseas départements are insets at the lower left.
Clicking a département filters every page on it (ui.choose_departement).
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data, geo, ui
from nlp.labels import INITIATIVE_TYPES

NO_DATA = "#eeeeee"  # départements outside the région filter
# One colour per initiative type, the same whatever the filters keep (11 types).
TYPE_LABELS = [ui.type_label(t) for t in INITIATIVE_TYPES]
TYPE_COLOURS = [
    "#1f77b4",
    "#2ca02c",
    "#9467bd",
    "#d62728",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
]

snap = ui.require_snapshot()
st.title("Carte")
f = ui.sidebar_filters(snap, with_types=False)
communes, deps, points = data.map_data(snap, f.start, f.end, f.region, f.departement)
st.caption(
    "Couleur des départements : sujets pertinents pour 100 000 habitants sur la période "
    "(population des communes du gazetteer). Points : initiatives rapportées, par type "
    "(taille = nombre de sujets). Outre-mer en encadrés. Cliquez un département pour "
    "filtrer toutes les pages sur lui."
)

values = {
    r.departement_code: {
        "rate": round(float(r.rate), 2),
        "n_stories": int(r.n_stories),
        "region": r.region_code,
        "label": ui.place(r.departement_name),
    }
    for r in deps.itertuples()
}
for feat_values in values.values():
    feat_values["rate_text"] = ui.fmt_dec(feat_values["rate"], 2)
shapes = geo.features(values)
pick = alt.selection_point(fields=["code"], name="dep", on="click", clear="dblclick")
base = alt.Chart(alt.NamedData("departements"))
# Grey first (départements outside the filters), the rated ones over it.
background = base.mark_geoshape(fill=NO_DATA, stroke="#999", strokeWidth=0.4)
choropleth = (
    base.transform_filter("isValid(datum.rate)")
    .mark_geoshape(stroke="#777", strokeWidth=0.4)
    .encode(
        color=alt.Color(
            "rate:Q",
            title="Sujets pour 100 000 hab.",
            scale=alt.Scale(scheme="orangered"),
            legend=alt.Legend(orient="top-right", format=".1f"),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Département"),
            alt.Tooltip("code:N", title="Code"),
            alt.Tooltip("n_stories:Q", title="Sujets"),
            alt.Tooltip("rate_text:N", title="Pour 100 000 hab."),
        ],
    )
    .add_params(pick)
)
layers = [background, choropleth]
if f.departement:
    chosen_shape = (
        base.transform_filter(alt.datum.code == f.departement)
        .mark_geoshape(fill=None, stroke="#111", strokeWidth=2)
        .encode()
    )
    layers.append(chosen_shape)
if not points.empty:
    shown = geo.with_xy(points).assign(type_label=lambda d: d["type"].map(ui.type_label))
    layers.append(
        alt.Chart(alt.NamedData("initiatives"))
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.6)
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            size=alt.Size(
                "n_stories:Q", title="Sujets", scale=alt.Scale(range=[25, 300]), legend=None
            ),
            color=alt.Color(
                "type_label:N",
                title="Initiative",
                scale=alt.Scale(domain=TYPE_LABELS, range=TYPE_COLOURS),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("commune_name:N", title="Commune"),
                alt.Tooltip("departement_code:N", title="Département"),
                alt.Tooltip("type_label:N", title="Initiative"),
                alt.Tooltip("n_stories:Q", title="Sujets"),
            ],
        )
    )
labels = (
    alt.Chart(alt.NamedData("encadres"))
    .mark_text(fontSize=11, align="left", baseline="middle", color="#333")
    .encode(longitude="x:Q", latitude="y:Q", text="name:N")
)
layers.append(labels)
chart = (
    alt.layer(*layers)
    .project(type="identity", reflectY=False)
    .resolve_scale(color="independent", size="independent")
    .properties(height=640)
)
left, right = st.columns([3, 1])
with left:
    # Altair walks inline data value by value (~1 s for the shapes): build the spec on
    # named placeholders, then put the data in as plain JSON.
    spec = geo.inline_data(
        chart.to_dict(),
        departements=shapes,
        initiatives=[] if points.empty else shown.to_dict("records"),
        encadres=geo.inset_labels(),
    )
    event = st.vega_lite_chart(spec, width="stretch", on_select="rerun", key="map_deps")
clicked = (event.selection.get("dep") or []) if event else []
code = clicked[0].get("code") if clicked else None
if code != st.session_state.get("map_last_click"):
    st.session_state["map_last_click"] = code
    if code and code != f.departement:
        ui.choose_departement(code, values.get(code, {}).get("region"))

with right:
    st.subheader("Départements les plus couverts")
    top = deps[deps["n_stories"] > 0].head(12)
    if top.empty:
        st.info("Aucun sujet pertinent rattaché à un département pour ces filtres.")
    else:
        for r in top.itertuples():
            st.markdown(
                f"**{ui.md_escape(ui.place(r.departement_name))}** "
                f"({ui.md_escape(r.departement_code)}) : {ui.fmt_dec(r.rate, 2)} "
                f"pour 100 000 hab. · {ui.fmt_int(r.n_stories)} sujets"
            )
    if f.departement:
        if st.button("Toute la France", key="map_reset", icon=":material/public:"):
            st.session_state["map_last_click"] = None
            ui.choose_departement(None, None)

st.subheader("Communes citées")
if communes.empty:
    st.info("Aucune commune citée pour ces filtres.")
else:
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

st.subheader("Tableaux")
tab_c, tab_d = st.tabs(["Communes", "Départements"])
with tab_c:
    ui.table(
        communes.assign(
            top_type=communes["top_type"].map(lambda t: "" if t == "aucune" else ui.type_label(t))
        )[
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
            departement_name=deps["departement_name"].map(ui.place),
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
