"""The nightly job's share of history: `veille backfill sitemaps` on a page budget.

Scrapy's reactor cannot restart in one process and the nightly crawl already ran in
this one, so the backfill runs as a child process (`veille backfill sitemaps`), under
the same settings, sources and a time limit. Pages left in the period wait in the
store's frontier for the next night.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from veille.config import Settings


def nightly_backfill(
    settings: Settings,
    *,
    sources_file: str | Path | None,
    only: list[str] | None,
    overrides: Mapping[str, Any],
    seconds: float,
) -> dict[str, Any]:
    """Run one budgeted backfill; returns its summary (status "ok" unless pages failed)."""
    cmd = [
        sys.executable,
        "-c",
        "from veille.cli import main; main()",
        "backfill",
        "sitemaps",
        "--since",
        settings.backfill_since,
        "--max-pages",
        str(settings.nightly_backfill_pages),
        "--db",
        settings.db_path,
        "--format",
        "json",
    ]
    if sources_file:
        cmd += ["--sources", str(sources_file)]
    for sid in only or ():
        cmd += ["--source", sid]
    conf = {"LOG_LEVEL": "WARNING", **overrides, "CLOSESPIDER_TIMEOUT": max(1, int(seconds))}
    for key, value in conf.items():
        cmd += ["--set", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
    env = _env(settings)
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 120,
        preexec_fn=_die_with_parent,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"backfill exited with {proc.returncode}: {proc.stderr.strip()[-800:]}")
    data = json.loads(proc.stdout)
    data["status"] = "partial" if data.get("failed") else "ok"
    return data


def _die_with_parent() -> None:
    """In the child, before exec: a SIGKILLed nightly must not leave its backfill running
    (it would keep writing to the store the next run opens). Linux's PR_SET_PDEATHSIG."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except OSError:  # not glibc Linux: the time limit still ends the child
        pass


def _env(settings: Settings) -> dict[str, str]:
    """The child reads the same settings: pass the ones the backfill uses explicitly."""
    import os

    env = dict(os.environ)
    env.update(
        {
            "VEILLE_USER_AGENT": settings.user_agent,
            "VEILLE_CONTACT_URL": settings.contact_url,
            "VEILLE_DOWNLOAD_DELAY": str(settings.download_delay),
            "VEILLE_MAX_PAGE_BYTES": str(settings.max_page_bytes),
        }
    )
    return env
