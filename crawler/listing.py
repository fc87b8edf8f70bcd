"""Reading discovery documents: sitemaps (plain, Google News, indexes), RSS/RDF/Atom
feeds and HTML listing pages. Pure functions over bytes, shared by the spider and
`veille sources check`.

Feeds are sniffed by content, not by name or Content-Type: a UTF-8 byte order mark,
XML comments, processing instructions and a DOCTYPE may come before the root element.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from crawler.urls import looks_like_article

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                              recover=False)
_BOMS = (b"\xef\xbb\xbf",)
# What may precede the root element: blanks, <?xml ...?> and other PIs, comments, DOCTYPE.
_PROLOG = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = {"urlset", "sitemapindex", "rss", "feed", "rdf"}
# Children of a sitemap index older than this, counted from its newest child, are
# archives (one sitemap per past month): not followed by a nightly crawl.
INDEX_MAX_AGE_DAYS = 31
INDEX_MAX_CHILDREN = 20
_HEADINGS = {"h1", "h2", "h3", "h4"}


def sniff(body: bytes) -> tuple[str, bytes]:
    """("xml", body without BOM) for a sitemap/feed, ("html", body) otherwise."""
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom):]
    head, pos, is_xml_decl = body[:8192], 0, False
    while True:
        m = _PROLOG.match(head, pos)
        if not m:
            break
        token = m.group(1).lower()
        if token.startswith(b"<?xml"):
            is_xml_decl = True
        elif token.startswith(b"<!doctype") and b"html" in token[:20]:
            return "html", body
        pos = m.end()
    root = _ROOT.match(head, pos)
    name = root.group(1).decode("ascii", "replace").lower().split(":")[-1] if root else ""
    if name in _FEED_ROOTS or (is_xml_decl and name != "html"):
        return "xml", body
    return "html", body


def parse_listing_xml(body: bytes) -> tuple[str, list[str]]:
    """Sniff a body: ("index", sitemap URLs), ("entries", article URLs) for a sitemap or
    a feed, ("html", []) when it is not XML, ("broken", [error]) when it claims to be
    XML but does not parse. An index keeps its recent children (see INDEX_MAX_AGE_DAYS)."""
    kind, body = sniff(body)
    if kind == "html":
        return "html", []
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        return "broken", [str(exc)]
    tag = etree.QName(root).localname.lower()
    if tag == "sitemapindex":
        return "index", _recent_children(root)
    if tag == "urlset":
        return "entries", _texts(root, "url", "loc")
    if tag in ("rss", "rdf"):
        return "entries", _texts(root, "item", "link") or _texts(root, "item", "guid")
    if tag == "feed":  # Atom: the alternate link of each entry
        out = []
        for entry in root.iter("{*}entry"):
            for link in entry.iter("{*}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    out.append(link.get("href"))
                    break
        return "entries", out
    if tag == "html":
        return "html", []
    return "broken", [f"unknown XML root <{tag}>: not a sitemap or a feed"]


def _recent_children(root: Any) -> list[str]:
    children: list[tuple[str, date | None]] = []
    for node in root.iter("{*}sitemap"):
        loc = next((c.text.strip() for c in node.iterchildren("{*}loc") if c.text), None)
        mod = next((c.text.strip() for c in node.iterchildren("{*}lastmod") if c.text), None)
        if loc:
            children.append((loc, _date(mod)))
    dated = [d for _, d in children if d is not None]
    if not dated:
        return [loc for loc, _ in children][:INDEX_MAX_CHILDREN * 5]
    newest = max(dated)
    kept = [(loc, d) for loc, d in children
            if d is None or (newest - d).days <= INDEX_MAX_AGE_DAYS]
    kept.sort(key=lambda c: c[1] or newest, reverse=True)  # newest first, undated with them
    return [loc for loc, _ in kept[:INDEX_MAX_CHILDREN]]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _texts(root: Any, parent: str, child: str) -> list[str]:
    out = []
    for node in root.iter(f"{{*}}{parent}"):
        for sub in node.iterchildren(f"{{*}}{child}"):
            if sub.text and sub.text.strip():
                out.append(sub.text.strip())
                break
    return out


# -- HTML listing pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str  # absolute
    text: str  # the anchor's words
    in_article: bool  # inside <article> or a heading h1-h4


@dataclass
class ListingLinks:
    """Article links of one listing page, what was refused and the next page."""

    articles: list[str]
    offsite: Counter[str]  # host -> article-like links outside the allowed domains
    next_page: str | None


def html_links(body: bytes | str, base_url: str) -> tuple[list[Link], str | None]:
    """Every http(s) link of an HTML page with its context, and the rel=next URL."""
    try:
        tree = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return [], None
    links = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base_url, href)
        if not url.startswith(("http://", "https://")):
            continue
        in_article = any(el.tag in _HEADINGS or el.tag == "article" for el in a.iterancestors())
        in_article = in_article or any(el.tag in _HEADINGS for el in a.iterdescendants())
        links.append(Link(url, " ".join(a.text_content().split()), in_article))
    rel_next = None
    for el in tree.iter("link", "a"):
        if "next" in (el.get("rel") or "").lower().split() and el.get("href"):
            rel_next = urljoin(base_url, el.get("href").strip())
            break
    return links, rel_next


def listing_links(body: bytes | str, base_url: str, *, allows_host: Any,
                  pattern: Any = None) -> ListingLinks:
    """Article links of a listing page. `pattern(url) -> bool | None` is the source's
    article_pattern (None: no pattern, use the structural guess); `allows_host(host)`
    says whether a host belongs to the source."""
    links, rel_next = html_links(body, base_url)
    articles: list[str] = []
    offsite: Counter[str] = Counter()
    for link in links:
        declared = pattern(link.url) if pattern is not None else None
        is_article = declared if declared is not None else looks_like_article(
            link.url, text=link.text, in_article=link.in_article)
        if not is_article:
            continue
        host = urlsplit(link.url).hostname
        if allows_host(host):
            articles.append(link.url)
        else:
            offsite[host or "?"] += 1
    nxt = rel_next or next_page_url(base_url, [link.url for link in links])
    if nxt is not None and not allows_host(urlsplit(nxt).hostname):
        nxt = None
    return ListingLinks(list(dict.fromkeys(articles)), offsite, nxt)


_PAGE_PATH = re.compile(r"/page/(\d+)/?$")


def next_page_url(current: str, candidates: list[str]) -> str | None:
    """The link to the following page among `candidates`: ?page=N+1 or /page/N+1/."""
    parts = urlsplit(current)
    query = dict(parse_qsl(parts.query))
    m = _PAGE_PATH.search(parts.path)
    number = int(query.get("page", m.group(1) if m else "1") or 1)
    base_path = _PAGE_PATH.sub("", parts.path).rstrip("/")
    wanted_query = urlunsplit((parts.scheme, parts.netloc, parts.path,
                               urlencode({**query, "page": str(number + 1)}), ""))
    for url in candidates:
        c = urlsplit(url)
        if (c.hostname, c.port) != (parts.hostname, parts.port):
            continue
        if urlunsplit((c.scheme, c.netloc, c.path, urlencode(dict(parse_qsl(c.query))), "")) \
                == wanted_query:
            return url
        cm = _PAGE_PATH.search(c.path)
        if cm and int(cm.group(1)) == number + 1 and \
                _PAGE_PATH.sub("", c.path).rstrip("/") == base_path:
            return url
    return None
