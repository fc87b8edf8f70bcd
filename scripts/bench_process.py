"""Throughput of `veille process` on generated pages (2 % relevant by default).

    .venv/bin/python scripts/bench_process.py [-n 10000] [--relevant-share 0.02] [--db PATH]

Stores n pages from scripts/synth_articles.py through the writer (timed apart), then
runs the processing stage (analysis, stories; embeddings included) and prints
articles per second. Needs the spaCy model; runs for minutes at n=10000.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from scripts.synth_articles import generate
    from store.process import process
    from store.writer import Writer
    from veille.records import CleanArticle, FetchedPage

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--relevant-share", type=float, default=0.02)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "bench.duckdb"

    t0 = time.perf_counter()
    synth = generate(args.n, relevant_share=args.relevant_share, seed=0)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Writer.open(db) as w:
        w.upsert_sources([{"id": "synth", "name": "Synthetic", "region": "24"}])
        for i in range(0, len(synth), 500):
            pages = []
            for p in synth[i : i + 500]:
                title = p.text.split("\n", 1)[0]
                article = CleanArticle(
                    source=p.url,
                    text=p.text,
                    title=title,
                    published="2024-04-05",
                    url=p.url,
                    lang="fr",
                    body_start=len(title) + 2,
                )
                pages.append(
                    FetchedPage(
                        url=p.url,
                        final_url=p.url,
                        source_id="synth",
                        run_id="bench",
                        status=200,
                        fetched_at="2024-04-06T02:00:00Z",
                        content_type="text/html",
                        body=p.html.encode(),
                        article=article,
                    )
                )
            w.save_pages(pages)
    t_store = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = process(
        db, embedding_model=None if args.no_embeddings else "veille-fr-hybrid", batch_size=128
    )
    t_proc = time.perf_counter() - t0
    print(f"pages            {args.n} ({args.relevant_share:.0%} relevant by construction)")
    print(f"generate         {t_gen:.1f} s")
    print(f"store pages      {t_store:.1f} s  ({args.n / t_store:.0f} pages/s, writer incl. gzip)")
    print(
        f"process          {t_proc:.1f} s  "
        f"({report.analysed / t_proc:.1f} articles/s, incl. model load)"
    )
    print(f"report           {report.as_dict()}")
    print(f"db size          {db.stat().st_size / 1e6:.1f} MB at {db}")


if __name__ == "__main__":
    main()
