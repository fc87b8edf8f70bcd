"""`veille digest` on the fixture store: golden files (md and html) and an e-mail-safety
check of the HTML. Regenerate the golden files after a deliberate change with
VEILLE_UPDATE_GOLDEN=1 pytest tests/dashboard/test_digest.py (and read the diff)."""

from __future__ import annotations

import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nlp.labels import INITIATIVE_TYPES
from ops.digest import NATIONAL, build_digest, render

GOLDEN = Path(__file__).parent / "golden"
WEEK = date(2024, 6, 3)  # 2024-W23, the fixture store's busy week
DASHBOARD = "https://veille.example.org"


@pytest.fixture(scope="module")
def digest(fixture_db):
    from store.queries import open_readonly

    con = open_readonly(str(fixture_db))
    try:
        return build_digest(con, WEEK)
    finally:
        con.close()


@pytest.mark.parametrize("fmt,suffix", [("html", "html"), ("md", "md")])
def test_digest_matches_golden_file(digest, fmt, suffix):
    text = render(digest, fmt=fmt, dashboard_url=DASHBOARD)
    golden = GOLDEN / f"digest_2024-W23.{suffix}"
    if os.environ.get("VEILLE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_digest_reads_as_french_for_staff(digest):
    md = render(digest, fmt="md", dashboard_url=DASHBOARD)
    assert not any(code in md for code in INITIATIVE_TYPES), "type codes instead of labels"
    assert "Centre de santé (médecins salariés)" in md
    assert not re.search(r"\b(Le|La|Les) (Grand Est|Centre-Val|Nouvelle-Aquitaine|Cher)\b", md)
    for line in md.splitlines():  # "Guéret — … : [Guéret : …" says the place twice
        m = re.match(r"- \*\*(.+?)\*\* — .*?: \[(.+?)\]", line)
        if m:
            assert not m[2].startswith(f"{m[1]} :"), line
    # A story about a commune is under its région and département, not "National".
    national = dict(digest.regions).get(NATIONAL, ())
    assert all(not it.place for _, items in national for it in items)
    regions = [r for r, _ in digest.regions]
    assert regions == sorted(regions, key=lambda r: (r == NATIONAL, r))
    assert "### Centre-Val de Loire" in md and "#### Cher" in md
    assert f"({DASHBOARD}/article?id=" in md.replace("<", "(").replace(">", ")")


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]


def email_problems(text: str, allowed_links: set[str], dashboard: str) -> list[str]:
    """What a mail client would refuse or a reader should not get: scripts, handlers,
    external assets, links elsewhere than the articles and the dashboard."""
    audit = _Audit()
    audit.feed(text)
    problems = []
    for tag in ("script", "iframe", "object", "embed", "link", "form", "base", "img", "style"):
        if tag in audit.tags:
            problems.append(f"<{tag}> present")
    for tag, key, value in audit.attrs:
        if key.startswith("on"):
            problems.append(f"event handler {key} on <{tag}>")
        if key in ("src", "srcset", "background", "poster", "action"):
            problems.append(f"external asset {key}={value!r}")
        if key == "style" and re.search(r"url\(|@import|expression\(", value, re.I):
            problems.append(f"style loads something: {value!r}")
        if (
            key == "href"
            and value not in allowed_links
            and not value.startswith(f"{dashboard}/article?id=")
        ):
            problems.append(f"link elsewhere: {value!r}")
    if re.search(r"<script|javascript:", text, re.I):
        problems.append("script text")
    return problems


def test_digest_html_is_email_safe(digest, fixture_db):
    import duckdb

    with duckdb.connect(str(fixture_db), read_only=True) as con:
        urls = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
    text = render(digest, fmt="html", dashboard_url=DASHBOARD)
    assert email_problems(text, urls, DASHBOARD) == []
    assert "<table" in text and "Sujets pertinents par semaine" in text  # the trend chart
    # Without a dashboard URL, no dashboard link at all.
    assert "/article?id=" not in render(digest, fmt="html")


def test_email_check_catches_what_it_should():
    bad = (
        '<p onclick="x()"><img src="http://t.example/p.gif"><a href="http://evil.example">'
        "x</a><script>1</script></p>"
    )
    problems = email_problems(bad, set(), DASHBOARD)
    assert len(problems) >= 4
