"""HTML or plain text -> `CleanArticle`. The only module that imports trafilatura.

- `clean_html`: size / binary / charset checks (nlp.decode), metadata from JSON-LD and
  meta tags, main text by trafilatura without comments, then page furniture dropped
  line by line (nlp.furniture). `text` = headline + "\\n\\n" + body, so the headline
  is analysed too and every offset indexes `text`.
- `clean_text`: plain text is kept exactly as given (annotations index the raw text);
  the title is its first non-empty line.

Bad input raises `InputError` with a stable reason: empty, binary, too_large, decode,
no_text.
"""

from __future__ import annotations

import re

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from nlp.decode import DEFAULT_MAX_BYTES, check_size, decode_document, sniff_binary
from nlp.furniture import drop_furniture, is_furniture_line
from nlp.lang import detect_lang
from nlp.page_meta import dateline, iso_date, one_line, read_meta, tidy
from nlp.paywall import detect_paywall
from veille.errors import InputError
from veille.records import Charset, CleanArticle

__all__ = ["DEFAULT_MAX_BYTES", "clean_html", "clean_text", "is_furniture_line", "looks_like_html"]

_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|div|p|h[1-6]|section|span|br|meta|title)\b",
    re.IGNORECASE,
)
_LINE = re.compile(r"\S[^\n]*")
_NON_BLANK = re.compile(r"\S")
# Semantic class names for a lead paragraph (never hashed CSS names).
_STANDFIRST_CLASS = re.compile(
    r"chap(?:o|ô|eau)|standfirst|\bintro\b|\blead\b|\blede\b|excerpt"
    r"|article[-_]+(?:intro|summary|description)",
    re.I,
)


def looks_like_html(text: str) -> bool:
    return _HTML_TAG.search(text[:100_000]) is not None


def clean_html(
    html: bytes | str,
    *,
    source: str,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> CleanArticle:
    """Clean one HTML page. `encoding` is the HTTP charset when the caller knows it."""
    page, charset = _to_text(html, max_bytes=max_bytes, declared=encoding, is_html=True)
    if not looks_like_html(page):
        raise InputError(
            "no_text", "this is not HTML (no tags found); name it .txt to analyse it as plain text"
        )
    meta = read_meta(page)
    tree = load_html(page)
    if tree is None:
        raise InputError("no_text", "this HTML could not be parsed; is it really a web page?")
    _unwrap_layout_tables(tree)
    standfirst = _standfirst(tree)  # read before trafilatura prunes the tree
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,  # reader comments are not the article
            include_images=False,
            include_links=False,
            with_metadata=True,  # fallbacks for title, date (htmldate), author, site name
            deduplicate=False,
        )
    except Exception as exc:  # a crash on one odd page is that page's problem only
        raise InputError(
            "no_text", f"the HTML could not be parsed ({type(exc).__name__}: {exc})"
        ) from exc
    body_lines = _body_lines(doc.text if doc is not None and doc.text else "")
    title = one_line(meta.headline) or one_line(getattr(doc, "title", None))
    if title and body_lines and one_line(body_lines[0]) == title:
        body_lines = body_lines[1:]  # some layouts repeat the <h1> inside the article body
    if standfirst and not _contains(body_lines, standfirst):
        body_lines.insert(0, standfirst)
    if not body_lines:
        raise InputError(
            "no_text", "no article text found in this page (an index, a form or a paywall?)"
        )
    if not title:
        title, body_lines = body_lines[0], body_lines[1:]
    body = "\n".join(body_lines)
    text = f"{title}\n\n{body}" if body else title
    body_start = len(title) + 2 if body else len(title)
    return CleanArticle(
        source=source,
        text=text,
        title=title,
        published=meta.published or iso_date(getattr(doc, "date", None)),
        author=meta.author or one_line(getattr(doc, "author", None)),
        site_name=meta.site_name or one_line(getattr(doc, "sitename", None)),
        url=meta.canonical or url,
        lang=detect_lang(text),
        body_start=body_start,
        # A subscribers-only teaser is analysed but never shown as the full article.
        paywalled=detect_paywall(page, text, body_start=body_start).paywalled,
        charset=charset,
    )


def clean_text(text: str, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> CleanArticle:
    """Plain text as given: no line is altered, so offsets match annotations on the file."""
    check_size(len(text), max_bytes=max_bytes)  # characters <= bytes: a cheap lower bound
    if not text.strip():
        raise InputError("empty", "the document is empty")
    if "\x00" in text[:8192]:
        raise InputError("binary", "this is binary data (NUL bytes), not text")
    title_line = _title_line(text)
    title = title_line.group(0).strip()
    rest = _NON_BLANK.search(text, title_line.end())
    return CleanArticle(
        source=source,
        text=text,
        title=title,
        published=dateline(text),
        lang=detect_lang(text),
        body_start=rest.start() if rest else len(text),
    )


def _title_line(text: str) -> re.Match[str]:
    """First non-empty line, skipping a leading dateline or credit ("Publié : 5 septembre...")."""
    lines = list(_LINE.finditer(text))
    for line in lines[:3]:
        if not is_furniture_line(line.group(0)):
            return line
    return lines[0]


def _to_text(
    data: bytes | str, *, max_bytes: int, declared: str | None, is_html: bool
) -> tuple[str, Charset | None]:
    if isinstance(data, str):
        check_size(len(data), max_bytes=max_bytes)
        if not data.strip():
            raise InputError("empty", "the document is empty")
        if "\x00" in data[:8192]:
            raise InputError("binary", "this is binary data (NUL bytes), not text")
        return data, None
    check_size(len(data), max_bytes=max_bytes)
    if not data.strip():
        raise InputError("empty", "the document is empty (0 bytes or only whitespace)")
    what = sniff_binary(data)
    if what is not None:
        raise InputError(
            "binary", f"this is {what}, not a web page or text; only .html/.htm/.txt are analysed"
        )
    text, charset = decode_document(data, declared=declared, html=is_html)
    if not text.strip():
        raise InputError("empty", "the document is empty")
    return text, charset


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Old sites lay pages out with tables; trafilatura would flatten them into "| a | b |"."""
    for table in list(tree.iter("table")):
        if table.find(".//h1") is not None or len(table.findall(".//p")) >= 3:
            for el in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
                el.tag = "div"


def _standfirst(tree: HtmlElement) -> str | None:
    """The article's lead paragraph ("chapô"), which layouts often keep outside the body
    container that trafilatura picks."""
    scope = tree.find(".//article")
    if scope is None:
        scope = tree.find(".//main")
    if scope is None:
        scope = tree
    for el in scope.iter("p", "div", "h2", "span"):
        if not _STANDFIRST_CLASS.search(el.get("class") or ""):
            continue
        line = one_line(el.text_content())
        if line and 12 <= len(line.split()) <= 120 and not is_furniture_line(line):
            return line
    return None


def _contains(lines: list[str], line: str) -> bool:
    probe = line[:80]
    return any(probe in existing for existing in lines)


def _body_lines(raw: str) -> list[str]:
    lines = [tidy(line) for line in raw.splitlines()]
    return drop_furniture([line for line in lines if line])
