"""Real browser: Debian Chromium (headless, driven by Playwright's Python package) loads each
page of a running `veille dashboard` on 127.0.0.1 and saves screenshots."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path (st.Page default: the file name) -> French text the page must show
PAGES = {
    "": "Cette semaine",
    "tendances": "Sujets pertinents par semaine",
    "carte": "Communes citées",
    "commune": "Initiatives dans les communes voisines",
    "initiatives": "Initiatives similaires ailleurs",
    "article": "Voir l'article sur le site du journal",
    "sources": "Pages collectées par nuit",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(fixture_db):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: run `make browser` (installs Debian chromium)")
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright Python package is not installed"
    )
    port = _free_port()
    veille = shutil.which("veille", path=str(Path(sys.executable).parent)) or "veille"
    proc = subprocess.Popen(
        [veille, "dashboard", "--db", str(fixture_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the dashboard did not start within 60 s")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            locale="fr-FR",
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


def _load(context, url: str, expected: str, shot: Path):
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    main.locator("h1").first.wait_for(state="visible", timeout=60_000)
    main.get_by_text(expected, exact=False).first.wait_for(state="visible", timeout=60_000)
    # Streamlit shows a running indicator while the script runs: wait until it is gone.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    # Charts and tables load lazily behind skeleton placeholders: wait them out, so the
    # screenshot shows the page a person sees (bounded: an empty page has none).
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000
    )
    page.wait_for_timeout(800)
    page.screenshot(path=str(shot), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception box on {url}"
    assert not dialogs, f"a script ran on {url}: {dialogs}"
    return page


def test_every_page_renders_in_chromium(server, browser, tmp_path):
    shots = Path(os.environ.get("VEILLE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for path, expected in PAGES.items():
        page = _load(browser, f"{server}/{path}", expected, shots / f"{path or 'semaine'}.png")
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
        page.close()
    assert len(list(shots.glob("*.png"))) == len(PAGES)


def test_xss_article_is_shown_as_text(server, browser, fixture_db, tmp_path):
    import duckdb

    from tests.dashboard.fixture_db import XSS_TITLE

    with duckdb.connect(str(fixture_db), read_only=True) as con:
        aid = con.execute(
            "SELECT article_id FROM articles WHERE title = ?", [XSS_TITLE]
        ).fetchone()[0]
    page = _load(browser, f"{server}/article?id={aid}", XSS_TITLE, tmp_path / "xss.png")
    assert page.locator('img[src="x"]').count() == 0
    assert page.get_by_text("<script>alert(2)</script>", exact=False).count() >= 1
    page.close()
