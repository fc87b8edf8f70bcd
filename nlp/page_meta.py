"""What a page or a text says about itself: JSON-LD, meta tags, datelines; text tidying.

Used by `nlp.clean`. JSON-LD is preferred because outlets fill it for search engines
and it states the *publication* date, where visible dates and `article:modified_time`
often give the last update.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_LD_JSON = re.compile(
    r"""<script[^>]*type\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script>""",
    re.IGNORECASE | re.DOTALL,
)
_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']([^"'\s>]+)""", re.I
)
_ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "BlogPosting", "LiveBlogPosting", "Report", "OpinionNewsArticle")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_ZONED = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_MONTHS = {m: i for i, m in enumerate(
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"), 1)}
_FR_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.I)
# Typographic spaces become plain spaces (numbers such as "235 000" then parse);
# soft hyphens and zero-width characters go.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
                         "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None,
                         "\u2060": None, "\ufeff": None})
_HEAD_CHARS = 300_000  # metadata lives in <head> or near the top; bounds regex work


@dataclass(frozen=True)
class PageMeta:
    """What the page declares about itself (JSON-LD first, then meta tags)."""

    headline: str | None = None
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    canonical: str | None = None


def read_meta(page: str) -> PageMeta:
    head = page[:_HEAD_CHARS]
    article = _ld_article(head)
    canonical = _CANONICAL.search(head)
    return PageMeta(
        headline=_ld_text(article.get("headline")) or _ld_text(article.get("name")),
        published=iso_date(_ld_text(article.get("datePublished")))
        or iso_date(meta_content(head, "article:published_time"))
        or iso_date(meta_content(head, "datePublished")),
        author=_ld_names(article.get("author")),
        site_name=_ld_names(article.get("publisher"))
        or one_line(meta_content(head, "og:site_name")),
        canonical=canonical.group(1) if canonical else None,
    )


def meta_content(head: str, prop: str) -> str | None:
    """content of <meta property|name|itemprop=prop>, whatever the attribute order."""
    key = re.escape(prop)
    value = r"""content\s*=\s*(?P<q>["'])(?P<v>.*?)(?P=q)"""
    for pattern in (
        rf"""<meta[^>]*?(?:property|name|itemprop)\s*=\s*["']{key}["'][^>]*?{value}""",
        rf"""<meta[^>]*?{value}[^>]*?(?:property|name|itemprop)\s*=\s*["']{key}["']""",
    ):
        found = re.search(pattern, head, re.IGNORECASE)
        if found and found.group("v").strip():
            return html.unescape(found.group("v")).strip()
    return None


def iso_date(value: str | None) -> str | None:
    """"2024-04-18T07:12:00+02:00" -> "2024-04-18"; "2024-04" stays a month.

    A timestamp with a zone is read in French time: "2024-01-16T23:30:00Z" was
    published on the 17th for the outlet and its readers.
    """
    if not value:
        return None
    local = _paris_date(value.strip())
    if local:
        return local
    found = _ISO_DATE.search(value)
    if not found or not 1990 <= int(found.group(1)) <= 2100 or not 1 <= int(found.group(2)) <= 12:
        return None
    return "-".join(g for g in found.groups() if g)


def _paris_date(value: str) -> str | None:
    if "T" not in value or not _ZONED.search(value):
        return None
    try:
        stamp = datetime.fromisoformat(value)
        return stamp.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
    except (ValueError, ZoneInfoNotFoundError):
        return None  # the plain date part is used instead


def dateline(text: str) -> str | None:
    """A publication date on a short line near the top of plain text ("11 septembre 2023")."""
    for line in text[:1500].splitlines()[:6]:
        if len(line.split()) > 14:
            continue
        found = _FR_DATE.search(line)
        if found:
            day, month, year = found.groups()
            return f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}"
    return None


def tidy(line: str) -> str:
    """NFC (some CMSs emit "e" + U+0301, which no gazetteer matches), plain spaces, collapsed."""
    return " ".join(unicodedata.normalize("NFC", line).translate(_SPACES).split())


def one_line(value: object) -> str | None:
    return (tidy(value) or None) if isinstance(value, str) else None


def _ld_article(head: str) -> dict[str, Any]:
    for block in _LD_JSON.findall(head):
        for obj in _ld_objects(block):
            types = obj.get("@type")
            if any(t in _ARTICLE_TYPES for t in (types if isinstance(types, list) else [types])):
                return obj
    return {}


def _ld_objects(block: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(block.strip(), strict=False)
    except ValueError:
        return []  # broken JSON-LD is common; the meta tags and trafilatura remain
    found: list[dict[str, Any]] = []
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            if "@graph" in item:
                queue.append(item["@graph"])
    return found


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    # CMS plugins write entities inside JSON-LD strings ("&#8211;", "&#039;").
    return one_line(html.unescape(value)) if isinstance(value, str) else None


def _ld_names(value: Any) -> str | None:
    """Person/Organization (or a list of them, or a bare string) -> "A; B"."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _ld_text(item.get("name") if isinstance(item, dict) else item)
        if name:
            names.append(name)
    return "; ".join(dict.fromkeys(names)) or None
