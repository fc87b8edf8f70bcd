"""`veille schedule print`: the systemd units and the crontab line for this install.

The templates ship in ops/templates/ (package data); schedules/ holds the same
files for reading and installing by hand (a test keeps the two identical).
Placeholders: @VEILLE@ (this install's `veille` executable) and @WORKDIR@ (the
directory holding data/, i.e. the repository of an editable install).
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

TEMPLATES = ("veille-nightly.service", "veille-nightly.timer", "veille.cron", "veille.env.example")


def template(name: str) -> str:
    return resources.files("ops").joinpath("templates", name).read_text(encoding="utf-8")


def install_paths() -> dict[str, str]:
    """The executable next to this interpreter (the .venv's) and the repository directory."""
    veille = Path(sys.executable).parent / "veille"
    workdir = Path(__file__).resolve().parents[1]
    return {"@VEILLE@": str(veille), "@WORKDIR@": str(workdir)}


def render(name: str, paths: dict[str, str] | None = None) -> str:
    text = template(name)
    for key, value in (paths or install_paths()).items():
        text = text.replace(key, value)
    return text


def render_all(paths: dict[str, str] | None = None) -> dict[str, str]:
    return {name: render(name, paths) for name in TEMPLATES}
