"""Crawler benchmark (prints numbers; not a test).

1. Politeness off: crawl N fixture pages on 127.0.0.1 (discovery, fetch, cleaning,
   DuckDB writes) and measure pages/minute from the server's side (first to last
   article request, so process start-up is left out).
2. `scrapy bench` on the same machine (its own local server, no parsing, no storage).
3. Politeness on: a short crawl with DOWNLOAD_DELAY = D; the smallest gap between two
   request starts seen by the server must be >= D.

    .venv/bin/python scripts/bench_crawl.py [--pages 2000] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(db: str, sources_file: str, politeness: bool, delay: float) -> None:
    """Runs in a fresh process: one Twisted reactor per crawl."""
    from crawler.run import run_crawl
    from crawler.sources import load_sources
    from veille.config import Settings

    overrides = {"LOG_LEVEL": "WARNING", "VEILLE_FLUSH_EVERY": 200}
    if politeness:
        overrides.update({"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_START_DELAY": delay})
    summary = run_crawl(sources=load_sources(sources_file), db_path=db,
                        settings=Settings(download_delay=delay), overrides=overrides,
                        politeness=politeness)
    print(summary.data["totals"], file=sys.stderr)


def ours(base: str, pages: int, tmp: Path, *, politeness: bool, delay: float = 0.0) -> list:
    from crawler import fixture_site

    sources = tmp / f"sources-{politeness}.toml"
    sources.write_text(
        '[[source]]\nid = "bench"\nname = "bench"\nregion = "24"\ndepartements = ["18"]\n'
        f'start_urls = ["{base}/bench/sitemap.xml?n={pages}"]\nallowed_domains = ["127.0.0.1"]\n'
        "allow_private = true\n", encoding="utf-8")
    fixture_site.clear_hits()
    subprocess.run([sys.executable, __file__, "--child", str(tmp / f"bench-{politeness}.duckdb"),
                    str(sources), str(int(politeness)), str(delay)], check=True, cwd=ROOT)
    return sorted(fixture_site.hits(), key=lambda h: h.started)


def scrapy_bench(seconds: int) -> float:
    scrapy = Path(sys.executable).with_name("scrapy")
    proc = subprocess.run([str(scrapy), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                          capture_output=True, text=True, cwd=tempfile.gettempdir())
    log = proc.stderr
    stats_text = log[log.index("Dumping Scrapy stats:") + len("Dumping Scrapy stats:"):]
    stats_text = stats_text[stats_text.index("{"): stats_text.index("}") + 1]
    stats_text = re.sub(r"datetime\.datetime\([^)]*\)", "None", stats_text)
    stats = ast.literal_eval(stats_text)
    return stats["response_received_count"] / stats["elapsed_time_seconds"] * 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--bench-seconds", type=int, default=20)
    args = parser.parse_args()

    from crawler import fixture_site

    base = fixture_site.start()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        t0 = time.monotonic()
        hits = ours(base, args.pages, tmp, politeness=False)
        wall = time.monotonic() - t0
        arts = [h for h in hits if h.path.startswith("/bench/article-")]
        span = arts[-1].ended - arts[0].started
        rate = len(arts) / span * 60
        print(f"ours, politeness off: {len(arts)} pages in {span:.1f} s "
              f"= {rate:,.0f} pages/min (wall time incl. start-up {wall:.1f} s)")
        ref = scrapy_bench(args.bench_seconds)
        print(f"scrapy bench: {ref:,.0f} pages/min")
        print(f"ratio: {rate / ref:.0%} of scrapy bench")

        polite = ours(base, 8, tmp, politeness=True, delay=args.delay)
        gaps = [b.started - a.started for a, b in zip(polite, polite[1:], strict=False)]
        ok = min(gaps) >= args.delay - 0.01
        print(f"politeness on (DOWNLOAD_DELAY={args.delay}): {len(polite)} requests, "
              f"min gap {min(gaps):.3f} s, mean {sum(gaps) / len(gaps):.3f} s -> "
              f"{'OK' if ok else 'TOO FAST'}")
    fixture_site.stop()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] == "1", float(sys.argv[5]))
    else:
        os.environ.setdefault("VEILLE_DOWNLOAD_DELAY", "0")
        main()
