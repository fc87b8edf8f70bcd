"""Entry point: `veille dashboard` runs `streamlit run` on this file.

Pages hold only UI (dashboard/app_pages/); data comes from dashboard/data.py.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# Shipped, not a :material: icon: Streamlit fetches those favicons from a font CDN.
ICON = Path(__file__).resolve().parent / "resources" / "icon.png"

PAGES = [
    st.Page("app_pages/semaine.py", title="Cette semaine", icon=":material/today:", default=True),
    st.Page("app_pages/tendances.py", title="Tendances", icon=":material/show_chart:"),
    st.Page("app_pages/carte.py", title="Carte", icon=":material/map:"),
    st.Page("app_pages/commune.py", title="Commune", icon=":material/location_city:"),
    st.Page("app_pages/initiatives.py", title="Initiatives", icon=":material/lightbulb:"),
    st.Page("app_pages/article.py", title="Article", icon=":material/article:"),
    st.Page("app_pages/sources.py", title="Sources", icon=":material/rss_feed:"),
]

st.set_page_config(page_title="Veille déserts médicaux", page_icon=str(ICON), layout="wide")
st.navigation(PAGES).run()
