"""`veille demo`: serve the bundled press site, run `veille nightly` on it, start the dashboard.

Everything lives under `data_dir` (data/demo/ by default): its own working
database, published snapshot and logs, so the demo never touches real data. The
nightly run is a subprocess, exactly as cron runs it (a Twisted reactor cannot
restart, and the demo keeps serving the site to the dashboard's links).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from string import Template

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
# No politeness delay against our own local server; short timeouts keep the demo quick.
FAST_OVERRIDES = [
    "--set",
    "DOWNLOAD_TIMEOUT=10",
    "--set",
    "AUTOTHROTTLE_ENABLED=false",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]

# A year of history on day one: the demo's nightly job backfills the sitemap archives.
HISTORY_ENV = {"VEILLE_NIGHTLY_BACKFILL_PAGES": "2000", "VEILLE_BACKFILL_SINCE": "2019-01-01"}

DEFAULT_PORT = 8765  # fixed: article URLs include the port, re-runs must find the same URLs


def demo_env(data_dir: Path) -> dict[str, str]:
    data_dir = data_dir.resolve()
    return dict(
        os.environ,
        VEILLE_DB_PATH=str(data_dir / "veille.duckdb"),
        VEILLE_PUBLISHED_PATH=str(data_dir / "published" / "veille.duckdb"),
        VEILLE_LOG_DIR=str(data_dir / "logs"),
        VEILLE_DOWNLOAD_DELAY="0",
        **HISTORY_ENV,
    )


def write_sources(base: str, data_dir: Path) -> Path:
    """Write data_dir/sources.toml for `base`. URLs carry the port: when it changed since
    the last demo, the old demo database would get every article twice, so it is reset."""
    text = Template((DEMO_DIR / "sources.toml").read_text(encoding="utf-8")).safe_substitute(
        base=base
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "sources.toml"
    if path.exists() and path.read_text(encoding="utf-8") != text:
        print(f"the demo site moved to {base}: starting a fresh demo database in {data_dir}")
        for name in ("veille.duckdb", "veille.duckdb.wal"):
            (data_dir / name).unlink(missing_ok=True)
        shutil.rmtree(data_dir / "published", ignore_errors=True)
    path.write_text(text, encoding="utf-8")
    return path


def veille_command() -> list[str]:
    exe = Path(sys.executable).parent / "veille"
    return (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from veille.cli import main; main()"]
    )


def run_demo(
    *, port: int = DEFAULT_PORT, serve: bool = True, data_dir: Path = Path("data/demo")
) -> int:
    from crawler import fixture_site

    try:
        base = fixture_site.start(port, root=DEMO_DIR / "site")
    except OSError as exc:
        print(
            f"error: cannot serve the demo site on 127.0.0.1:{port} ({exc}); "
            "choose another port with `veille demo --port N`",
            file=sys.stderr,
        )
        return 1
    try:
        outlets = (DEMO_DIR / "sources.toml").read_text(encoding="utf-8").count("[[source]]")
        print(f"demo press site: {base}/ ({outlets} outlets, {DEMO_DIR / 'site'})", flush=True)
        sources = write_sources(base, data_dir)
        env = demo_env(data_dir)
        proc = subprocess.run(
            [*veille_command(), "nightly", "--sources", str(sources), *FAST_OVERRIDES],
            env=env,
            check=False,
        )
        if proc.returncode not in (0, 3):
            print(
                f"error: the demo's nightly run failed (exit {proc.returncode}); "
                f"see the log under {env['VEILLE_LOG_DIR']}",
                file=sys.stderr,
            )
            return proc.returncode
        _print_counts(env["VEILLE_PUBLISHED_PATH"])
        if not serve:
            return 0
        return _dashboard(env)
    finally:
        fixture_site.stop()


def _print_counts(published: str) -> None:
    from store.queries import open_readonly, published_counts

    con = open_readonly(published)
    try:
        n = published_counts(con)
    finally:
        con.close()
    print(
        f"published {published}: {n['articles']} articles ({n['relevant']} relevant), "
        f"{n['stories']} stories, {n['initiatives']} initiatives, {n['figures']} figures",
        flush=True,
    )
    print(f"try: VEILLE_PUBLISHED_PATH={published} veille digest --week 2026-W46", flush=True)


def _dashboard(env: dict[str, str]) -> int:
    print(
        "starting the dashboard (Ctrl-C to stop; the demo site keeps serving meanwhile)...",
        flush=True,
    )
    # Own process group: on Ctrl-C / SIGTERM we stop `veille dashboard` and its Streamlit child.
    dash = subprocess.Popen([*veille_command(), "dashboard"], env=env, start_new_session=True)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return dash.wait()
    except KeyboardInterrupt:
        _stop_group(dash)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass
