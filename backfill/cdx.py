"""Select a registry's pages through a CDX index, then read only their records.

Common Crawl serves a CDX index per main crawl (a pywb server: `…/CC-MAIN-YYYY-WW-index`)
and a columnar (Parquet) index of the same rows; each row names the WARC file, the
record's offset and its compressed length. CC-NEWS has no such index: scan its files.

`index_segments(index_urls, sources, data_url=…)` asks each index, for every allowed
domain of the registry, `?url=DOMAIN&matchType=domain&output=json` (page by page:
`showNumPages=true`, then `page=N`), keeps status-200 HTML rows of registry hosts, and
groups them into `WarcSegment`s of byte ranges (file order, at most `per_segment`
records each), to be read with HTTP Range requests (backfill.warc_read).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from typing import Any

from crawler.sources import Source, host_allowed
from veille.errors import ConfigError
from veille.records import WarcSegment

COMMON_CRAWL_DATA = "https://data.commoncrawl.org/"
_USER_AGENT = "veille-deserts-medicaux/0.1 (+backfill warc --from-index)"
_TIMEOUT = 60


def index_segments(
    index_urls: list[str],
    sources: list[Source],
    *,
    data_url: str = COMMON_CRAWL_DATA,
    per_segment: int = 64,
) -> tuple[list[WarcSegment], Counter[str]]:
    """Segments of byte ranges for the registry's pages in the given indexes, and counts."""
    counts: Counter[str] = Counter()
    ranges: dict[str, set[tuple[int, int]]] = defaultdict(set)
    domains = sorted({d for s in sources for d in s.allowed_domains})
    for index in index_urls:
        if not index.startswith(("http://", "https://")):
            raise ConfigError(f"--from-index needs index URLs (http or https), got {index!r}")
        for domain in domains:
            for row in _rows(index, domain, counts):
                counts["index_rows"] += 1
                reason = _unwanted(row, domains)
                if reason:
                    counts[f"index_skipped:{reason}"] += 1
                    continue
                try:
                    offset, length = int(row["offset"]), int(row["length"])
                except (KeyError, TypeError, ValueError):
                    counts["index_skipped:bad_row"] += 1
                    continue
                ranges[urllib.parse.urljoin(data_url, row["filename"])].add((offset, length))
    segments = []
    for warc in sorted(ranges):
        spans = sorted(ranges[warc])
        counts["index_records"] += len(spans)
        for k in range(0, len(spans), per_segment):
            segments.append(WarcSegment(warc_file=warc, ranges=tuple(spans[k : k + per_segment])))
    return segments, counts


def _unwanted(row: dict[str, Any], domains: list[str]) -> str | None:
    if str(row.get("status", "")) != "200":
        return "status"
    mime = f"{row.get('mime', '')} {row.get('mime-detected', '')}".lower()
    if "html" not in mime:
        return "not_html"
    host = urllib.parse.urlsplit(str(row.get("url", ""))).hostname
    if not host_allowed(host, tuple(domains)):  # matchType=domain is a suffix match
        return "offsite"
    if not row.get("filename"):
        return "bad_row"
    return None


def _rows(index: str, domain: str, counts: Counter[str]) -> list[dict[str, Any]]:
    query = {"url": domain, "matchType": "domain", "output": "json"}
    try:
        pages = int(_get_json(index, {**query, "showNumPages": "true"}).get("pages", 1))
    except (OSError, ValueError, AttributeError):
        pages = 1  # a server without pagination answers everything at once
    rows: list[dict[str, Any]] = []
    for page in range(max(pages, 1)):
        try:
            text = _get(index, {**query, "page": str(page)})
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # pywb: "No Captures found" for this domain
                break
            raise ConfigError(f"index {index} answered HTTP {exc.code} for {domain}") from None
        except OSError as exc:
            raise ConfigError(f"cannot query index {index} ({exc}); check the URL") from None
        counts["index_pages"] += 1
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                counts["index_skipped:bad_line"] += 1
    return rows


def _get(index: str, params: dict[str, str]) -> str:
    url = f"{index}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:  # noqa: S310
        return response.read().decode("utf-8", "replace")


def _get_json(index: str, params: dict[str, str]) -> Any:
    return json.loads(_get(index, params))
