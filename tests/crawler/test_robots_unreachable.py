"""RFC 9309: a robots.txt that cannot be fetched (the server closes the connection without
answering) means "disallow all" for the run; a 404 robots.txt still means "allow all"."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawler.conftest import crawl, write_sources

pytestmark = pytest.mark.integration

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/2024/04/05/medecin-sancoins.html</loc></url>
</urlset>"""
PAGE = """<html><head><title>Sancoins accueille un médecin</title></head><body><article>
<h1>Sancoins accueille un médecin</h1><p>La commune de Sancoins a trouvé un généraliste qui
ouvrira son cabinet en mai dans la maison de santé rénovée par la communauté de communes.</p>
</article></body></html>"""


def _serve(robots: str):
    """A site whose /robots.txt is dropped unanswered ("close") or answered 404 ("404")."""
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            served.append(self.path)
            if self.path == "/robots.txt":
                if robots == "close":
                    self.close_connection = True  # accepted, then closed: no status line
                    return
                self.send_error(404)
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/sitemap.xml":
                body, ctype = SITEMAP.format(base=base), "application/xml"
            elif self.path.endswith(".html"):
                body, ctype = PAGE, "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, served


@pytest.mark.parametrize("robots", ["close", "404"])
def test_unreachable_robots_disallows_but_404_allows(robots, tmp_path):
    server, served = _serve(robots)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sources = write_sources(
            tmp_path / "s.toml", domains=["127.0.0.1"], start_urls=[f"{base}/sitemap.xml"]
        )
        _, summary = crawl(sources, tmp_path / "db.duckdb")
    finally:
        server.shutdown()
        server.server_close()
    if robots == "close":
        assert set(served) == {"/robots.txt"}  # asked (and retried), nothing else fetched
        assert summary["totals"]["failed"] == {"robots_unavailable": 1}
        assert summary["sources"]["echo-du-berry"]["problem"].startswith("robots_unavailable")
    else:
        assert "/2024/04/05/medecin-sancoins.html" in served
        assert summary["totals"]["failed"] == {}
