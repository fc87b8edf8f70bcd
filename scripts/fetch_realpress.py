"""Rebuild the local text cache of the real-press gold set (tests/fixtures/realpress_gold.jsonl).

    .venv/bin/python scripts/fetch_realpress.py [--cache DIR] [--force] [--delay 2]

The gold set annotates third-party articles that are never committed: each record keeps
the article's URL, the SHA-1 and length of the exact text that was annotated, and
character offsets into that text. This script fetches every URL, cleans the page with
the project's cleaner (`nlp.clean.clean_html`), writes `<cache>/<id>.txt` and checks the
SHA-1 against the gold. A page that changed since it was annotated (or that the cleaner
now extracts differently) is reported as a mismatch: its offsets no longer apply, and
the quality gate (tests/nlp/test_quality_realpress.py) skips until the exact texts are
back. Existing files whose SHA-1 already matches are kept (`--force` refetches them into
`<id>.fetched.txt` beside the annotated text, for comparison).

The cache defaults to `realpress_cache/` beside the checkout, or $VEILLE_REALPRESS_CACHE.
A copy of the gold file is written into the cache, so `veille eval <cache>/realpress_gold.jsonl`
scores the set directly. Needs internet access; polite: one request at a time, with a delay.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.clean import clean_html  # noqa: E402
from veille.errors import InputError  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "realpress_gold.jsonl"
USER_AGENT = "veille-deserts-medicaux/realpress-fetch (research; one request at a time)"


def default_cache() -> Path:
    """$VEILLE_REALPRESS_CACHE, else `realpress_cache/` beside the checkout."""
    env = os.environ.get("VEILLE_REALPRESS_CACHE")
    return Path(env) if env else ROOT.parent / "realpress_cache"


def sha1_of(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def fetch(url: str, *, timeout: float) -> tuple[bytes, str | None]:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (gold URLs only)
        return resp.read(), resp.headers.get_content_charset()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=None, help="cache directory")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument(
        "--force", action="store_true", help="refetch matching files into <id>.fetched.txt"
    )
    ap.add_argument("--delay", type=float, default=2.0, help="seconds between requests")
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args(argv)

    cache = args.cache or default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    records = [json.loads(x) for x in args.gold.read_text(encoding="utf-8").splitlines() if x]
    ok, mismatched, failed = 0, [], []
    for n, rec in enumerate(records, 1):
        target = cache / rec["file"]
        if target.exists() and sha1_of(target) == rec["sha1"]:
            if not args.force:
                ok += 1
                continue
            # Never overwrite the annotated text: a forced refetch goes beside it.
            target = target.with_suffix(".fetched.txt")
        try:
            data, charset = fetch(rec["url"], timeout=args.timeout)
            article = clean_html(data, source=rec["url"], url=rec["url"], encoding=charset)
        except (urllib.error.URLError, TimeoutError, InputError, OSError) as exc:
            failed.append(f"{rec['id']}: {exc}")
            print(f"[{n}/{len(records)}] {rec['id']} FAILED {exc}", file=sys.stderr)
        else:
            target.write_text(article.text, encoding="utf-8")
            if sha1_of(target) == rec["sha1"]:
                ok += 1
                print(f"[{n}/{len(records)}] {rec['id']} ok")
            else:
                mismatched.append(
                    f"{rec['id']}: {len(article.text)} chars, annotated {rec['chars']}"
                )
                print(f"[{n}/{len(records)}] {rec['id']} MISMATCH (page or cleaner changed)")
        time.sleep(args.delay)
    (cache / args.gold.name).write_text(args.gold.read_text(encoding="utf-8"), encoding="utf-8")

    print(f"\n{ok} of {len(records)} texts match the annotated SHA-1 in {cache}")
    if mismatched:
        print(f"{len(mismatched)} differ (offsets do not apply; the gate skips):")
        print("\n".join(f"  {m}" for m in mismatched))
    if failed:
        print(f"{len(failed)} could not be fetched:")
        print("\n".join(f"  {f}" for f in failed))
    return 0 if ok == len(records) else 1


if __name__ == "__main__":
    raise SystemExit(main())
