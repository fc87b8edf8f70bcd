"""A real local HTTP server serving a fixture press site ("L'Écho du Berry").

Used by the crawler tests, scripts/bench_crawl.py and the local demo:

    from crawler import fixture_site
    base = fixture_site.start()        # "http://127.0.0.1:PORT", threaded, in the background
    ...
    fixture_site.stop()

Pages live in tests/fixtures/site/ ($base / $port / $crawl_delay are filled in at
serve time); articles are small text files rendered with _article.html. Fault
endpoints (500, 429, slow, redirect loop, oversized, PDF, 404, redirect to the
cloud metadata address) are routed here. `requests` records every hit (time, path,
User-Agent, start/end) so tests can check politeness from the server's side.

Real-world shapes (crawler.fixture_shapes) live under /morvan/: a BOM feed on an old
host name (`localhost`, answering 301 to `127.0.0.1`), a news sitemap index, a
paginated listing of 25 date-path short-id articles, a paywalled teaser. Two more
servers share the same pages on other ports (`hosts()`): "robots5xx", whose
robots.txt answers 503, and "tdm", which reserves text-and-data mining (TDMRep
header and /.well-known/tdmrep.json).
"""

from __future__ import annotations

import gzip
import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlsplit

from crawler import fixture_shapes

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "site"
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


@dataclass
class Hit:
    path: str
    user_agent: str
    started: float
    ended: float = 0.0
    status: int = 0
    role: str = "main"  # which server answered: "main", "robots5xx" or "tdm"


@dataclass
class SiteState:
    """What a running fixture site knows: its options, articles and request log."""

    root: Path
    crawl_delay: float | None = None
    slow_seconds: float = 3.0
    big_bytes: int = 3_000_000
    retry_after: int = 1
    articles: dict[str, dict[str, str]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen_once: set[str] = field(default_factory=set)
    shapes: dict[str, dict[str, str]] = field(default_factory=dict)  # /morvan/ articles


_server: ThreadingHTTPServer | None = None
_thread: threading.Thread | None = None
_extra: dict[str, ThreadingHTTPServer] = {}
state: SiteState | None = None
ROLES = ("robots5xx", "tdm")


def start(port: int = 0, *, root: Path | str = DEFAULT_ROOT, crawl_delay: float | None = None,
          slow_seconds: float = 3.0, big_bytes: int = 3_000_000, retry_after: int = 1,
          host: str = "127.0.0.1") -> str:
    """Start the site in a background thread; returns its base URL. One site per process."""
    global _server, _thread, state
    if _server is not None:
        stop()
    state = SiteState(root=Path(root), crawl_delay=crawl_delay, slow_seconds=slow_seconds,
                      big_bytes=big_bytes, retry_after=retry_after)
    state.articles = load_articles(Path(root) / "articles")
    state.shapes = fixture_shapes.articles()
    _server = _serve(host, port, role="main")
    for role in ROLES:
        _extra[role] = _serve(host, 0, role=role)
    return f"http://{host}:{_server.server_address[1]}"


def _serve(host: str, port: int, *, role: str) -> ThreadingHTTPServer:
    server = _QuietServer((host, port), _Handler)
    server.daemon_threads = True  # a slow endpoint must not hold up stop()
    server.state = state  # type: ignore[attr-defined]
    server.role = role  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, name=f"fixture-{role}", daemon=True).start()
    return server


def hosts() -> dict[str, str]:
    """Base URLs of the extra servers by role ("robots5xx", "tdm")."""
    return {role: f"http://127.0.0.1:{srv.server_address[1]}" for role, srv in _extra.items()}


def stop() -> None:
    global _server, _thread
    for server in [_server, *_extra.values()]:
        if server is not None:
            server.shutdown()
            server.server_close()
    _extra.clear()
    _server = _thread = None


def hits() -> list[Hit]:
    assert state is not None, "fixture site not started"
    with state.lock:
        return list(state.hits)


def clear_hits() -> None:
    assert state is not None
    with state.lock:
        state.hits.clear()


def load_articles(folder: Path) -> dict[str, dict[str, str]]:
    """Article files: 'key: value' header lines, a blank line, then paragraphs."""
    out: dict[str, dict[str, str]] = {}
    for file in sorted(folder.glob("*.txt")):
        head, _, body = file.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        meta["body"] = body.strip()
        out[meta["path"]] = meta
    return out


