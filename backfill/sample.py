"""A small, reproducible web archive of the demo outlets (README example, tests, benchmark).

`make_sample(out_dir)` writes `sample-NN.warc.gz` files holding the demo site's
articles (demo/site/articles, rendered as the demo server renders them) under three
invented hosts (`*.example`, a reserved name), plus the noise a real archive has:
request and metadata records, other hosts, a PDF, a 404, a redirect, a binary page
sent as HTML, a page whose declared charset is wrong (decoded anyway), a page that no
charset decodes, a tracking-parameter copy of an article, and one file cut in the
middle of a record. It also writes `sources.toml`
for the three outlets. Everything is deterministic (fixed dates and record ids).
"""

from __future__ import annotations

import io
import re
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from crawler.fixture_site import load_articles, render_article

DEMO = Path(__file__).resolve().parents[1] / "demo"
_HOSTS = {  # demo path prefix -> host of the invented outlet in the archive
    "courrier-du-cher": "www.courrier-du-cher.example",
    "gazette-des-vosges": "www.gazette-des-vosges.example",
    "echo-du-cantal": "www.echo-du-cantal.example",
}
_OFFSITE = "www.journal-national.example"


@dataclass(frozen=True)
class Sample:
    files: list[Path]
    sources: Path
    articles: int  # distinct article URLs of registry outlets (the tracking copy excluded)


def make_sample(
    out_dir: str | Path,
    *,
    files: int = 4,
    copies: int = 1,
    offsite_per_file: int = 3,
    truncated: bool = True,
) -> Sample:
    """Write the sample archive; `copies` > 1 repeats each article under new URLs (benchmarks)."""
    from warcio.warcwriter import WARCWriter

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # The hand-written demo articles of three outlets; the generated year of history
    # (dated paths, ops.demo_site) would only make the sample slower.
    metas = [
        m
        for m in load_articles(DEMO / "site" / "articles").values()
        if m["path"].lstrip("/").split("/", 1)[0] in _HOSTS
        and not re.search(r"/\d{4}/\d{2}/", m["path"])
    ]
    pages = []
    for copy in range(copies):
        for meta in metas:
            prefix, rest = meta["path"].lstrip("/").split("/", 1)
            host = _HOSTS[prefix]
            path = f"/{rest}" if copy == 0 else f"/{rest.removesuffix('.html')}-{copy}.html"
            suffix = "" if copy == 0 else f" (n°{copy})"
            body = render_article(
                meta, base=f"https://{host}", root=DEMO / "site", path=path, title_suffix=suffix
            )
            pages.append((f"https://{host}{path}", body, meta["date"]))
    buffers = [io.BytesIO() for _ in range(files)]
    writers = [WARCWriter(b, gzip=True) for b in buffers]
    counter = iter(range(10**9))

    def record(
        w: WARCWriter,
        url: str,
        body: bytes,
        *,
        status: str = "200 OK",
        ctype: str = "text/html; charset=utf-8",
        rec_type: str = "response",
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        n = next(counter)
        headers = {
            "WARC-Date": f"2026-11-20T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
            "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=n + 1)}>",
        }
        if rec_type != "response":
            w.write_record(
                w.create_warc_record(
                    url, rec_type, payload=io.BytesIO(body), warc_headers_dict=headers
                )
            )
            return
        http = StatusAndHeaders(
            status, [("Content-Type", ctype), *(extra or [])], protocol="HTTP/1.1"
        )
        w.write_record(
            w.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict=headers,
            )
        )

    for k, (url, body, _) in enumerate(pages):
        w = writers[k % files]
        record(w, url, b"GET / HTTP/1.1\r\n\r\n", rec_type="request")
        record(w, url, body)
    cher, vosges, cantal = _HOSTS.values()
    for i, w in enumerate(writers):
        for j in range(offsite_per_file):
            body = render_article(
                metas[(i + j) % len(metas)],
                base=f"https://{_OFFSITE}",
                root=DEMO / "site",
                path=f"/region/article-{i}-{j}.html",
            )
            record(w, f"https://{_OFFSITE}/region/article-{i}-{j}.html", body)
        record(
            w,
            f"https://{cher}/ressources/rapport-{i}.pdf",
            b"%PDF-1.4\n%%EOF\n",
            ctype="application/pdf",
        )
        record(
            w,
            f"https://{vosges}/page-disparue-{i}.html",
            b"<html>404</html>",
            status="404 Not Found",
        )
        record(
            w,
            f"https://{cantal}/ancienne-adresse-{i}.html",
            b"",
            status="301 Moved",
            extra=[("Location", f"https://{cantal}/")],
        )
        record(w, f"https://{cher}/image-{i}.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
        record(w, f"https://{vosges}/meta-{i}", b"fetchTimeMs: 12\n", rec_type="metadata")
    # The first article again, with a tracking parameter: the same canonical URL.
    url, body, _ = pages[0]
    record(writers[-1], url + "?utm_source=newsletter", body)
    # A page in windows-1252 that declares utf-8 (a wrong declaration the decoder survives).
    latin = (
        "<html><head><meta charset='utf-8'><title>Fête de la bière à Épinal</title>"
        "</head><body><p>La fête a réuni les amateurs près du théâtre.</p></body></html>"
    )
    record(writers[0], f"https://{vosges}/culture/fete-epinal.html", latin.encode("cp1252"))
    # Bytes that no known charset decodes, sent as HTML: damage, counted as bad:decode.
    record(
        writers[0],
        f"https://{cher}/archives/page-illisible.html",
        b"<html><body>" + bytes(range(128, 256)) * 40 + b"</body></html>",
    )
    paths = []
    for i, buf in enumerate(buffers):
        path = out / f"sample-{i:02d}.warc.gz"
        path.write_bytes(buf.getvalue())
        paths.append(path)
    if truncated:  # a download cut short: the last record's gzip member ends half-way
        data = paths[-1].read_bytes()
        cut = out / "sample-cut.warc.gz"
        cut.write_bytes(data[: len(data) - 200])
        paths.append(cut)
    sources = out / "sources.toml"
    sources.write_text(_sources_toml(), encoding="utf-8")
    return Sample(files=paths, sources=sources, articles=len(pages))


def _sources_toml() -> str:
    demo = tomllib.loads((DEMO / "sources.toml").read_text(encoding="utf-8"))["source"]
    lines = ["# Outlets of the sample web archive (backfill/sample.py): invented hosts.", ""]
    for entry in demo:
        prefix = entry["start_urls"][0].split("/")[1]
        if prefix not in _HOSTS:  # the other demo outlets are not in the sample
            continue
        host = _HOSTS[prefix]
        domain = host.removeprefix("www.")
        lines += [
            "[[source]]",
            f'id = "{entry["id"]}"',
            f'name = "{entry["name"]}"',
            f'region = "{entry["region"]}"',
            f"departements = {entry['departements']!r}".replace("'", '"'),
            f'start_urls = ["https://{host}/rss.xml"]',
            f'allowed_domains = ["{domain}"]',
            'note = "sample archive outlet, invented articles"',
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m backfill.sample OUT_DIR
    import sys

    s = make_sample(sys.argv[1] if len(sys.argv) > 1 else "data/sample-warc")
    print(f"{len(s.files)} WARC files, {s.articles} articles; sources: {s.sources}")
