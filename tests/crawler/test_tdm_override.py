"""TDMRep: a page's own `tdm-reservation: 0` header (seen with a HEAD request) takes
precedence over /.well-known/tdmrep.json reserving its path; without it the file stands."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.crawler.conftest import crawl, run_veille, write_sources

pytestmark = pytest.mark.integration

OPEN = "/2024/04/05/maison-de-sante-sancoins.html"  # answers tdm-reservation: 0
RESERVED = "/2024/04/06/cabinet-lignieres.html"  # says nothing: the file reserves it
TDMREP = json.dumps([{"location": "/", "tdm-reservation": 1}])
PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>La communauté de communes a voté le financement d'un cabinet médical dans le bourg ; deux
généralistes doivent s'y installer au printemps, annonce le maire.</p></article></body></html>"""


def _serve():
    served: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            served.append((self.command, self.path))
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            headers = {"tdm-reservation": "0"}  # page-level: mining allowed
            if self.path == "/.well-known/tdmrep.json":
                body, ctype, headers = TDMREP, "application/json", {}
            elif self.path == "/sitemap.xml":
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                    '"http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{base}{OPEN}</loc></url><url><loc>{base}{RESERVED}</loc></url>"
                    "</urlset>"
                )
                ctype = "application/xml"
            elif self.path in (OPEN, RESERVED):
                body = PAGE.format(title="Un cabinet médical pour le bourg")
                ctype = "text/html; charset=utf-8"
                if self.path == RESERVED:
                    headers = {}
            else:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            self._answer(True)

        def do_HEAD(self):  # noqa: N802
            self._answer(False)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, served


def test_page_header_overrides_tdmrep_file_for_that_page_only(tmp_path):
    server, served = _serve()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sources = write_sources(
            tmp_path / "s.toml", domains=["127.0.0.1"], start_urls=[f"{base}/sitemap.xml"]
        )
        _, summary = crawl(sources, tmp_path / "db.duckdb")
    finally:
        server.shutdown()
        server.server_close()
    gets = {path for method, path in served if method == "GET"}
    heads = {path for method, path in served if method == "HEAD"}
    assert heads == {"/sitemap.xml", OPEN, RESERVED}  # each reserved path asked once
    assert {"/sitemap.xml", OPEN} <= gets and RESERVED not in gets
    assert summary["totals"]["failed"] == {"tdm_reserved": 1}
    source = summary["sources"]["echo-du-berry"]
    assert source["tdm_reserved"].startswith("/.well-known/tdmrep.json")


def test_sources_check_applies_the_same_precedence(tmp_path):
    server, served = _serve()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sources = write_sources(
            tmp_path / "s.toml",
            domains=["127.0.0.1"],
            start_urls=[f"{base}/sitemap.xml", f"{base}{RESERVED}"],
        )
        proc = run_veille(
            "sources",
            "check",
            "--sources",
            str(sources),
            "--delay",
            "0",
            "--format",
            "json",
            timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()
    rows = {r["url"].removeprefix(base): r for r in json.loads(proc.stdout)}
    assert rows["/sitemap.xml"]["ok"] and rows["/sitemap.xml"]["links"] == 2
    assert not rows[RESERVED]["ok"] and "text-and-data mining" in rows[RESERVED]["detail"]
