"""WARC files -> `ArchivedRecord`s, one per response record; damage is reported, never raised.

A segment is a whole WARC file (local path or http(s) URL, read as a stream) or a
list of byte ranges in one file (records chosen through an index). Each range holds
one gzip member, so it decodes on its own. warcio is the one WARC library used here.

Damage surfaces as an `ArchivedRecord` with `problem` set (a stable reason code):
`truncated` (the record's block is shorter than its Content-Length, e.g. a cut gzip
file), `bad_warc` (the file does not parse any further), `range_failed` (an HTTP
byte range that did not come back).
"""

from __future__ import annotations

import io
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any

from veille.records import WarcSegment

_USER_AGENT = "veille-deserts-medicaux/0.1 (+backfill warc)"
_TIMEOUT = 60  # seconds per HTTP read: archives are big but must not hang a task forever


@dataclass(frozen=True)
class ArchivedRecord:
    """One response record (or a damaged spot) of a WARC file."""

    warc_file: str
    offset: int
    length: int | None
    url: str | None = None
    record_id: str | None = None
    date: str | None = None  # WARC-Date, ISO UTC
    status: int | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    rec_type: str = "response"
    problem: str | None = None
    detail: str = ""


def read_segment(
    segment: WarcSegment, *, wanted: Callable[[str | None], bool] | None = None
) -> Iterator[ArchivedRecord]:
    """Records of a segment, in file order. Responses whose URL `wanted` refuses come
    with an empty body, unread: most of a news archive is other outlets' pages."""
    if segment.ranges is None:
        yield from _read_stream(segment.warc_file, wanted)
        return
    for offset, length in segment.ranges:
        try:
            data = fetch_range(segment.warc_file, offset, length)
        except OSError as exc:
            yield ArchivedRecord(
                segment.warc_file, offset, length, problem="range_failed", detail=str(exc)[:300]
            )
            continue
        for rec in _iterate(io.BytesIO(data), segment.warc_file, base=offset, wanted=wanted):
            yield replace(rec, length=length)


def _read_stream(
    location: str, wanted: Callable[[str | None], bool] | None
) -> Iterator[ArchivedRecord]:
    try:
        stream = _open(location)
    except OSError as exc:
        yield ArchivedRecord(location, 0, None, problem="unreadable", detail=str(exc)[:300])
        return
    with stream:
        yield from _iterate(stream, location, base=0, wanted=wanted)


def _open(location: str) -> IO[bytes]:
    if location.startswith(("http://", "https://")):
        request = urllib.request.Request(location, headers={"User-Agent": _USER_AGENT})
        return urllib.request.urlopen(request, timeout=_TIMEOUT)  # noqa: S310 - http(s) only
    return open(location, "rb")  # noqa: SIM115 - closed by the caller's `with`


def fetch_range(location: str, offset: int, length: int) -> bytes:
    """Bytes [offset, offset + length) of a WARC file: an HTTP Range request for URLs."""
    if not location.startswith(("http://", "https://")):
        with open(location, "rb") as fh:
            fh.seek(offset)
            return fh.read(length)
    request = urllib.request.Request(
        location,
        headers={"User-Agent": _USER_AGENT, "Range": f"bytes={offset}-{offset + length - 1}"},
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:  # noqa: S310
        if response.status != 206:  # a server that ignores Range would send the whole file
            raise OSError(f"HTTP {response.status} instead of 206 for a byte range of {location}")
        data = response.read(length + 1)
    if len(data) != length:
        raise OSError(f"byte range of {location} at {offset}: {len(data)} bytes, not {length}")
    return data


def _iterate(
    stream: IO[bytes],
    location: str,
    *,
    base: int,
    wanted: Callable[[str | None], bool] | None = None,
) -> Iterator[ArchivedRecord]:
    from warcio.archiveiterator import ArchiveIterator

    offset = base
    try:
        iterator = ArchiveIterator(stream)
        for rec in iterator:
            # Read the block before asking for the offset: warcio's get_record_offset()
            # reads the record to its end first, which would leave us an empty body.
            url = rec.rec_headers.get_header("WARC-Target-URI")
            if rec.rec_type == "response" and (wanted is None or wanted(url)):
                body = rec.content_stream().read()
                short = getattr(rec.raw_stream, "limit", 0)
                offset = base + iterator.get_record_offset()
                yield _record(rec, location, offset, body, short)
            else:  # not read: the iterator skips the block (it must still inflate it)
                offset = base + iterator.get_record_offset()
                yield _record(rec, location, offset, b"", 0, unread=True)
    except Exception as exc:  # noqa: BLE001 - any parse error ends this file, not the run
        yield ArchivedRecord(
            location, offset, None, problem="bad_warc", detail=f"{type(exc).__name__}: {exc}"[:300]
        )


def _record(
    rec: Any, location: str, offset: int, body: bytes, short: int, *, unread: bool = False
) -> ArchivedRecord:
    headers = rec.rec_headers
    url = headers.get_header("WARC-Target-URI")
    common = {
        "warc_file": location,
        "offset": offset,
        "length": None,
        "url": url,
        "record_id": headers.get_header("WARC-Record-ID"),
        "date": headers.get_header("WARC-Date"),
        "rec_type": rec.rec_type or "unknown",
    }
    if unread or rec.rec_type != "response" or rec.http_headers is None:
        return ArchivedRecord(**common)
    if short:  # the block is shorter than its Content-Length: a cut file
        return ArchivedRecord(
            **common, problem="truncated", detail=f"record cut {short} bytes short"
        )
    http = rec.http_headers
    try:
        status = int(http.get_statuscode() or 0)
    except ValueError:
        status = 0
    return ArchivedRecord(
        **common,
        status=status,
        content_type=http.get_header("Content-Type"),
        headers=tuple((k.lower(), v) for k, v in http.headers),
        body=body,
    )
