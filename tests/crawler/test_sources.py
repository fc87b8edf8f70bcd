"""The sources registry: the shipped file and the errors a user's file gets."""

from __future__ import annotations

import json

import pytest

from crawler.sources import METROPOLITAN_REGIONS, load_sources
from tests.crawler.conftest import run_veille
from veille.errors import ConfigError

KEYS = {"id", "name", "region", "departements", "start_urls", "allowed_domains"}


def test_shipped_registry_covers_every_region():
    sources = load_sources()
    assert len(sources) >= 30
    regions = {s.region for s in sources}
    assert METROPOLITAN_REGIONS <= regions
    assert {"01", "02", "03", "04", "06"} <= regions  # the overseas départements
    assert not any(s.allow_private for s in sources)
    for s in sources:
        assert all(u.startswith("https://") for u in s.start_urls), s.id
        assert s.verified or s.evidence or s.note, f"{s.id}: unverified sources must say why"


def test_only_keeps_the_asked_ids_and_rejects_unknown_ones():
    assert [s.id for s in load_sources(only=["magcentre"])] == ["magcentre"]
    with pytest.raises(ConfigError, match="unknown source id"):
        load_sources(only=["nope"])


GOOD = """[[source]]
id = "magcentre"
name = "Magcentre"
region = "24"
departements = ["18", "28", "36", "37", "41", "45"]
start_urls = ["https://www.magcentre.fr/feed/"]
allowed_domains = ["magcentre.fr"]
"""


@pytest.mark.parametrize("change, message", [
    (('region = "24"', 'region = "Centre"'), "INSEE region code"),
    (('["https://www.magcentre.fr/feed/"]', '["https://evil.example/feed/"]'),
     "outside allowed_domains"),
    (('["magcentre.fr"]', '["127.0.0.1"]'), "IP address"),
    (('id = "magcentre"', 'id = "Mag Centre"'), "lowercase"),
    (('name = "Magcentre"', 'name = "Magcentre"\ncolour = "red"'), "unknown key"),
    (('departements = ["18", "28", "36", "37", "41", "45"]', 'departements = ["99"]'),
     "département"),
    (('start_urls = ["https://www.magcentre.fr/feed/"]', 'start_urls = ["file:///etc/passwd"]'),
     "http"),
    (('allowed_domains = ["magcentre.fr"]', ""), "missing key"),
])
def test_bad_files_raise_config_errors(tmp_path, change, message):
    path = tmp_path / "s.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_sources(path)


def test_duplicates_broken_toml_and_missing_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD + "\n" + GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="twice"):
        load_sources(path)
    path.write_text("[[source]\nid=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_sources(path)
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "missing.toml")


def test_user_file_is_loaded(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    (s,) = load_sources(path)
    assert s.departements == ("18", "28", "36", "37", "41", "45")
    assert s.allows_host("www.magcentre.fr") and not s.allows_host("notmagcentre.fr")


@pytest.mark.integration
def test_cli_sources_list_json_and_table():
    proc = run_veille("sources", "list", "--format", "json", timeout=60)
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)
    assert len(items) >= 30 and all(KEYS <= set(i) for i in items)
    assert all({"evidence", "article_pattern"} <= set(i) for i in items)
    table = run_veille("sources", "list", timeout=60)
    assert table.returncode == 0 and "magcentre" in table.stdout


def test_evidence_and_article_pattern_are_loaded_and_checked(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD + 'evidence = "quotaclimat config_sitemap.py"\n'
                    r'article_pattern = "/\\d{4}/\\d{2}/\\d{2}/"' + "\nmax_listing_pages = 3\n",
                    encoding="utf-8")
    (s,) = load_sources(path)
    assert s.evidence == "quotaclimat config_sitemap.py" and s.max_listing_pages == 3
    assert s.is_article_url("https://www.magcentre.fr/2024/11/05/x") is True
    assert s.is_article_url("https://www.magcentre.fr/orleans-45000/") is False
    assert s.to_dict()["article_pattern"] == r"/\d{4}/\d{2}/\d{2}/"
    (plain,) = load_sources(_good(tmp_path))
    assert plain.is_article_url("https://www.magcentre.fr/x") is None  # structural guess
    path.write_text(GOOD + 'article_pattern = "/(unclosed"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'magcentre'.*article_pattern.*not a valid"):
        load_sources(path)
    path.write_text(GOOD + "max_listing_pages = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_listing_pages"):
        load_sources(path)


def _good(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD, encoding="utf-8")
    return path
