"""Sources registry: a TOML file of outlets -> typed, validated `Source` records.

The shipped registry is `crawler/sources.toml`; users pass their own file with the
same keys. Every problem raises `ConfigError` naming the file, the entry and the key.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from veille.errors import ConfigError

# INSEE region codes: 13 metropolitan regions, then the overseas regions.
REGIONS = {
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté",
    "28": "Normandie", "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire",
    "53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes", "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
}
METROPOLITAN_REGIONS = frozenset(c for c in REGIONS if len(c) == 2 and c >= "11")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_DEPT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
_REQUIRED = ("id", "name", "region", "departements", "start_urls", "allowed_domains")
_OPTIONAL = ("allow_private", "verified", "note", "evidence", "article_pattern",
             "max_listing_pages")
DEFAULT_MAX_LISTING_PAGES = 5  # listing pages followed per start URL (page 1 included)


@dataclass(frozen=True)
class Source:
    """One outlet. `allow_private` lets the crawler reach private/loopback addresses
    (tests and the local demo only); `verified` is False when the discovery URLs were
    not checked against the live site."""

    id: str
    name: str
    region: str
    departements: tuple[str, ...]
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    allow_private: bool = False
    verified: bool = True
    note: str | None = None
    evidence: str | None = None  # what the start URLs rest on (a public list, an observed URL)
    article_pattern: str | None = None  # regex searched in a link: an article iff it matches
    max_listing_pages: int = DEFAULT_MAX_LISTING_PAGES

    def is_article_url(self, url: str) -> bool | None:
        """True/False when the source declares `article_pattern`; None to let the default
        structural guess decide."""
        if self.article_pattern is None:
            return None
        return _compiled(self.article_pattern).search(url) is not None

    def allows_host(self, host: str | None) -> bool:
        """True when `host` is one of the allowed domains or a subdomain of one."""
        return host_allowed(host, self.allowed_domains)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "name": self.name, "region": self.region,
            "departements": list(self.departements), "start_urls": list(self.start_urls),
            "allowed_domains": list(self.allowed_domains), "allow_private": self.allow_private,
            "verified": self.verified, "note": self.note, "evidence": self.evidence,
            "article_pattern": self.article_pattern, "max_listing_pages": self.max_listing_pages,
        }


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def host_allowed(host: str | None, domains: tuple[str, ...]) -> bool:
    if not host:
        return False
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def shipped_sources_path() -> Path:
    return Path(str(resources.files("crawler").joinpath("sources.toml")))


def load_sources(path: str | Path | None = None, *, only: list[str] | None = None) -> list[Source]:
    """Read and validate a sources file (the shipped registry when `path` is None).

    `only` keeps the listed ids, in file order; an unknown id is a ConfigError.
    """
    path = Path(path) if path is not None else shipped_sources_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file {path} not found: check the --sources path") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {path} has no [[source]] entries")
    sources = [_parse(entry, path=path, index=i) for i, entry in enumerate(entries, 1)]
    seen: set[str] = set()
    for s in sources:
        if s.id in seen:
            raise ConfigError(f"sources file {path}: id {s.id!r} appears twice; ids must be unique")
        seen.add(s.id)
    if only:
        unknown = sorted(set(only) - seen)
        if unknown:
            raise ConfigError(
                f"unknown source id(s) {', '.join(unknown)} in {path}; "
                "see `veille sources list` for the known ids"
            )
        sources = [s for s in sources if s.id in set(only)]
    return sources


def _parse(entry: object, *, path: Path, index: int) -> Source:
    where = f"sources file {path}, entry #{index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: each [[source]] must be a table")
    if isinstance(entry.get("id"), str):
        where += f" ({entry['id']!r})"
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(_REQUIRED + _OPTIONAL)}")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise ConfigError(f"{where}: missing key(s) {', '.join(missing)}")
    sid, name, region = entry["id"], entry["name"], entry["region"]
    if not isinstance(sid, str) or not _ID.match(sid):
        raise ConfigError(f"{where}: id must be lowercase letters, digits and '-', got {sid!r}")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: name must be a non-empty string")
    if not isinstance(region, str) or region not in REGIONS:
        raise ConfigError(f"{where}: region must be an INSEE region code "
                          f"({', '.join(sorted(REGIONS))}), got {region!r}")
    depts = _strings(entry["departements"], where=where, key="departements", allow_empty=True)
    bad = [d for d in depts if not _DEPT.match(d)]
    if bad:
        raise ConfigError(f"{where}: not INSEE département codes: {', '.join(bad)}")
    domains = tuple(d.lower().strip().rstrip(".") for d in
                    _strings(entry["allowed_domains"], where=where, key="allowed_domains"))
    allow_private = entry.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(f"{where}: allow_private must be true or false")
    if not allow_private:
        for d in domains:
            if is_ip(d):
                raise ConfigError(f"{where}: allowed domain {d!r} is an IP address; "
                                  "set allow_private = true only for tests or a local demo")
    urls = _strings(entry["start_urls"], where=where, key="start_urls")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}: start URL {url!r} must be an http(s) URL")
        if not host_allowed(parts.hostname, domains):
            raise ConfigError(f"{where}: start URL {url!r} is outside allowed_domains "
                              f"({', '.join(domains)}); add its domain or fix the URL")
    verified = entry.get("verified", True)
    note = entry.get("note")
    if not isinstance(allow_private, bool) or not isinstance(verified, bool):
        raise ConfigError(f"{where}: allow_private and verified must be true or false")
    for key in ("note", "evidence", "article_pattern"):
        if entry.get(key) is not None and not (isinstance(entry[key], str) and entry[key].strip()):
            raise ConfigError(f"{where}: {key} must be a non-empty string")
    pattern = entry.get("article_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: article_pattern {pattern!r} is not a valid Python "
                              f"regular expression ({exc}); fix it or remove the key") from None
    max_listing = entry.get("max_listing_pages", DEFAULT_MAX_LISTING_PAGES)
    if isinstance(max_listing, bool) or not isinstance(max_listing, int) \
            or not 1 <= max_listing <= 50:
        raise ConfigError(f"{where}: max_listing_pages must be a whole number from 1 to 50")
    return Source(id=sid, name=name.strip(), region=region, departements=depts,
                  start_urls=urls, allowed_domains=domains, allow_private=allow_private,
                  verified=verified, note=note, evidence=entry.get("evidence"),
                  article_pattern=pattern, max_listing_pages=max_listing)


def _strings(value: object, *, where: str, key: str, allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    if not value and not allow_empty:
        raise ConfigError(f"{where}: {key} must not be empty")
    return tuple(v.strip() for v in value)


def is_ip(host: str) -> bool:
    """True when `host` is an IP literal rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
