"""Dashboard benchmark: first render of every page on a large generated store.

    .venv/bin/python scripts/bench_dashboard.py [--db /tmp/bench_dash.duckdb] [--articles 200000]
        [--initiatives 20000] [--regenerate]

Generates (once, reused unless --regenerate) a store in the real schema: migrations
and gazetteer through store code, then synthetic rows by direct bulk SQL inserts
(the NLP would take hours for 200,000 articles). Each page is then rendered with
Streamlit's AppTest on a cleared cache: the time printed is what the first visitor
after a new snapshot waits for the page's data and layout. Target: < 2 s per page.
"""

# ruff: noqa: E501  (the generator's bulk SQL reads better one row expression per line)
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["semaine", "tendances", "carte", "commune", "initiatives", "article", "sources"]
N_SOURCES = 24
N_COMMUNES = 4000  # communes the synthetic press writes about (the biggest of the gazetteer)
DIM = 96  # vector length of the synthetic initiative embeddings


def generate(path: Path, *, n_articles: int, n_initiatives: int) -> None:
    import numpy as np
    import pyarrow as pa

    from nlp.labels import FIGURE_KINDS, INITIATIVE_TYPES
    from store.db import connect
    from store.gazetteer import ensure_gazetteer
    from veille.config import load_settings

    path.unlink(missing_ok=True)
    con = connect(path)
    ensure_gazetteer(con)
    types = list(INITIATIVE_TYPES)
    kinds = list(FIGURE_KINDS)
    con.execute(
        """CREATE TEMP TABLE pick AS
        SELECT row_number() OVER (ORDER BY population DESC, insee) - 1 AS k, insee, name, departement, region
        FROM communes WHERE type = 'COM' ORDER BY population DESC, insee LIMIT ?""",
        [N_COMMUNES],
    )
    con.execute(
        """INSERT INTO sources SELECT 'src' || i, 'Journal régional ' || i, '24', ['18'],
                   ['http://127.0.0.1/' || i], ['127.0.0.1'], now() FROM range(?) t(i)""",
        [N_SOURCES],
    )
    con.execute(
        """INSERT INTO crawl_runs SELECT 'run' || d, 'nightly', TIMESTAMP '2024-01-01 02:00' + d * INTERVAL 1 DAY,
                   TIMESTAMP '2024-01-01 03:00' + d * INTERVAL 1 DAY, 'ok',
                   (SELECT list('src' || i) FROM range(?) t(i)), '{}' FROM range(730) r(d)""",
        [N_SOURCES],
    )
    # 730 days of press; every 5th article is a reprint of the previous one (same story).
    con.execute(
        f"""CREATE TEMP TABLE gen AS SELECT i,
            substr(md5(i::VARCHAR), 1, 16) AS article_id,
            'src' || (i % {N_SOURCES}) AS source_id,
            (i * 730) // ? AS day,
            hash(i // 2) % 100 < 30 AS relevant,
            CASE WHEN i % 5 = 1 THEN i - 1 ELSE i END AS story_of,
            (hash(i) % {N_COMMUNES})::INTEGER AS k
        FROM range(?) t(i)""",
        [n_articles, n_articles],
    )
    con.execute("""INSERT INTO articles (article_id, url, source_id, fetched_at, title, published, published_text,
            lang, text, body_start, text_sha1, relevant, relevance, pipeline_version, processed_at, story_id)
        SELECT g.article_id, 'https://presse.example.fr/' || g.article_id, g.source_id,
            TIMESTAMP '2024-01-01 02:00' + g.day * INTERVAL 1 DAY,
            p.name || ' : article numéro ' || g.i, DATE '2024-01-01' + g.day::INTEGER,
            strftime(DATE '2024-01-01' + g.day::INTEGER, '%Y-%m-%d'), 'fr',
            p.name || ' : article numéro ' || g.i || chr(10) || chr(10) || p.name
              || ' manque de médecins généralistes. La commune annonce une maison de santé et cherche '
              || 'trois médecins pour 1 200 habitants.',
            length(p.name || ' : article numéro ' || g.i) + 2, md5(g.i::VARCHAR),
            g.relevant, CASE WHEN g.relevant THEN 0.8 ELSE 0.1 END, 'bench', now(),
            's' || substr(md5(g.story_of::VARCHAR), 1, 16)
        FROM gen g JOIN pick p USING (k)""")
    con.execute("""INSERT INTO pages (url, final_url, source_id, run_id, status, fetched_at, body_size)
        SELECT url, url, source_id, 'run' || datediff('day', DATE '2024-01-01', fetched_at::DATE), 200,
               fetched_at, 4000 FROM articles""")
    con.execute("""INSERT INTO fetch_failures SELECT 'https://presse.example.fr/fail/' || i, 'src' || (i % 3),
            'run' || (729 - i % 30), CASE WHEN i % 2 = 0 THEN 'http_500' ELSE 'timeout' END, 'généré',
            TIMESTAMP '2025-12-30 02:00' - (i % 30) * INTERVAL 1 DAY FROM range(3000) t(i)""")
    con.execute("""INSERT INTO article_communes SELECT g.article_id, p.insee, p.name, p.departement, p.region,
            true, 0 FROM gen g JOIN pick p USING (k)""")
    con.execute("""INSERT INTO commune_mentions SELECT a.article_id, ac.insee, a.body_start,
            a.body_start + length(ac.name), ac.name FROM articles a JOIN article_communes ac USING (article_id)""")
    con.execute("""INSERT INTO article_areas SELECT article_id, 'departement', departement, NULL, 0
            FROM article_communes WHERE hash(article_id) % 4 = 0""")
    # Initiatives on relevant articles, spread evenly over them.
    con.execute("""CREATE TEMP TABLE ini AS SELECT a.article_id, row_number() OVER (ORDER BY a.article_id) AS n,
            ac.insee, a.body_start, a.text FROM articles a JOIN article_communes ac USING (article_id)
            WHERE a.relevant""")
    n_rel = con.execute("SELECT count(*) FROM ini").fetchone()[0]
    step = max(1, n_rel // n_initiatives)
    con.execute(
        """INSERT INTO initiatives SELECT 'i' || substr(md5(article_id), 1, 15), article_id, 0,
            (?::VARCHAR[])[1 + n % ?], (['projet', 'ouvert', 'ferme', NULL])[1 + n % 4],
            ['mairie', 'conseil départemental'], insee, body_start, length(text),
            substr(text, body_start + 1) FROM ini WHERE n % ? = 0 LIMIT ?""",
        [types, len(types), step, n_initiatives],
    )
    con.execute(
        """INSERT INTO figures SELECT 'f' || substr(md5(article_id), 1, 15), article_id, 0,
            (?::VARCHAR[])[1 + n % ?], 1200, 'habitants', '1 200 habitants',
            strpos(text, '1 200') - 1, strpos(text, '1 200') + 13, insee
            FROM ini WHERE n % 3 = 0""",
        [kinds, len(kinds)],
    )
    ids = [r[0] for r in con.execute("SELECT initiative_id FROM initiatives ORDER BY 1").fetchall()]
    rng = np.random.default_rng(7)
    vec = rng.normal(size=(len(ids), DIM)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    model_id = load_settings().embedding_model
    table = pa.table(
        {
            "item_kind": ["initiative"] * len(ids),
            "item_id": ids,
            "model_id": [model_id] * len(ids),
            "dim": pa.array([DIM] * len(ids), pa.int32()),
            "vector": pa.array(list(vec), pa.list_(pa.float32())),
            "text_sha1": ["x"] * len(ids),
            "created_at": pa.array([0] * len(ids), pa.timestamp("us")),
        }
    )
    con.register("_vec", table)
    con.execute("INSERT INTO embeddings SELECT * FROM _vec")
    con.execute("CHECKPOINT")
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "initiatives", "figures", "article_communes", "embeddings")
    }
    con.close()
    print("generated:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def measure(path: Path) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["VEILLE_DASHBOARD_DB"] = str(path)
    app = str(ROOT / "dashboard" / "streamlit_app.py")
    warm = AppTest.from_file(app, default_timeout=120)
    warm.run()  # imports (altair, pandas, store) happen once per server process: not counted
    times = {}
    for page in PAGES:
        at = AppTest.from_file(app, default_timeout=120)
        at.run()
        at.switch_page(f"app_pages/{page}.py")
        st.cache_data.clear()  # cold cache: as after a new snapshot
        t0 = time.perf_counter()
        at.run()
        times[page] = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"page {page} raised: {at.exception[0].value}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_dashboard.duckdb"))
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--initiatives", type=int, default=20_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if args.regenerate or not args.db.exists():
        t0 = time.perf_counter()
        generate(args.db, n_articles=args.articles, n_initiatives=args.initiatives)
        print(f"generation: {time.perf_counter() - t0:.1f} s ({args.db})")
    times = measure(args.db)
    for page, secs in times.items():
        flag = "ok" if secs < 2.0 else "SLOW"
        print(f"{page:12s} first render {secs:6.2f} s  {flag}")
    print(f"max {max(times.values()):.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
