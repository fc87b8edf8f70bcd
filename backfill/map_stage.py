"""The map stage of `veille backfill warc`: one WARC segment -> one Arrow table.

The same function runs in-process or as a Dask task. For each record, cheapest test
first: a response? on a registry host? status 200? HTML, decodable? Then the cheap
relevance score (nlp.relevance) on the tag-stripped page; only candidates go on to the
analyse stage (nlp.stage: clean, score, analyse), through `analyse_candidates`.

The table has one row per candidate page (`reject_reason` NULL) and one per page of a
registry host that could not be used (`reject_reason` set, no body). Counts say
`bad:REASON` for damage (a cut file, an undecodable page) and `rejected:REASON` for
ordinary refusals (HTTP errors, non-HTML). Pages of other hosts and non-candidates
are only counted: the counts travel in the schema metadata
("counts", JSON), with the pipeline version that produced the analyses.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from backfill.warc_read import ArchivedRecord, read_segment
from crawler.sources import Source
from veille.records import PageResult, RawPage, WarcSegment

_SKIP_BLOCKS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DAMAGE = {"decode", "binary"}
_WRONG_DECLARATION = {"declared_invalid", "utf8_over_declared"}
_KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language")


def _analyzer(spacy_model: str) -> Any:
    """The process's spaCy pipeline (nlp.stage caches one per process and model)."""
    from nlp.stage import get_analyzer

    return get_analyzer(spacy_model)


def analyse_candidates(
    pages: list[RawPage], *, spacy_model: str, analyse: bool = True
) -> list[PageResult]:
    """Clean and analyse candidate pages: the one call into the analyse stage (nlp.stage),
    the same stage `veille process` runs on crawled pages. `analyse=False` only cleans."""
    from nlp.stage import analyse_pages, clean_pages

    if not analyse:
        return clean_pages(pages)
    return analyse_pages(pages, spacy_model=spacy_model)


def stage_versions(spacy_model: str) -> str:
    """ "clean version|analysis version" of this process's code, checked by the client."""
    from nlp.versions import analysis_version, clean_version

    return f"{clean_version()}|{analysis_version(spacy_model)}"


class HostIndex:
    """Host -> registry source, by the longest allowed domain that the host ends with."""

    def __init__(self, sources: list[Source]) -> None:
        self.by_domain = {d: s for s in sources for d in s.allowed_domains}

    def source_for(self, url: str | None) -> Source | None:
        if not url:
            return None
        try:
            host = (urlsplit(url).hostname or "").rstrip(".")
        except ValueError:
            return None
        parts = host.split(".")
        for k in range(len(parts) - 1):
            found = self.by_domain.get(".".join(parts[k:]))
            if found is not None:
                return found
        return None


def schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("url", pa.string()),
            ("final_url", pa.string()),
            ("source_id", pa.string()),
            ("warc_file", pa.string()),
            ("warc_offset", pa.int64()),
            ("warc_length", pa.int64()),
            ("warc_record_id", pa.string()),
            ("warc_date", pa.string()),
            ("status", pa.int32()),
            ("content_type", pa.string()),
            ("headers", pa.string()),  # JSON object
            ("body", pa.binary()),
            ("cheap_raw", pa.float64()),  # cheap score of the tag-stripped page (the filter)
            ("clean_version", pa.string()),
            ("article", pa.string()),  # JSON of CleanArticle, NULL when cleaning failed
            ("clean_error", pa.string()),
            ("cheap_relevance", pa.float64()),  # cheap score of the cleaned text
            ("analysis_version", pa.string()),
            ("analysis", pa.string()),  # JSON of Analysis.to_dict()
            ("analysis_error", pa.string()),  # JSON [reason, message]
            ("reject_reason", pa.string()),
            ("reject_detail", pa.string()),
        ]
    )


def map_segment(
    segment: WarcSegment,
    *,
    sources: list[Source],
    spacy_model: str,
    analyse: bool = True,
    stored: frozenset[str] = frozenset(),
) -> Any:
    """Filter, clean, score and analyse one segment; returns a pyarrow Table (see module doc).

    `stored`: canonical URLs already in the store with current versions (skipped).
    `analyse=False` stops after cleaning (the filter benchmark, the reader tests).
    """
    import pyarrow as pa

    from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score

    hosts = HostIndex(sources)
    counts: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    candidates: list[tuple[dict[str, Any], RawPage]] = []
    seen: set[str] = set()
    for rec in read_segment(segment, wanted=lambda url: hosts.source_for(url) is not None):
        counts["records"] += 1
        if rec.problem:
            counts[f"bad:{rec.problem}"] += 1
            source = hosts.source_for(rec.url)
            if source is not None:
                rows.append(_reject(rec, source, rec.problem, rec.detail))
            continue
        if rec.rec_type != "response":
            counts[f"skipped:{rec.rec_type}"] += 1
            continue
        source = hosts.source_for(rec.url)
        if source is None:
            counts["skipped:offsite"] += 1
            continue
        url = _canonical(rec.url or "")
        if url in seen:
            counts["skipped:duplicate"] += 1
            continue
        seen.add(url)
        if url in stored:
            counts["skipped:stored"] += 1
            continue
        outcome, detail, text = _readable(rec)
        if outcome:
            # Damage (an undecodable page) is "bad"; HTTP errors, PDFs… are ordinary "rejected".
            counts[f"{'bad' if outcome in _DAMAGE else 'rejected'}:{outcome}"] += 1
            rows.append(_reject(rec, source, outcome, detail, url=url))
            continue
        score = cheap_score(text)
        if score < CANDIDATE_THRESHOLD:
            counts["skipped:not_candidate"] += 1
            continue
        counts["candidates"] += 1
        row = _page_row(rec, source, url, score)
        rows.append(row)
        candidates.append((row, _raw_page(rec, source, url)))
    results = analyse_candidates(
        [p for _, p in candidates], spacy_model=spacy_model, analyse=analyse
    )
    for (row, _), result in zip(candidates, results, strict=True):
        _fill(row, result, counts)
    table = pa.Table.from_pylist(rows, schema=schema())
    meta = {
        "counts": json.dumps(dict(counts), sort_keys=True),
        "versions": stage_versions(spacy_model) if analyse else "",
        "segment": segment.warc_file,
    }
    return table.replace_schema_metadata(meta)