def render_article(meta: dict[str, str], *, base: str, root: Path, path: str | None = None,
                   title_suffix: str = "") -> bytes:
    title = meta["title"] + title_suffix
    paragraphs = "\n".join(f"    <p>{html.escape(p.strip())}</p>"
                           for p in meta["body"].split("\n\n"))
    year, month, day = meta["date"][:10].split("-")
    values = {
        "title": html.escape(title), "standfirst": html.escape(meta.get("standfirst", "")),
        "author": html.escape(meta.get("author", "")),
        "section": html.escape(meta.get("section", "")),
        "date": meta["date"], "date_fr": f"{int(day)} {MONTHS_FR[int(month) - 1]} {year}",
        "base": base, "path": path or meta["path"], "body": paragraphs,
        "title_json": json.dumps(title, ensure_ascii=False),
        "author_json": json.dumps(meta.get("author", ""), ensure_ascii=False),
        "section_json": json.dumps(meta.get("section", ""), ensure_ascii=False),
    }
    template = Template((root / "_article.html").read_text(encoding="utf-8"))
    return template.safe_substitute(values).encode("utf-8")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (timeouts, killed crawls) are part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EchoDuBerry/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
        pass

    @property
    def st(self) -> SiteState:
        return self.server.state  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        hit = Hit(path=self.path, user_agent=self.headers.get("User-Agent", ""),
                  started=time.monotonic(), role=self.server.role)  # type: ignore[attr-defined]
        with self.st.lock:
            self.st.hits.append(hit)
        try:
            hit.status = self._route()
        except (BrokenPipeError, ConnectionResetError):
            hit.status = -1
        finally:
            hit.ended = time.monotonic()

    # -- routing ---------------------------------------------------------------------

    def _route(self) -> int:
        st = self.st
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        host_header = self.headers.get("Host", "127.0.0.1")
        base = f"http://{host_header}"
        role = self.server.role  # type: ignore[attr-defined]
        if role == "robots5xx" and path == "/robots.txt":
            return self._send(503, b"Service indisponible", "text/plain")
        if role == "tdm" and path == "/.well-known/tdmrep.json":
            return self._send(200, fixture_shapes.TDMREP, "application/json")
        if path.startswith(fixture_shapes.PREFIX):
            if host_header.split(":")[0] == fixture_shapes.OLD_HOST:  # the outlet moved
                port = host_header.rsplit(":", 1)[-1]
                return self._send(301, b"", "text/plain",
                                  {"Location": f"http://127.0.0.1:{port}{self.path}"})
            return self._morvan(path, query, base)
        if path in st.articles:
            if path.endswith("la-chatre-un-bus-sante-pour-les-villages.html"):
                with st.lock:  # first hit answers 429, later hits the page
                    first = path not in st.seen_once
                    st.seen_once.add(path)
                if first:
                    return self._send(429, b"Trop de requetes", "text/plain",
                                      {"Retry-After": str(st.retry_after)})
            return self._send(200, render_article(st.articles[path], base=base, root=st.root))
        if path.startswith("/bench/"):
            return self._bench(path, query, base)
        if path.startswith("/panne/"):
            return self._panne(path, base)
        if path.startswith("/archives/"):
            return _archives(self, path, base)
        fault = _FAULTS.get(path)
        if fault is not None:
            return fault(self, base)
        return self._static(path, base)

    def _static(self, path: str, base: str) -> int:
        st = self.st
        if path == "/":
            path = "/index.html"
        gz = path.endswith(".gz")
        file = (st.root / path.lstrip("/").removesuffix(".gz")).resolve()
        if st.root.resolve() not in file.parents or not file.is_file() or file.name.startswith("_"):
            return self._send(404, b"<html><body><h1>Page introuvable</h1></body></html>")
        port = base.rsplit(":", 1)[-1]
        delay = f"Crawl-delay: {st.crawl_delay:g}" if st.crawl_delay else ""
        text = Template(file.read_text(encoding="utf-8")).safe_substitute(
            base=base, port=port, crawl_delay=delay)
        body = text.encode("utf-8")
        ctype = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html")
        if gz:
            return self._send(200, gzip.compress(body, mtime=0), "application/x-gzip")
        return self._send(200, body, f"{ctype}; charset=utf-8")

    def _bench(self, path: str, query: dict[str, list[str]], base: str) -> int:
        """/bench/sitemap.xml?n=N&start=S lists N synthetic articles from number S."""
        if path == "/bench/sitemap.xml":
            n = int(query.get("n", ["2000"])[0])
            first = int(query.get("start", ["0"])[0])
            urls = "".join(f"<url><loc>{base}/bench/article-{i}.html</loc></url>\n"
                           for i in range(first, first + n))
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                    f'schemas/sitemap/0.9">\n{urls}</urlset>\n').encode()
            return self._send(200, body, "application/xml")
        name = path.rsplit("/", 1)[-1]
        if name.startswith("article-") and name.endswith(".html"):
            i = int(name[8:-5])
            metas = list(self.st.articles.values())
            page = render_article(metas[i % len(metas)], base=base, root=self.st.root, path=path,
                                  title_suffix=f" (n°{i})")
            return self._send(200, page)
        return self._send(404, b"introuvable", "text/plain")

    def _panne(self, path: str, base: str) -> int:
        """A broken section: its sitemap lists 12 pages that all answer 503."""
        if path == "/panne/sitemap.xml":
            urls = "".join(f"<url><loc>{base}/panne/article-{i}.html</loc></url>"
                           for i in range(12))
            body = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9">{urls}</urlset>').encode()
            return self._send(200, body, "application/xml")
        return self._send(503, b"Service indisponible", "text/plain")

    def _morvan(self, path: str, query: dict[str, list[str]], base: str) -> int:
        shapes = fixture_shapes
        metas = list(self.st.shapes.values())
        port = base.rsplit(":", 1)[-1]
        xml = "application/xml; charset=utf-8"
        if path in self.st.shapes:
            meta = self.st.shapes[path]
            page = render_article(meta, base=base, root=self.st.root)
            if meta.get("paywalled"):
                page = shapes.paywall_markup(page)
            return self._send(200, page)
        if path == shapes.PREFIX + "flux.xml":
            return self._send(200, shapes.feed(port, metas), "application/rss+xml")
        if path == shapes.PREFIX + "sitemap_index.xml":
            return self._send(200, shapes.sitemap_index(base), xml)
        if path == shapes.PREFIX + "sitemap-news.xml":
            return self._send(200, shapes.news_sitemap(base, metas), xml)
        if path == shapes.PREFIX + "sitemap-2019-01.xml":
            return self._send(200, shapes.stale_sitemap(base), xml)
        if path == shapes.PREFIX + "sante/":
            page = 2 if query.get("page") == ["2"] else 1
            return self._send(200, shapes.listing(page, base, metas))
        if path == shapes.PREFIX + "sante/page/3/":
            return self._send(200, shapes.listing(3, base, metas))
        return self._send(404, b"<html><body><h1>Page introuvable</h1></body></html>")

    # -- faults ----------------------------------------------------------------------

    def _error_500(self, base: str) -> int:
        return self._send(500, b"<html><body>Erreur interne</body></html>")

    def _always_429(self, base: str) -> int:
        return self._send(429, b"Trop de requetes", "text/plain",
                          {"Retry-After": str(self.st.retry_after)})

    def _slow(self, base: str) -> int:
        time.sleep(self.st.slow_seconds)
        return self._send(200, b"<html><body><p>Enfin.</p></body></html>")

    def _loop_a(self, base: str) -> int:
        return self._send(302, b"", "text/plain", {"Location": "/actualites/sante/boucle-b.html"})

    def _loop_b(self, base: str) -> int:
        return self._send(302, b"", "text/plain", {"Location": "/actualites/sante/boucle-a.html"})

    def _metadata_redirect(self, base: str) -> int:
        return self._send(302, b"", "text/plain",
                          {"Location": "http://169.254.169.254/latest/meta-data/"})

    def _pdf(self, base: str) -> int:
        body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        return self._send(200, body, "application/pdf")

    def _huge(self, base: str) -> int:
        para = ("<p>La démographie médicale du Cher, commune par commune, en chiffres "
                "et en cartes.</p>\n").encode()
        n = self.st.big_bytes // len(para) + 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(para) * n))
        self.end_headers()
        for _ in range(n):
            self.wfile.write(para)
        return 200

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if self.server.role == "tdm":  # type: ignore[attr-defined]
            self.send_header("tdm-reservation", "1")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        return status


