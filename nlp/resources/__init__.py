"""Rules and data shipped with the package, loaded by name (never downloaded at run time).

`load_toml("initiatives")` reads `nlp/resources/initiatives.toml`; results are cached,
so callers must treat them as read-only.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from veille.errors import ConfigError


def resource_names(suffix: str = ".toml") -> list[str]:
    """Names (without suffix) of the shipped resources with that suffix, sorted."""
    return sorted(
        p.name[: -len(suffix)]
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(suffix)
    )


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse the shipped `<name>.toml`; a missing or broken file is a packaging bug."""
    path = resources.files(__name__) / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"resource {name}.toml is not shipped in nlp/resources: reinstall the package"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"resource {name}.toml is not valid TOML: {exc}") from None
