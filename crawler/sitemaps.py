"""Dated sitemaps: `<loc>` with `<lastmod>` (or a Google News publication date).

    kind, entries = parse_dated(body)   # "index" | "urlset" | "other" | "broken"

The parser never resolves entities nor reaches the network (same guard as discovery).
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=False
)
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def parse_dated(body: bytes) -> tuple[str, list[tuple[str, date | None]]]:
    """("index", sitemaps) for a sitemap index, ("urlset", pages) for a sitemap, each
    (loc, date or None); ("other", []) for anything else that parses (a feed, a page);
    ("broken", []) for XML that does not."""
    head = body[:512].lstrip().lower()
    if not head.startswith((b"<?xml", b"<urlset", b"<sitemapindex")):
        return "other", []
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return "broken", []
    tag = etree.QName(root).localname.lower()
    if tag == "sitemapindex":
        return "index", _entries(root, "sitemap")
    if tag == "urlset":
        return "urlset", _entries(root, "url")
    return "other", []


def _entries(root: etree._Element, parent: str) -> list[tuple[str, date | None]]:
    out = []
    for node in root.iter(f"{{*}}{parent}"):
        loc = lastmod = None
        for sub in node.iter():
            name = etree.QName(sub).localname if isinstance(sub.tag, str) else ""
            text = (sub.text or "").strip()
            if name == "loc" and loc is None and text:
                loc = text
            elif name in ("lastmod", "publication_date") and text and lastmod is None:
                lastmod = parse_date(text)
        if loc:
            out.append((loc, lastmod))
    return out


def parse_date(text: str) -> date | None:
    """W3C datetime ("2024-03-31", "2024-03-31T10:00:00+02:00", "2024-03") -> date."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None
