"""Typed records that cross stage lines (crawler -> nlp -> store -> dashboard).

All are frozen dataclasses. `to_dict()` gives the public JSON shape documented in
README ("The analyze contract"); field names there are a public contract.

Offsets (`start`, `end`) always index `CleanArticle.text`, which begins with the
headline: `text[start:end] == mention.text`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A piece of evidence: character offsets in the cleaned text, and the text itself."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Charset:
    """How a document's bytes were decoded: what it declared, what was used, and why.

    `reason` is a stable code: bom, utf16_guess, declared, utf8_over_declared (valid
    multi-byte UTF-8 wins over a single-byte declaration), declared_invalid (the
    declaration did not decode; fallback used), undeclared, detected; "+mojibake_repaired"
    is appended when UTF-8 read as cp1252 upstream was undone. Texts given as str: None.
    """

    declared: str | None
    used: str
    reason: str


@dataclass(frozen=True)
class CleanArticle:
    """One cleaned document. `text` = headline, blank line, body (headline analysed too)."""

    source: str  # file path or URL given by the caller
    text: str
    title: str | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD" (or "YYYY-MM") when known
    author: str | None = None
    site_name: str | None = None
    url: str | None = None
    lang: str | None = None  # ISO 639-1 code, e.g. "fr", "en"
    body_start: int = 0  # offset in `text` where the body begins after the headline
    paywalled: bool = False  # a subscribers-only teaser (nlp.paywall): never the full article
    # The decoding decision, when cleaned from bytes: provenance, not content (not compared).
    charset: Charset | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CommuneLink:
    insee: str
    name: str
    departement: str
    region: str
    primary: bool
    mentions: tuple[Span, ...]


@dataclass(frozen=True)
class AreaLink:
    """A département or a region named in the text."""

    code: str
    name: str
    mentions: tuple[Span, ...]


@dataclass(frozen=True)
class Initiative:
    type: str  # one of nlp.labels.INITIATIVE_TYPES
    commune_insee: str | None
    actors: tuple[str, ...]
    status: str | None  # "projet" | "ouvert" | "ferme" | None
    evidence: Span


@dataclass(frozen=True)
class Figure:
    value: float
    kind: str  # one of nlp.labels.FIGURE_KINDS
    unit: str
    text: str
    start: int
    end: int
    commune_insee: str | None


@dataclass(frozen=True)
class Analysis:
    """What `veille analyze` prints for one document (one JSON line)."""

    source: str
    title: str | None
    published: str | None
    lang: str | None
    communes: tuple[CommuneLink, ...] = ()
    departements: tuple[AreaLink, ...] = ()
    regions: tuple[AreaLink, ...] = ()
    relevant: bool = False
    relevance: float = 0.0
    initiatives: tuple[Initiative, ...] = ()
    figures: tuple[Figure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class DocumentError:
    """A document that could not be analysed; `reason` is a stable short code."""

    source: str
    reason: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "error": self.reason, "message": self.message}


@dataclass(frozen=True)
class FetchedPage:
    """A page the crawler fetched, handed to the store's writer."""

    url: str  # canonical URL (dedup key)
    final_url: str
    source_id: str
    run_id: str
    status: int
    fetched_at: str  # ISO timestamp, UTC
    content_type: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # the ones that matter
    article: CleanArticle | None = None  # cleaned on the way, None if cleaning failed
    clean_error: str | None = None


@dataclass(frozen=True)
class FetchFailure:
    """A URL the crawler gave up on, with a stable reason code (http_500, timeout, robots...)."""

    url: str
    source_id: str
    run_id: str
    reason: str
    detail: str
    at: str


@dataclass(frozen=True)
class UrlAlias:
    """A discovered URL whose page is stored under another key: its <link rel=canonical>
    (an old host's URL that redirects, a tracking variant...). Known to later runs, so
    never fetched again; not a failure."""

    url: str  # canonical form of the discovered URL
    canonical: str  # the stored page's key (pages.url)
    source_id: str
    run_id: str
    at: str


def _plain(value: Any) -> Any:
    """Tuples to lists, recursively, so json.dumps output is stable."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
