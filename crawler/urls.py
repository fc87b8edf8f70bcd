"""URL helpers: the canonical form used as the dedup key, and the article-link guess
used on listing pages when a source declares no `article_pattern`."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Tracking parameters dropped from the dedup key (campaign tags, click ids, AT Internet xtor).
_TRACKING = re.compile(
    r"^(utm_\w+|xtor|xts|at_\w+|fbclid|gclid|dclid|msclkid|mc_[ce]id|ns_\w+|_ga|igshid|"
    r"ref_src|share)$", re.I)
# Paths on listing pages that are navigation, not articles.
_NOT_ARTICLE = re.compile(
    r"/(rubriques?|tags?|themes?|auteurs?|authors?|page|recherche|search|abonnement|compte|"
    r"connexion|login|mentions-legales|contact|cgu|cgv|newsletter|services|jeux|meteo|"
    r"annonces|boutique|static|assets|img|images|video|videos|podcasts?|communes?|"
    r"villes?|departements?|regions?|sections?|categor(y|ie|ies)|archives?)(/|\.html?$|$)", re.I)
_BINARY = re.compile(r"\.(jpe?g|png|gif|webp|svg|mp[34]|avi|zip|css|js|ico|woff2?|pdf|xml)$",
                     re.I)
# A date in the path, followed by at least one more segment (the article's own):
# /2024/03/12/slug, /2024-03-12/slug, /20240312/slug, /2024/03/slug.
_DATE_PATH = re.compile(
    r"/(20\d\d)([/-])(0[1-9]|1[0-2])(\2(0[1-9]|[12]\d|3[01]))?/[^/]+"
    r"|/20\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/[^/]+")
# A town or section page: a name then a postcode or département number, nothing after
# (/nevers-58000/, /val-d-oise-95/, /ajaccio-2a/).
_PLACE_PAGE = re.compile(r"^[a-z][a-z'-]*-(\d{5}|\d{2}|2a|2b|97[1-6])$", re.I)
_ID = re.compile(r"(?<![a-z])\d{5,}(?![a-z])", re.I)
_EXT = re.compile(r"\.(html?|php|aspx?)$", re.I)


def canonical_url(url: str) -> str:
    """Lower-case scheme/host, default port and fragment dropped, tracking parameters
    removed, remaining parameters sorted. Path case is kept (servers care)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    default_port = port is None or (scheme, port) in {("http", 80), ("https", 443)}
    netloc = host if default_port else f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def looks_like_article(url: str, *, text: str | None = None, in_article: bool = False) -> bool:
    """Guess whether a link on a listing page points to an article, from the URL's
    structure and, when known, the link's place and words.

    URL signals: a date path, a numeric id, an `/article/` segment, a slug of several
    words. Page signals: the link sits inside <article> or a heading (h1-h4); its text
    reads like a headline (four words or more). Navigation paths and town/section
    pages (/nevers-58000/, /val-d-oise-95/) are refused whatever the rest says.
    """
    return article_score(url, text=text, in_article=in_article) >= 2


def article_score(url: str, *, text: str | None = None, in_article: bool = False) -> int:
    path = urlsplit(url).path
    if path in ("", "/") or _NOT_ARTICLE.search(path) or _BINARY.search(path):
        return -10
    segments = [s for s in path.split("/") if s]
    last = _EXT.sub("", segments[-1])
    if _PLACE_PAGE.match(last) or (last.isdigit() and len(last) <= 4):
        return -10  # a town/section page, or a date archive such as /2024/03/12/
    score = 0
    if _DATE_PATH.search(path):
        score += 3  # the strongest sign: even "Lire la suite" on a dated URL is an article
    body = "/".join(s for s in segments if not _PLACE_PAGE.match(s))
    if _ID.search(body):
        score += 2
    if any(s.lower() in ("article", "articles", "art") for s in segments[:-1]):
        score += 1
    words = len(re.split(r"[-_]+", last))
    score += 2 if words >= 4 else 1 if words == 3 else 0
    if text is not None:
        n = len(text.split())
        score += 1 if n >= 4 and len(text) >= 20 else -1 if n <= 2 else 0
    if in_article:
        score += 1
    return score
