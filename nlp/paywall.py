"""Subscribers-only teasers: tell a paywalled page from a full article.

Much of the regional press serves the first paragraph of a subscribers-only article
and hides the rest. We keep and analyse the teaser but must never present it as the
full article, so the cleaner marks it `paywalled`. Pure function, no I/O.

Signals, strongest first:
- JSON-LD `isAccessibleForFree: false` (schema.org, what Google asks outlets to
  publish for paywalled content), or `article:content_tier` locked/metered;
- a "réservé aux abonnés"-type marker in the page AND a body cut short (a short
  cleaned body): the marker alone is not enough, since outlets label *other*
  articles' links "abonnés" and end free articles with "Abonnez-vous".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHORT_BODY = 1500  # characters of cleaned body under which a marked page is a teaser

_JSONLD_FALSE = re.compile(
    r"""["']isAccessibleForFree["']\s*:\s*(false\b|["']false["']|["']no["']|0\b)""", re.I
)
_CONTENT_TIER = re.compile(
    r"""<meta[^>]+(property|name)=["']article:content_tier["'][^>]*content=["'](locked|"""
    r"""metered)["']|<meta[^>]+content=["'](locked|metered)["'][^>]*(property|name)="""
    r"""["']article:content_tier["']""",
    re.I,
)
_MARKERS = re.compile(
    r"(r[ée]serv[ée]e?s?\s+(aux|à nos)\s+abonn[ée]s"
    r"|contenu\s+(premium|abonn[ée]s)"
    r"|article\s+(premium|abonn[ée]s?)"
    r"|la\s+suite\s+(de\s+cet\s+article\s+)?est\s+r[ée]serv[ée]e"
    r"|pour\s+lire\s+la\s+suite|lire\s+la\s+suite\s+de\s+cet\s+article"
    r"|d[ée]j[àa]\s+abonn[ée]\s*\?\s*(connectez|identifiez)"
    r"|cet\s+article\s+est\s+r[ée]serv[ée])",
    re.I,
)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.I | re.S)


@dataclass(frozen=True)
class Paywall:
    paywalled: bool
    reason: str | None = None  # "jsonld", "content_tier", "marker+short_body"


def detect_paywall(html: bytes | str, text: str, *, body_start: int = 0) -> Paywall:
    """Is this page a subscribers-only teaser? `html` is the raw page, `text` the
    cleaned text (headline, blank line, body), `body_start` where its body begins."""
    raw = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    raw = raw[:2_000_000]
    if _JSONLD_FALSE.search(raw):
        return Paywall(True, "jsonld")
    if _CONTENT_TIER.search(raw):
        return Paywall(True, "content_tier")
    body = text[body_start:].strip()
    if len(body) < SHORT_BODY and _MARKERS.search(_TAGS.sub(" ", raw)):
        return Paywall(True, "marker+short_body")
    return Paywall(False)
