"""scripts/fetch_realpress.py against a local HTTP server: match, mismatch, no overwrite."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nlp.clean import clean_html
from scripts.fetch_realpress import main

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Un village cherche son médecin</title></head><body><article>
<h1>Un village cherche son médecin</h1>
<p>La commune de Plougastel-Daoulas a ouvert une maison de santé au printemps. Le maire
espère y accueillir deux généralistes avant l'été, faute de quoi 1 200 patients resteront
sans médecin traitant.</p>
<p>La municipalité propose un logement gratuit pendant un an aux candidats qui viendront
s'installer, et une annonce a été publiée dans les facultés de Brest et de Rennes.</p>
</article></body></html>""".encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.integration
def test_fetch_rebuilds_cache_and_reports_mismatches(site, tmp_path, capsys):
    url = f"{site}/article.html"
    text = clean_html(PAGE, source=url, url=url).text
    good = hashlib.sha1(text.encode("utf-8")).hexdigest()
    gold = tmp_path / "gold.jsonl"
    cache = tmp_path / "cache"

    def write_gold(sha1: str) -> None:
        rec = {"id": "a1", "file": "a1.txt", "url": url, "sha1": sha1, "chars": len(text)}
        gold.write_text(json.dumps(rec) + "\n", encoding="utf-8")

    write_gold(good)
    args = ["--gold", str(gold), "--cache", str(cache), "--delay", "0"]
    assert main(args) == 0
    assert (cache / "a1.txt").read_text(encoding="utf-8") == text
    assert (cache / "gold.jsonl").exists()  # `veille eval <cache>/gold.jsonl` resolves files
    # A forced refetch never overwrites the annotated text.
    (cache / "a1.txt").write_text(text, encoding="utf-8")
    assert main([*args, "--force"]) == 0
    assert (cache / "a1.fetched.txt").exists()

    write_gold("0" * 40)  # the page changed since it was annotated
    assert main(args) == 1
    assert "MISMATCH" in capsys.readouterr().out
