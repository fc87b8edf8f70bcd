"""Cleaning throughput (pages/s) on generated French regional-press pages.

    .venv/bin/python scripts/bench_clean.py [-n 1000] [--words 600]

Prints pages/s (wall clock and per CPU-second) for `nlp.clean.clean_html` in memory
and for `nlp.inputs.iter_documents` reading the same pages from disk, with the
machine's core count. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.clean import clean_html  # noqa: E402
from nlp.inputs import iter_documents  # noqa: E402
from scripts.synth_articles import generate  # noqa: E402


def _heavy(html: str) -> str:
    """Real pages weigh 100-300 kB: inline scripts, mega-menus, teaser grids."""
    script = "<script>var cfg=" + "'abcdefghij'+" * 8000 + "'';</script>"
    menu = "<nav><ul>" + "".join(
        f"<li><a href='/r/{i}'>Rubrique {i} : actualités locales</a></li>" for i in range(300)
    ) + "</ul></nav>"
    teasers = "<div class='teasers'>" + "".join(
        f"<div class='card'><a href='/a/{i}'><img src='/i/{i}.jpg'><h3>Un autre article {i}"
        f"</h3></a><p>Résumé court de l'article {i}.</p></div>" for i in range(120)
    ) + "</div>"
    return (html.replace("</head>", script + "</head>").replace("<main>", menu + "<main>")
            .replace("</body>", teasers + "</body>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--heavy", action="store_true",
                        help="pad pages to ~150 kB like real outlets (scripts, menus, teasers)")
    args = parser.parse_args()

    pages = generate(args.n, words=args.words, seed=1)
    blobs = [(_heavy(p.html) if args.heavy else p.html).encode("utf-8") for p in pages]
    mean_kb = sum(map(len, blobs)) / len(blobs) / 1000
    clean_html(blobs[0], source="warm-up")  # imports and first-call caches

    start, cpu = time.perf_counter(), time.process_time()
    exact = sum(clean_html(b, source=p.url).text == p.text
                for b, p in zip(blobs, pages, strict=True))
    in_memory = len(blobs) / (time.perf_counter() - start)
    # CPU seconds too: on a shared machine wall time mostly measures the neighbours.
    per_cpu_second = len(blobs) / (time.process_time() - cpu)

    with tempfile.TemporaryDirectory() as tmp:
        for i, blob in enumerate(blobs):
            Path(tmp, f"{i:05d}.html").write_bytes(blob)
        start = time.perf_counter()
        done = sum(1 for item in iter_documents([tmp]) if hasattr(item, "text"))
        from_disk = done / (time.perf_counter() - start)

    print(f"cores: {os.cpu_count()}  pages: {len(pages)}  mean page: {mean_kb:.1f} kB, "
          f"~{args.words} words")
    print(f"clean_html in memory: {in_memory:.0f} pages/s wall, "
          f"{per_cpu_second:.0f} pages per CPU-second (one process)")
    print(f"iter_documents from disk: {from_disk:.0f} pages/s (one process)")
    print(f"text identical to the generator's article text: {exact}/{len(pages)}")


if __name__ == "__main__":
    main()
