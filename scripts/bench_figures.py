"""Benchmark the figures extractor alone (regex + rules, no spaCy model): docs/s, MB/s.

    .venv/bin/python scripts/bench_figures.py [--repeat 20]

Reads the figure fixtures and the seeds, runs `extract_figures` on each `repeat` times
and prints throughput. The spaCy model's own cost is measured by the analyze benchmark.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from nlp.components.figures import extract_figures, load_rules

    paths = sorted((ROOT / "tests" / "fixtures" / "figures").glob("*.txt"))
    paths += sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    load_rules()  # compile once, outside the timing
    extract_figures(texts[0])
    n_figures = 0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            n_figures += len(extract_figures(text))
    elapsed = time.perf_counter() - t0
    docs = len(texts) * args.repeat
    mb = sum(len(t.encode()) for t in texts) * args.repeat / 1e6
    print(f"{docs} docs, {mb:.2f} MB, {n_figures} figures in {elapsed:.2f} s: "
          f"{docs / elapsed:.0f} docs/s, {mb / elapsed:.2f} MB/s")


if __name__ == "__main__":
    main()