def batch_counts(table: Any) -> tuple[Counter[str], str]:
    """(counts, "clean|analysis" versions) carried by a map_segment table."""
    meta = table.schema.metadata or {}
    counts = Counter(json.loads(meta.get(b"counts", b"{}")))
    return counts, meta.get(b"versions", b"").decode()


def _canonical(url: str) -> str:
    from crawler.urls import canonical_url

    return canonical_url(url)


def _readable(rec: ArchivedRecord) -> tuple[str | None, str, str]:
    """(reason, detail, tag-stripped text): reason None when the page can go on."""
    from nlp.decode import DEFAULT_MAX_BYTES, decode_bytes, sniff_binary
    from veille.errors import InputError

    if rec.status != 200:
        return f"http_{rec.status}", f"HTTP status {rec.status}", ""
    ctype = (rec.content_type or "").lower()
    if ctype and "html" not in ctype and "xml" not in ctype:
        return "not_html", f"Content-Type {rec.content_type}", ""
    if not rec.body:
        return "empty", "empty body", ""
    if len(rec.body) > DEFAULT_MAX_BYTES:
        return "too_large", f"{len(rec.body)} bytes", ""
    binary = sniff_binary(rec.body)
    if binary:
        return "not_html", f"the body is {binary}", ""
    try:
        page = decode_bytes(rec.body, declared=_charset(rec.content_type))
    except InputError as exc:
        return exc.reason, str(exc), ""
    if "<" not in page[:2000]:
        return "not_html", "no HTML tags", ""
    return None, "", html.unescape(_TAG.sub(" ", _SKIP_BLOCKS.sub(" ", page)))


def _charset(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return found.group(1) if found else None


def _raw_page(rec: ArchivedRecord, source: Source, url: str) -> RawPage:
    return RawPage(
        url=url,
        source_id=source.id,
        body=rec.body,
        content_type=rec.content_type,
        final_url=rec.url,
        region=source.region,
    )


def _fill(row: dict[str, Any], result: PageResult, counts: Counter[str]) -> None:
    """Copy what the analyse stage made of a candidate into its Arrow row."""
    row["clean_version"] = result.clean_version
    row["clean_error"] = result.clean_error
    row["cheap_relevance"] = result.cheap_relevance
    if result.article is None:
        counts[f"clean_error:{result.clean_error}"] += 1
        return
    counts["cleaned"] += 1
    # A wrong charset declaration is survived (nlp.decode) but counted: `charset:REASON`
    # from the decoding decision the cleaner records on the article, when it records one.
    charset = getattr(result.article, "charset", None)
    if charset is not None and charset.reason.split("+")[0] in _WRONG_DECLARATION:
        counts[f"charset:{charset.reason}"] += 1
    row["article"] = json.dumps(asdict(result.article), ensure_ascii=False)
    row["analysis_version"] = result.analysis_version
    if result.analysis is not None:
        row["analysis"] = json.dumps(result.analysis.to_dict(), ensure_ascii=False)
        counts["analysed"] += 1
        counts["relevant"] += int(result.analysis.relevant)
    elif result.analysis_error is not None:
        row["analysis_error"] = json.dumps(list(result.analysis_error), ensure_ascii=False)
        counts[f"analysis_error:{result.analysis_error[0]}"] += 1


def _page_row(rec: ArchivedRecord, source: Source, url: str, score: float) -> dict[str, Any]:
    headers = {k: v for k, v in rec.headers if k in _KEPT_HEADERS}
    return {
        **_provenance(rec, source, url),
        "status": rec.status,
        "content_type": rec.content_type,
        "headers": json.dumps(headers, ensure_ascii=False, sort_keys=True),
        "body": rec.body,
        "cheap_raw": score,
    }


def _reject(
    rec: ArchivedRecord, source: Source, reason: str, detail: str, *, url: str | None = None
) -> dict[str, Any]:
    return {
        **_provenance(rec, source, url or _canonical(rec.url or "")),
        "status": rec.status,
        "reject_reason": reason,
        "reject_detail": detail[:500],
    }


def _provenance(rec: ArchivedRecord, source: Source, url: str) -> dict[str, Any]:
    return {
        "url": url,
        "final_url": rec.url,
        "source_id": source.id,
        "warc_file": rec.warc_file,
        "warc_offset": rec.offset,
        "warc_length": rec.length,
        "warc_record_id": rec.record_id,
        "warc_date": rec.date,
    }
