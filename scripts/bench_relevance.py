"""Benchmark the relevance stages on generated pages (prints numbers; not a test).

    .venv/bin/python scripts/bench_relevance.py            # 10,000 pages, 2 % relevant
    .venv/bin/python scripts/bench_relevance.py -n 2000 --share 0.05

1. the cheap keyword stage (nlp.relevance.cheap_score) alone on every page;
2. the full analysis (nlp.analyze.Analyzer) on the same pages, from their clean text.
Prints pages/s for both, the candidate rate and recall of the cheap stage, the final
relevance accuracy, and which share of the full run went to the candidates.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score  # noqa: E402
from scripts.synth_articles import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="pages to generate")
    parser.add_argument("--share", type=float, default=0.02, help="share of relevant pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cheap-only", action="store_true", help="skip the full analysis")
    args = parser.parse_args()

    pages = generate(args.n, relevant_share=args.share, seed=args.seed)
    n_rel = sum(p.relevant for p in pages)
    mean = sum(len(p.text) for p in pages) / len(pages)
    print(f"{len(pages)} pages, {n_rel} relevant, mean {mean:.0f} chars")

    t0, c0 = time.perf_counter(), time.process_time()
    scores = [cheap_score(p.text) for p in pages]
    cheap_s, cheap_cpu = time.perf_counter() - t0, time.process_time() - c0
    cand = [s >= CANDIDATE_THRESHOLD for s in scores]
    kept = sum(c and p.relevant for c, p in zip(cand, pages, strict=True))
    print(f"cheap stage: {len(pages) / cheap_s:,.0f} pages/s wall, "
          f"{len(pages) / cheap_cpu:,.0f} pages/s CPU ({cheap_s:.2f} s), "
          f"candidates {sum(cand)} ({sum(cand) / len(pages):.1%}), "
          f"recall on relevant {kept}/{n_rel}")
    if args.cheap_only:
        return

    from nlp.analyze import Analyzer
    from veille.records import CleanArticle

    analyzer = Analyzer()
    articles = [CleanArticle(source=p.url, text=p.text, title=p.title, lang="fr") for p in pages]
    analyzer.analyze(articles[0])  # load models outside the timing
    # CPU time as well as wall time: the benchmark machine is shared.
    wall, cpu = time.perf_counter(), time.process_time()
    results = list(analyzer.analyze_many(articles))
    full_s, full_cpu = time.perf_counter() - wall, time.process_time() - cpu
    correct = sum(r.relevant == p.relevant for r, p in zip(results, pages, strict=True))
    print(f"full analyze: {len(pages) / full_s:,.0f} pages/s wall ({full_s:.1f} s, "
          f"{full_cpu:.1f} s CPU), relevance accuracy {correct / len(pages):.4f}")
    # The same analysis on the candidates alone: their share of the whole run.
    chosen = [a for a, c in zip(articles, cand, strict=True) if c]
    wall, cpu = time.perf_counter(), time.process_time()
    list(analyzer.analyze_many(chosen))
    cand_s, cand_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"candidates alone ({len(chosen)}): {cand_s:.1f} s wall, {cand_cpu:.1f} s CPU = "
          f"{cand_cpu / full_cpu:.0%} of the full run's CPU; "
          f"non-candidates {1000 * (full_cpu - cand_cpu) / max(len(pages) - len(chosen), 1):.1f}"
          f" ms CPU/page; full/cheap time ratio {full_s / cheap_s:.0f}x")

if __name__ == "__main__":
    main()
