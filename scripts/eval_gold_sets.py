"""Score every gold set of the project in one process (one model load).

    .venv/bin/python scripts/eval_gold_sets.py [--json out.json] [GOLD ...]

Prints, per set: relevance accuracy, communes F1 / primary recall, initiatives
P/R/F1 over (article, type), placed initiatives F1 over (article, type, commune)
and figures P/R/F1. Default sets: the seeds (corrected copy in tests/fixtures) and
every tests/fixtures/*_gold.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.analyze import Analyzer  # noqa: E402
from nlp.evaluate import load_gold, score  # noqa: E402
from nlp.inputs import load_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="*")
    ap.add_argument("--json")
    args = ap.parse_args()
    paths = [Path(p) for p in args.gold] or [
        ROOT / "tests/fixtures/seeds_gold.jsonl",
        *sorted(
            p
            for p in (ROOT / "tests/fixtures").glob("*_gold.jsonl")
            # realpress: third-party texts kept outside git (tests/fixtures/realpress_README.md)
            if p.name not in ("seeds_gold.jsonl", "realpress_gold.jsonl")
        ),
    ]
    analyzer = Analyzer()
    out = {}
    for path in paths:
        pairs = [(g, analyzer.analyze(load_path(g["_path"]))) for g in load_gold(path)]
        rep = score(pairs)
        out[path.stem] = rep
        i, f, pl = rep["initiatives"], rep["figures"], rep["placed"]
        print(
            f"{path.stem:16s} n={rep['articles']:3d} rel={rep['relevance']['accuracy']:.3f} "
            f"communes={rep['communes']['f1']:.3f}/{rep['primary_recall']:.3f} "
            f"init P/R/F={i['precision']:.3f}/{i['recall']:.3f}/{i['f1']:.3f} "
            f"placed={pl['f1']:.3f} "
            f"fig P/R/F={f['precision']:.3f}/{f['recall']:.3f}/{f['f1']:.3f}",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
