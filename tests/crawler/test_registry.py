"""The shipped registry: every outlet says what its discovery rests on, and its shapes hold."""
# ruff: noqa: E501  (real URLs read better whole)

from __future__ import annotations

import re
import tomllib
from urllib.parse import urlsplit

import pytest

from crawler.sources import load_sources, shipped_sources_path

ENTRIES = tomllib.loads(shipped_sources_path().read_text(encoding="utf-8"))["source"]
# Hosts that moved: their articles and feeds now live on the franceinfo.fr hosts.
OLD_TO_NEW = {
    "france3-regions.francetvinfo.fr": "france3-regions.franceinfo.fr",
    "la1ere.francetvinfo.fr": "la1ere.franceinfo.fr",
}


def test_the_registry_loads():
    assert len(load_sources()) == len(ENTRIES) >= 50


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_every_outlet_has_evidence_and_in_domain_start_urls(entry):
    assert len(entry.get("evidence", "")) >= 40, "say what the start URLs rest on"
    for url in entry["start_urls"]:
        host = urlsplit(url).hostname
        assert any(host == d or host.endswith("." + d) for d in entry["allowed_domains"]), url
        assert host not in OLD_TO_NEW, f"{url}: use {OLD_TO_NEW.get(host)}"
    if "article_pattern" in entry:
        re.compile(entry["article_pattern"])


@pytest.mark.parametrize("old,new", OLD_TO_NEW.items())
def test_moved_hosts_are_allowed_on_both_sides(old, new):
    for entry in ENTRIES:
        if old in entry["allowed_domains"] or new in entry["allowed_domains"]:
            assert {old, new} <= set(entry["allowed_domains"]), entry["id"]


def test_news_sitemaps_come_first_where_known():
    firsts = [e["start_urls"][0] for e in ENTRIES]
    news = [u for u in firsts if re.search(r"news|googlenews|sitemap", u)]
    assert len(news) >= 20


# Real URL shapes (from public article links) that each pattern must accept, and town or
# section pages it must refuse.
SHAPES = [
    ("la-montagne", "https://www.lamontagne.fr/saint-flour-15100/actualites/un-centre-de-sante-ouvre_14523456/", True),
    ("journal-du-centre", "https://www.lejdc.fr/nevers-58000/", False),
    ("le-progres", "https://www.leprogres.fr/sante/2024/03/02/un-bus-medical-dans-le-haut-bugey", True),
    ("courrier-picard", "https://www.courrier-picard.fr/id473936/article/2023-12-09/un-medecin-arrive", True),
    ("actu-ile-de-france", "https://actu.fr/ile-de-france/val-d-oise-95/", False),
    ("actu-bretagne", "https://actu.fr/bretagne/lannion_22113/un-centre-de-sante-municipal_49150955.html", True),
    ("france3-grand-est", "https://france3-regions.franceinfo.fr/grand-est/marne/reims/un-medecin-3210020.html", True),
    ("ici-berry", "https://www.ici.fr/centre-val-de-loire/cher-18/bourges/un-medecin-salarie-6156270", True),
    ("ici-berry", "https://www.ici.fr/nouvelle-aquitaine/creuse-23/gueret/un-medecin-6156270", False),
    ("la-provence", "https://www.laprovence.com/article/sante/7483920/un-centre-de-sante.html", True),
    ("nouvelle-republique", "https://www.lanouvellerepublique.fr/indre/commune/issoudun", False),
]


@pytest.mark.parametrize("source_id,url,is_article", SHAPES)
def test_article_patterns_on_real_shapes(source_id, url, is_article):
    entry = next(e for e in ENTRIES if e["id"] == source_id)
    assert bool(re.search(entry["article_pattern"], url)) is is_article
