"""Crawler test helpers: the fixture site on 127.0.0.1 and `veille crawl` as a subprocess
(a Twisted reactor cannot restart, so each crawl gets its own process, as under cron)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import fixture_site

ROOT = Path(__file__).resolve().parents[2]
_EXE = Path(sys.executable).with_name("veille")
VEILLE = [str(_EXE)] if _EXE.exists() else [sys.executable, "-c",
                                            "from veille.cli import main; main()"]
# Short timeouts and no delays: the faults must not make the suite slow.
FAST = ["--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1", "--set", "VEILLE_BACKOFF_BASE=0.1",
        "--set", "DOWNLOAD_MAXSIZE=1000000", "--set", "AUTOTHROTTLE_START_DELAY=0",
        "--set", "AUTOTHROTTLE_MAX_DELAY=0.5", "--set", "VEILLE_BREAKER_THRESHOLD=50",
        "--set", "LOG_LEVEL=WARNING"]


@pytest.fixture
def site():
    base = fixture_site.start()
    yield base
    fixture_site.stop()


def write_sources(path: Path, *, start_urls: list[str], domains: list[str],
                  allow_private: bool = True, sid: str = "echo-du-berry") -> Path:
    urls = ", ".join(json.dumps(u) for u in start_urls)
    doms = ", ".join(json.dumps(d) for d in domains)
    path.write_text(
        f'[[source]]\nid = "{sid}"\nname = "L\'Écho du Berry (fixture)"\nregion = "24"\n'
        f'departements = ["18", "36"]\nstart_urls = [{urls}]\nallowed_domains = [{doms}]\n'
        f"allow_private = {'true' if allow_private else 'false'}\n", encoding="utf-8")
    return path


def fixture_sources(tmp_path: Path, base: str) -> Path:
    return write_sources(tmp_path / "sources.toml", domains=["127.0.0.1"],
                         start_urls=[f"{base}/rss.xml", f"{base}/sitemap.xml",
                                     f"{base}/rubrique/local.html"])


def run_veille(*args: str, delay: float = 0.0, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, VEILLE_DOWNLOAD_DELAY=str(delay))
    return subprocess.run([*VEILLE, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def crawl(sources: Path, db: Path, *extra: str, delay: float = 0.0) -> tuple[int, dict]:
    proc = run_veille("crawl", "--sources", str(sources), "--db", str(db), "--format", "json",
                      *FAST, *extra, delay=delay)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout)
