"""`veille dashboard` (dashboard stage): run the Streamlit app on the published snapshot.

Thin command: Streamlit runs as a subprocess bound to 127.0.0.1; the DB path goes
through the VEILLE_DASHBOARD_DB environment variable (read by dashboard/data.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DB_ENV = "VEILLE_DASHBOARD_DB"  # = dashboard.data.DB_ENV (not imported here: it loads Streamlit)


def register(app: typer.Typer) -> None:
    app.command()(dashboard)


def streamlit_command(
    app_path: Path, *, port: int, address: str = "127.0.0.1", dev: bool = False
) -> list[str]:
    """The `streamlit run` command line; every non-default flag says why."""
    import sys

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.address",
        address,  # local only: put a reverse proxy with auth in front to share it
        "--server.port",
        str(port),
        "--server.headless",
        "true",  # never try to open a browser on a server
        "--browser.gatherUsageStats",
        "false",  # no telemetry from an observatory's machine
        "--client.showErrorDetails",
        "full" if dev else "none",  # no tracebacks to users
        "--client.toolbarMode",
        "developer" if dev else "viewer",
        "--server.runOnSave",
        "true" if dev else "false",
        "--server.fileWatcherType",
        "auto" if dev else "none",
    ]


def dashboard(
    db: Annotated[
        str | None,
        typer.Option("--db", help="DuckDB file to read (default: settings.published_path)."),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8501,
    address: Annotated[
        str, typer.Option("--address", help="Address to bind (keep 127.0.0.1 unless proxied).")
    ] = "127.0.0.1",
    dev: Annotated[
        bool, typer.Option("--dev", help="Development mode: error details, reload on save.")
    ] = False,
) -> None:
    """Open the French dashboard (read-only) on the published snapshot of the store."""
    import os
    import signal
    import subprocess

    import dashboard as package
    from veille.config import load_settings
    from veille.errors import StoreError

    path = Path(db or load_settings().published_path)
    if not path.is_file():
        raise StoreError(
            f"database {path} not found: run `veille nightly` (publishes the snapshot) "
            "or `make demo`, or pass --db FILE"
        )
    app_path = Path(package.__file__).resolve().parent / "streamlit_app.py"
    env = {**os.environ, DB_ENV: str(path.resolve())}
    print(
        f"Tableau de bord : http://{address}:{port}  (base {path}, lecture seule ; "
        "Ctrl-C pour arrêter)"
    )
    proc = subprocess.Popen(
        streamlit_command(app_path, port=port, address=address, dev=dev), env=env
    )
    # A service manager stops us with SIGTERM: pass it on so no orphan server keeps the port.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        raise SystemExit(proc.wait())
    except KeyboardInterrupt:  # Ctrl-C reached the whole process group: let Streamlit finish
        proc.wait()
        raise SystemExit(130) from None