_FAULTS = {
    "/actualites/sante/erreur-serveur-urgences.html": _Handler._error_500,
    "/actualites/sante/trop-de-demandes-sur-le-serveur.html": _Handler._always_429,
    "/actualites/sante/lenteur-du-serveur.html": _Handler._slow,
    "/actualites/sante/boucle-a.html": _Handler._loop_a,
    "/actualites/sante/boucle-b.html": _Handler._loop_b,
    "/actualites/sante/dossier-complet-demographie-medicale.html": _Handler._huge,
    "/documents/rapport-ars-2024.pdf": _Handler._pdf,
    "/actualites/local/offre-partenaire-meteo-du-week-end.html": _Handler._metadata_redirect,
}

# -- dated sitemap archive (`veille backfill sitemaps`) ----------------------------------
#
# /archives/sitemap-index.xml lists one sitemap per month from ARCHIVE_FIRST_MONTH for
# ARCHIVE_MONTHS months, each with <lastmod> = its newest article; each monthly sitemap
# lists ARCHIVE_PER_MONTH articles with their <lastmod>. One month is served gzipped.

ARCHIVE_FIRST_MONTH = (2023, 1)
ARCHIVE_MONTHS = 24
ARCHIVE_DAYS = (4, 14, 24)  # one article on each of these days of every month
ARCHIVE_GZIPPED_MONTH = "2024-06"


