"""Real browser: Debian Chromium (headless, driven by Playwright's Python package) loads each
page of a running `veille dashboard` and saves screenshots.

Two stores: the demo's (a year of invented news, built by `veille demo --no-serve`, so
the real crawl and models run: marked `models`) for every page, the map's shapes, the
cells and the département click; the small fixture store for the XSS title. Screenshots
go to $VEILLE_SCREENSHOTS, else artifacts/screenshots/ (gitignored; CI keeps it).
"""

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
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
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
    "": "Articles marquants de la semaine",
    "tendances": "Sujets pertinents par semaine",
    "carte": "Départements les plus couverts",
    "commune": "Initiatives dans les communes voisines",
    "initiatives": "Initiatives similaires ailleurs",
    "article": "Voir l'article sur le site du journal",
    "sources": "Pages collectées par nuit",
}
INJECTED = "[reconnectez-vous](https://evil.example/login) ![pixel](https://evil.example/p.png)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _veille() -> str:
    return shutil.which("veille", path=str(Path(sys.executable).parent)) or "veille"


def _shots(name: str) -> Path:
    folder = Path(os.environ.get("VEILLE_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")
    folder = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: run `make browser` (installs Debian chromium)")
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright Python package is not installed"
    )


def _serve(db: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [_veille(), "dashboard", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    _stop(proc)
    raise RuntimeError("the dashboard did not start within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(fixture_db):
    _need_browser()
    proc, url = _serve(fixture_db)
    try:
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """`veille demo --no-serve` into a temporary folder, then the dashboard on its snapshot."""
    _need_browser()
    data = tmp_path_factory.mktemp("demo")
    run = subprocess.run(
        [_veille(), "demo", "--no-serve", "--port", str(_free_port()), "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    proc, url = _serve(data / "published" / "veille.duckdb")
    try:
        yield url
    finally:
        _stop(proc)


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


def _settle(page) -> None:
    # Streamlit shows a running indicator while the script runs: wait until it is gone.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    # Charts and tables load lazily behind skeleton placeholders: wait them out, so the
    # screenshot shows the page a person sees (bounded: an empty page has none).
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000
    )
    page.wait_for_timeout(1200)


def _load(context, url: str, expected: str, shot: Path | None):
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    main.locator("h1").first.wait_for(state="visible", timeout=60_000)
    main.get_by_text(expected, exact=False).first.wait_for(state="visible", timeout=60_000)
    _settle(page)
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception box on {url}"
    assert not dialogs, f"a script ran on {url}: {dialogs}"
    return page


def _cells(page) -> list[str]:
    """Text of every data-grid cell (the grid paints on a canvas; these are its a11y cells)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('[role=gridcell]'), c => c.textContent)"
    )


def _not_injected(page) -> None:
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator('img[src*="evil.example"]').count() == 0
    assert page.get_by_text("reconnectez-vous", exact=False).count() == 0


def test_every_demo_page_renders_with_shapes_and_no_none(demo_server, browser):
    shots = _shots("demo")
    for path, expected in PAGES.items():
        page = _load(browser, f"{demo_server}/{path}", expected, shots / f"{path or 'semaine'}.png")
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
        cells = _cells(page)
        assert not {"None", "nan", "NaT"} & set(cells), f"an empty cell reads None on /{path}"
        if path == "carte":
            shapes = page.locator(
                '[data-testid="stVegaLiteChart"] [aria-roledescription="geoshape"]'
            )
            # Every rated département (Mayotte's communes lack a population: grey only).
            assert shapes.count() >= 96 + 4, "the map lacks département shapes"
            labels = page.locator('[aria-roledescription="geoshape"][aria-label*="La Réunion"]')
            assert labels.count() >= 1, "overseas insets missing"
        page.close()
    assert len(list(shots.glob("*.png"))) >= len(PAGES)


def _dep_filter_is(page, prefix: str) -> None:
    """The sidebar's département box (a combobox input) shows `prefix`."""
    page.wait_for_function(
        "p => Array.from(document.querySelectorAll("
        "'[data-testid=stSidebar] input[role=combobox]')).some(i => i.value.startsWith(p))",
        arg=prefix,
        timeout=60_000,
    )


def test_clicking_a_departement_filters_the_other_pages(demo_server, browser):
    page = _load(browser, f"{demo_server}/carte", PAGES["carte"], None)
    # Lozère: no initiative point sits on it, so the click reaches the shape.
    shape = page.locator('[aria-roledescription="geoshape"][aria-label*="Département: Lozère;"]')
    shape.first.click()
    _dep_filter_is(page, "48 – Lozère")
    _settle(page)
    page.screenshot(path=str(_shots("demo") / "carte_lozere.png"), full_page=True)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Initiatives").first.click()
    page.locator('[data-testid="stMain"] h1').get_by_text("Initiatives").wait_for(timeout=60_000)
    _dep_filter_is(page, "48 – Lozère")
    page.get_by_text("Aucune initiative pour ces filtres").first.wait_for(timeout=60_000)
    page.close()


@pytest.mark.parametrize("path", ["commune?insee=", "article?id=", "carte?dep="])
def test_injected_markdown_in_a_query_parameter_is_not_a_link(demo_server, browser, path):
    page = _load(browser, f"{demo_server}/{path}{quote(INJECTED)}", PAGES[path.split("?")[0]], None)
    _not_injected(page)
    page.close()


def test_xss_article_is_shown_as_text(server, browser, fixture_db):
    import duckdb

    from tests.dashboard.fixture_db import XSS_TITLE

    with duckdb.connect(str(fixture_db), read_only=True) as con:
        aid = con.execute(
            "SELECT article_id FROM articles WHERE title = ?", [XSS_TITLE]
        ).fetchone()[0]
    page = _load(browser, f"{server}/article?id={aid}", XSS_TITLE, _shots("fixture") / "xss.png")
    assert page.locator('img[src="x"]').count() == 0
    assert page.get_by_text("<script>alert(2)</script>", exact=False).count() >= 1
    page.close()


def test_not_a_store_shows_one_french_message(browser, tmp_path):
    _need_browser()
    import duckdb

    other = tmp_path / "autre.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    proc, url = _serve(other)
    try:
        page = browser.new_page()
        page.goto(f"{url}/carte", wait_until="domcontentloaded", timeout=60_000)
        page.get_by_text("n'est pas une base de Veille", exact=False).first.wait_for(timeout=60_000)
        _settle(page)
        page.screenshot(path=str(_shots("fixture") / "pas_une_base.png"))
        assert page.locator('[data-testid="stAlertContentError"]').count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    finally:
        _stop(proc)
