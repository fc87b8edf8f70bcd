"""nlp.inputs: files, folders and stdin; one bad document never stops the batch."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from nlp.inputs import iter_documents, load_path
from veille.errors import InputError
from veille.records import CleanArticle, DocumentError

HTML = Path(__file__).resolve().parents[1] / "fixtures" / "html"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GOOD_HTML = HTML / "france3_maison_sante_maurs.html"


def _batch(tmp_path: Path) -> Path:
    """A folder mixing good and bad documents, with a sub-folder and ignored files."""
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_good.html").write_bytes(GOOD_HTML.read_bytes())
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.html").write_bytes(b"%PDF-1.4\n\x00\x01\x02")
    (folder / "d_notes.txt").write_text("Réunion à Chârost\n\nLe maire cherche un médecin.\n",
                                        encoding="cp1252")
    ici = (HTML / "ici_centre_sante_bourganeuf.html").read_bytes()
    (folder / "sub" / "e_page.HTM").write_bytes(ici)
    (folder / "ignored.pdf").write_bytes(b"%PDF-1.4")
    (folder / "ignored.json").write_text("{}")
    (folder / ".hidden.txt").write_text("caché")
    return folder


def test_folder_is_recursive_sorted_and_filtered(tmp_path):
    folder = _batch(tmp_path)
    items = list(iter_documents([str(folder)], max_bytes=10_000_000))
    assert [Path(i.source).name for i in items] == [
        "a_good.html", "b_empty.txt", "c_binary.html", "d_notes.txt", "e_page.HTM"]
    kinds = [(type(i).__name__, getattr(i, "reason", None)) for i in items]
    assert kinds == [("CleanArticle", None), ("DocumentError", "empty"),
                     ("DocumentError", "binary"), ("CleanArticle", None), ("CleanArticle", None)]
    notes = items[3]
    assert notes.text == "Réunion à Chârost\n\nLe maire cherche un médecin.\n"  # cp1252 decoded


def test_missing_path_and_empty_folder_are_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    items = list(iter_documents([str(tmp_path / "nope.html"), str(tmp_path / "empty"),
                                 str(GOOD_HTML)], max_bytes=10_000_000))
    assert [getattr(i, "reason", "ok") for i in items] == ["not_found", "no_documents", "ok"]
    assert all(isinstance(i, DocumentError) and i.message for i in items[:2])


def test_oversized_file_fails_fast(tmp_path):
    big = tmp_path / "big.html"
    with big.open("wb") as out:
        out.write(b"<html><body>")
        chunk = "<p>Le médecin de Sancerre part à la retraite.</p>\n".encode() * 20_000
        while out.tell() < 20_000_000:
            out.write(chunk)
    (item,) = iter_documents([str(big)], max_bytes=10_000_000)
    assert isinstance(item, DocumentError) and item.reason == "too_large"
    with pytest.raises(InputError):
        load_path(big)


def test_small_configured_limit(tmp_path):
    (item,) = iter_documents([str(GOOD_HTML)], max_bytes=1_000)
    assert isinstance(item, DocumentError) and item.reason == "too_large"


def test_text_file_is_kept_exactly(tmp_path):
    raw = "Titre\r\n\r\nLigne un\r\nLigne deux : 46,4 médecins\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))  # with a UTF-8 BOM
    article = load_path(path)
    assert article.text == raw and article.title == "Titre"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seeds_load_as_given(path):
    article = load_path(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.source == str(path)


def test_html_inside_a_txt_file_stays_text(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<p>Une balise</p> dans un texte brut.", encoding="utf-8")
    assert load_path(path).text == "<p>Une balise</p> dans un texte brut."


def test_unknown_extension_is_sniffed(tmp_path):
    page = tmp_path / "page.php"
    page.write_bytes(GOOD_HTML.read_bytes())
    assert load_path(page).title.startswith("Cantal : à Maurs")
    note = tmp_path / "note.md"
    note.write_text("Une note\n\nsans balise.", encoding="utf-8")
    assert load_path(note).text == "Une note\n\nsans balise."


@pytest.mark.parametrize(("data", "expect"), [
    (GOOD_HTML.read_bytes(), "Cantal : à Maurs, la maison de santé accueille ses premiers "
                             "patients"),
    ("Un texte brut\n\nlu sur l'entrée standard.".encode("cp1252"), "Un texte brut"),
    (b"", "empty"),
])
def test_stdin(monkeypatch, data, expect):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (item,) = iter_documents(["-"], max_bytes=10_000_000)
    assert item.source == "<stdin>"
    if isinstance(item, CleanArticle):
        assert item.title == expect
    else:
        assert item.reason == expect


def test_stdin_over_the_limit(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>x</p>" * 1000)))
    (item,) = iter_documents(["-"], max_bytes=100)
    assert isinstance(item, DocumentError) and item.reason == "too_large"


def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.html"
    path.write_bytes(GOOD_HTML.read_bytes())
    path.chmod(0)
    try:
        (item,) = iter_documents([str(path)], max_bytes=10_000_000)
    finally:
        path.chmod(0o644)
    if isinstance(item, CleanArticle):
        pytest.skip("running as root: permissions are not enforced")
    assert item.reason == "unreadable"
