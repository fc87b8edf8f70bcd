"""URL helpers: the canonical form used as the dedup key, and the article-link guess
used on listing pages."""

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
    r"annonces|boutique|static|assets|img|images|video|videos|podcasts?)(/|\.html?$|$)", re.I)
_BINARY = re.compile(r"\.(jpe?g|png|gif|webp|svg|mp[34]|avi|zip|css|js|ico|woff2?)$", re.I)


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


def looks_like_article(url: str) -> bool:
    """Guess from the URL alone whether a link on a listing page points to an article:
    a slug of at least three words, or a numeric id, and not a navigation path."""
    parts = urlsplit(url)
    path = parts.path
    if _NOT_ARTICLE.search(path) or _BINARY.search(path) or path in ("", "/"):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.(html?|php|aspx?)$", "", last, flags=re.I)
    return stem.count("-") >= 2 or bool(re.search(r"\d{5,}", stem))