def archive_months() -> list[str]:
    year, month = ARCHIVE_FIRST_MONTH
    out = []
    for k in range(ARCHIVE_MONTHS):
        y, m = divmod(month - 1 + k, 12)
        out.append(f"{year + y}-{m + 1:02d}")
    return out


def archive_articles() -> list[tuple[str, str]]:
    """(path, ISO date) of every archived article, oldest first."""
    out = []
    for ym in archive_months():
        for n, day in enumerate(ARCHIVE_DAYS):
            out.append((f"/archives/{ym.replace('-', '/')}/article-{n}.html", f"{ym}-{day:02d}"))
    return out


def _archive_sitemap_url(base: str, ym: str) -> str:
    suffix = ".xml.gz" if ym == ARCHIVE_GZIPPED_MONTH else ".xml"
    return f"{base}/archives/sitemap-{ym}{suffix}"


def _archives(handler: _Handler, path: str, base: str) -> int:
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    if path == "/archives/sitemap-index.xml":
        items = "".join(
            f"<sitemap><loc>{_archive_sitemap_url(base, ym)}</loc>"
            f"<lastmod>{ym}-{ARCHIVE_DAYS[-1]:02d}T23:00:00+01:00</lastmod></sitemap>\n"
            for ym in archive_months())
        body = f'<?xml version="1.0"?>\n<sitemapindex {ns}>\n{items}</sitemapindex>\n'
        return handler._send(200, body.encode(), "application/xml")
    if path.startswith("/archives/sitemap-"):
        ym = path.removeprefix("/archives/sitemap-").split(".")[0]
        if ym not in archive_months() or path != urlsplit(_archive_sitemap_url(base, ym)).path:
            return handler._send(404, b"introuvable", "text/plain")
        urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{d}T08:00:00+01:00</lastmod></url>\n"
                       for p, d in archive_articles() if d.startswith(ym))
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>\n{urls}</urlset>\n'.encode()
        if path.endswith(".gz"):
            return handler._send(200, gzip.compress(body, mtime=0), "application/x-gzip")
        return handler._send(200, body, "application/xml")
    dates = dict(archive_articles())
    if path in dates:
        metas = sorted(handler.st.articles.values(), key=lambda m: m["path"])
        k = list(dates).index(path)
        meta = {**metas[k % len(metas)], "date": f"{dates[path]}T08:00:00+01:00"}
        page = render_article(meta, base=base, root=handler.st.root, path=path,
                              title_suffix=f" ({dates[path]})")
        return handler._send(200, page)
    return handler._send(404, b"introuvable", "text/plain")


# What a crawl of the fixture site must end with (tests and the demo check these).
GOOD_ARTICLE_COUNT = 11
EXPECTED_FAILURES = {
    "/actualites/sante/erreur-serveur-urgences.html": "http_500",
    "/actualites/sante/trop-de-demandes-sur-le-serveur.html": "http_429",
    "/actualites/sante/lenteur-du-serveur.html": "timeout",
    "/actualites/sante/boucle-a.html": "redirect_loop",
    "/actualites/sante/dossier-complet-demographie-medicale.html": "too_large",
    "/documents/rapport-ars-2024.pdf": "not_html",
    "/actualites/sante/article-supprime.html": "http_404",
    "/actualites/local/offre-partenaire-meteo-du-week-end.html": "private_address",
    "/prive/note-interne-redaction.html": "robots",
    "/sitemaps/casse.xml": "bad_sitemap",
    "https://www.example.org/actualites/partenaire-sante.html": "offsite",
    "http://127.0.0.2:{port}/actualites/sante/preprod.html": "offsite",
    "http://169.254.169.254/latest/meta-data/": "private_address",
    "file:///etc/passwd": "bad_scheme",
}


if __name__ == "__main__":  # python -m crawler.fixture_site [PORT]: serve until Ctrl-C
    import sys

    print(start(int(sys.argv[1]) if len(sys.argv) > 1 else 8765), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop()
