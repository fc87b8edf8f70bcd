"""`veille analyze` end to end: the real console script, the real models, real files.

Bad inputs (empty, binary, 20 MB, undeclared or wrong encoding) give one error line per
file on stderr; the exit code is 0 when any document succeeded, non-zero when all failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
HTML = ROOT / "tests" / "fixtures" / "html"

pytestmark = pytest.mark.models  # the Analyzer loads spaCy


def _veille() -> str:
    local = Path(sys.executable).parent / "veille"
    found = str(local) if local.exists() else shutil.which("veille")
    if not found:
        pytest.fail("the `veille` console script is not installed: run `make install`")
    return found


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [_veille(), "analyze", *args], input=stdin, capture_output=True, timeout=600, cwd=ROOT
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def _json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def test_seeds_give_five_json_lines():
    proc = _run(str(SEEDS))
    assert proc.returncode == 0, proc.stderr
    docs = _json_lines(proc.stdout)
    assert len(docs) == 5
    for doc in docs:
        assert {"source", "title", "published", "lang", "communes", "departements",
                "regions"} <= set(doc)
    langs = {Path(d["source"]).name[:3]: d["lang"] for d in docs}
    assert langs == {"000": "fr", "001": "fr", "002": "fr", "003": "en", "004": "fr"}


def _bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    page = (HTML / "magcentre_wp_medecins_solidaires.html").read_text(encoding="utf-8")
    (folder / "01_good.html").write_text(page, encoding="utf-8")
    (folder / "02_empty.html").write_bytes(b"")
    (folder / "03_binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with (folder / "04_huge.html").open("wb") as out:  # 20 MB, over the 10 MB default
        out.write(b"<html><body>")
        block = page.encode("utf-8")
        while out.tell() < 20_000_000:
            out.write(block)
    # Declared utf-8 but saved as windows-1252; and windows-1252 with no declaration.
    (folder / "05_wrong_charset.html").write_bytes(page.encode("cp1252"))
    undeclared = page.replace('<meta charset="UTF-8" />', "")
    assert undeclared != page
    (folder / "06_undeclared.html").write_bytes(undeclared.encode("cp1252"))
    return folder


def test_bad_inputs_one_error_line_each(tmp_path):
    # One run (each run loads the models): a mixed folder, then a page on stdin.
    stdin = (HTML / "ici_centre_sante_bourganeuf.html").read_bytes()
    proc = _run(str(_bad_folder(tmp_path)), "-", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    errors = _error_lines(proc.stderr)
    assert len(errors) == 3, proc.stderr
    for line, (name, reason) in zip(
        errors, [("02_empty.html", "empty"), ("03_binary.html", "binary"),
                 ("04_huge.html", "too_large")], strict=True,
    ):
        assert name in line and f": {reason}: " in line
    *docs, piped = _json_lines(proc.stdout)
    assert [Path(d["source"]).name for d in docs] == [
        "01_good.html", "05_wrong_charset.html", "06_undeclared.html"]
    titles = {d["title"] for d in docs}
    assert titles == {"Charenton-du-Cher : Médecins solidaires ouvre son troisième centre"}
    assert all(d["published"] == "2024-02-05" and d["lang"] == "fr" for d in docs)
    assert piped["source"] == "<stdin>"
    assert piped["title"].startswith("Creuse : le centre de santé départemental ouvre")


def test_all_bad_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.html").write_bytes(b"PK\x03\x04\x14\x00")
    proc = _run(str(tmp_path / "empty.txt"), str(tmp_path / "blob.html"),
                str(tmp_path / "missing.html"))
    assert proc.returncode != 0
    assert proc.stdout.strip() == ""
    errors = _error_lines(proc.stderr)
    assert len([e for e in errors if ".txt" in e or ".html" in e]) == 3, proc.stderr

