"""The WARC reader and the map stage's filter on the sample archive (no spaCy model)."""

from __future__ import annotations

from collections import Counter

from typer.testing import CliRunner

from backfill.map_stage import HostIndex, batch_counts, map_segment
from backfill.warc_read import fetch_range, read_segment
from veille.cli import app
from veille.records import WarcSegment


def test_reader_finds_responses_and_flags_the_cut_record(sample) -> None:
    whole = list(read_segment(WarcSegment(str(sample.files[0]))))
    kinds = Counter(r.rec_type for r in whole)
    assert kinds["response"] > 10 and kinds["request"] > 0 and kinds["metadata"] == 1
    assert all(r.problem is None for r in whole)
    cut = list(read_segment(WarcSegment(str(sample.files[-1]))))
    assert [r.problem for r in cut if r.problem] == ["truncated"]


def test_byte_range_reads_the_same_record_as_a_scan(sample) -> None:
    path = str(sample.files[1])
    records = [r for r in read_segment(WarcSegment(path)) if r.rec_type == "response"]
    offsets = [r.offset for r in read_segment(WarcSegment(path))]
    target = records[2]
    end = offsets[offsets.index(target.offset) + 1]
    again = list(read_segment(WarcSegment(path, ranges=((target.offset, end - target.offset),))))
    assert len(again) == 1 and again[0].body == target.body and again[0].url == target.url
    assert fetch_range(path, target.offset, 4)[:2] == b"\x1f\x8b"  # each record is a gzip member


def test_filter_keeps_registry_candidates_and_says_why_others_went(sample, sample_sources) -> None:
    table = map_segment(
        WarcSegment(str(sample.files[0])),
        sources=sample_sources,
        spacy_model="unused",
        analyse=False,
    )
    counts, version = batch_counts(table)
    assert version == ""
    rows = table.to_pylist()
    kept = [r for r in rows if r["reject_reason"] is None]
    assert kept and all(r["article"] and r["body"] for r in kept)
    assert all(".example/" in r["url"] and "journal-national" not in r["url"] for r in rows)
    reasons = {r["reject_reason"] for r in rows if r["reject_reason"]}
    assert reasons == {"not_html", "http_404", "http_301", "decode"}
    assert counts["bad:decode"] == 1  # damage; the 404 and the PDF are mere rejections
    assert counts["rejected:http_404"] == 1 and counts["rejected:not_html"] == 2
    assert counts["skipped:offsite"] == 3 and counts["skipped:request"] > 0
    assert counts["candidates"] == len(kept)
    # The page in windows-1252 that declares utf-8 decodes; it is simply not a candidate.
    assert all("fete-epinal" not in r["url"] for r in rows)
    assert counts["skipped:not_candidate"] >= 1


def test_host_index_matches_subdomains_only_of_registry_domains(sample_sources) -> None:
    hosts = HostIndex(sample_sources)
    assert hosts.source_for("https://www.echo-du-cantal.example/a.html").id == "demo-echo-du-cantal"
    assert hosts.source_for("https://m.echo-du-cantal.example/a.html") is not None
    assert hosts.source_for("https://echo-du-cantal.example.evil.org/a.html") is None
    assert hosts.source_for("https://notecho-du-cantal.example/a.html") is None
    assert hosts.source_for("not a url") is None


def test_make_sample_writes_a_usable_archive(tmp_path) -> None:
    result = CliRunner().invoke(app, ["backfill", "warc", "--make-sample", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "s").glob("*.warc.gz"))) == 5
    assert (tmp_path / "s" / "sources.toml").is_file()
