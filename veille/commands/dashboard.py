"""CLI commands of this stage; registered by veille.cli. Heavy imports stay inside the commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app (none yet)."""
