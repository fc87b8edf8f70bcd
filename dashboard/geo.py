"""Département shapes of the map and the placement of communes on them (no downloads).

The shapes (dashboard/resources/departements.geojson, built by
scripts/build_departement_shapes.py) live in the plane of their source SVG ("map
units", y down) and are drawn with Altair's identity projection. Communes are placed
with the affine transform fitted at build time (longitude, Mercator latitude -> plane);
communes of an overseas département go into its inset square.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).resolve().parent / "resources" / "departements.geojson"


@cache
def shapes() -> dict[str, Any]:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


def _mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def place(lon: float, lat: float, departement: str | None) -> tuple[float, float]:
    """(x, y) in map units of a point of `departement` (its inset when overseas)."""
    data = shapes()
    inset = data["insets"].get(departement or "")
    if inset:
        lo0, la0, lo1, la1 = inset["lonlat"]
        x0, y0, x1, y1 = inset["box"]
        pad = 4.0  # keep points off the inset's border
        span = max(lo1 - lo0, la1 - la0) or 1.0
        scale = (x1 - x0 - 2 * pad) / span
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return (cx + (lon - (lo0 + lo1) / 2) * scale, cy - (lat - (la0 + la1) / 2) * scale)
    a, b, c, d, e, f = data["transform"]
    m = _mercator(lat)
    return a * lon + b * m + c, d * lon + e * m + f


def with_xy(df: Any, *, lon: str = "lon", lat: str = "lat", dep: str = "departement_code") -> Any:
    """`df` with map-unit columns x, y (rows without coordinates dropped)."""
    df = df.dropna(subset=[lon, lat])
    xy = [place(float(o), float(a), d) for o, a, d in zip(df[lon], df[lat], df[dep], strict=True)]
    return df.assign(x=[p[0] for p in xy], y=[p[1] for p in xy])


def features(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The shapes as Vega data: each Feature carries its code, name and `values[code]` at
    top level, so Altair encodes and selects on plain field names."""
    out = []
    for feat in shapes()["features"]:
        props = feat["properties"]
        out.append(
            {
                "type": "Feature",
                "geometry": feat["geometry"],
                "code": props["code"],
                "name": props["name"],
                **values.get(props["code"], {}),
            }
        )
    return out


def inset_labels() -> list[dict[str, Any]]:
    """One label per overseas inset, right of its square."""
    names = {f["properties"]["code"]: f["properties"]["name"] for f in shapes()["features"]}
    return [
        {"x": box[2] + 3, "y": (box[1] + box[3]) / 2, "name": names[code]}
        for code, inset in shapes()["insets"].items()
        for box in [inset["box"]]
    ]


def inline_data(spec: Any, **datasets: list[dict[str, Any]]) -> Any:
    """`spec` with every `{"name": NAME}` data reference replaced by NAME's values inline."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and data.get("name") in datasets and len(data) == 1:
            spec = {**spec, "data": {"values": datasets[data["name"]]}}
        return {k: v if k == "data" else inline_data(v, **datasets) for k, v in spec.items()}
    if isinstance(spec, list):
        return [inline_data(v, **datasets) for v in spec]
    return spec
