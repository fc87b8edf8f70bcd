"""`backfill warc --from-index`: a CDX-like index and WARC files with Range support, served
on 127.0.0.1 (free port) by a server started here; only the registry's records are read."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from backfill.cdx import index_segments
from backfill.warc_read import read_segment
from tests.backfill.helpers import snapshot
from veille.cli import app
from veille.records import WarcSegment

PAGE_SIZE = 4  # index rows per page, so pagination is exercised


def cdx_rows(files: list[Path]) -> list[dict[str, str]]:
    """One row per response record, as Common Crawl's index server answers with output=json."""
    rows = []
    for path in files:
        records = list(read_segment(WarcSegment(str(path))))
        ends = [r.offset for r in records[1:]] + [path.stat().st_size]
        for rec, end in zip(records, ends, strict=True):
            if rec.rec_type != "response" or rec.problem:
                continue
            mime = (rec.content_type or "").split(";")[0]
            rows.append(
                {
                    "url": rec.url,
                    "timestamp": "20261120000000",
                    "mime": mime,
                    "mime-detected": mime,
                    "status": str(rec.status),
                    "offset": str(rec.offset),
                    "length": str(end - rec.offset),
                    "filename": f"crawl-data/TEST/{path.name}",
                }
            )
    return rows


class ArchiveServer(ThreadingHTTPServer):
    def __init__(self, rows: list[dict[str, str]], folder: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.rows, self.folder = rows, folder
        self.ranges: list[tuple[str, str]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: ArchiveServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if parts.path == "/TEST-index":
            return self._index(parse_qs(parts.query))
        if parts.path.startswith("/crawl-data/TEST/"):
            return self._warc(self.server.folder / parts.path.rsplit("/", 1)[-1])
        return self._send(404, b"not found")

    def _index(self, q: dict[str, list[str]]) -> None:
        domain = q["url"][0]
        assert q.get("matchType") == ["domain"] and q.get("output") == ["json"]
        rows = [
            r
            for r in self.server.rows
            if (h := urlsplit(r["url"]).hostname) == domain or h.endswith("." + domain)
        ]
        if "showNumPages" in q:
            pages = math.ceil(len(rows) / PAGE_SIZE)
            return self._send(200, json.dumps({"pages": pages, "pageSize": PAGE_SIZE}).encode())
        page = int(q.get("page", ["0"])[0])
        chunk = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        if not chunk:
            return self._send(404, b"No Captures found for: " + domain.encode())
        return self._send(200, "".join(json.dumps(r) + "\n" for r in chunk).encode())

    def _warc(self, file: Path) -> None:
        data = file.read_bytes()
        spec = self.headers.get("Range", "")
        with self.server.lock:
            self.server.ranges.append((file.name, spec))
        if not spec.startswith("bytes="):
            return self._send(200, data)
        start, end = (int(x) for x in spec[6:].split("-"))
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start : end + 1])

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server(sample) -> Iterator[ArchiveServer]:
    files = [p for p in sample.files if p.name != "sample-cut.warc.gz"]
    srv = ArchiveServer(cdx_rows(files), sample.files[0].parent)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _base(srv: ArchiveServer) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


@pytest.mark.integration
def test_index_selects_only_registry_html_records(server, sample_sources) -> None:
    segments, counts = index_segments(
        [f"{_base(server)}/TEST-index"], sample_sources, data_url=f"{_base(server)}/", per_segment=3
    )
    wanted = [
        r
        for r in server.rows
        if ".example/" in r["url"]
        and "journal-national" not in r["url"]
        and r["status"] == "200"
        and "html" in r["mime"]
    ]
    assert counts["index_records"] == len(wanted) == sum(len(s.ranges) for s in segments)
    assert all(len(s.ranges) <= 3 for s in segments)
    assert counts["index_skipped:status"] > 0 and counts["index_skipped:not_html"] > 0
    assert counts["index_pages"] > len({d for s in sample_sources for d in s.allowed_domains})


@pytest.mark.integration
@pytest.mark.models
def test_from_index_reads_only_those_ranges_and_stores_the_same(
    server, reference, sample, tmp_path
) -> None:
    db = tmp_path / "index.duckdb"
    result = CliRunner().invoke(
        app,
        [
            "backfill",
            "warc",
            f"{_base(server)}/TEST-index",
            "--from-index",
            "--data-url",
            f"{_base(server)}/",
            "--sources",
            str(sample.sources),
            "--db",
            str(db),
            "--per-segment",
            "5",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 3, result.output  # the undecodable page is damage
    assert json.loads(result.stdout[result.stdout.index("{") :])["counts"]["bad:decode"] == 1
    # Only byte ranges, only of registry records: no whole file, no other host.
    assert server.ranges and all(spec.startswith("bytes=") for _, spec in server.ranges)
    offsite = {
        (r["filename"].rsplit("/", 1)[-1], int(r["offset"]))
        for r in server.rows
        if "journal-national" in r["url"]
    }
    fetched = {(name, int(spec[6:].split("-")[0])) for name, spec in server.ranges}
    assert not fetched & offsite
    got, ref = snapshot(db), snapshot(reference[0])
    for key in ref:
        if key != "failures":  # the index filters 404s and PDFs out before any read
            assert got[key] == ref[key], key
