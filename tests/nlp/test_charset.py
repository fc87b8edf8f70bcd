"""Mis-declared charsets (issue 15): valid multi-byte UTF-8 wins over a single-byte
declaration, and the decision is recorded on the article and the page's row."""

from __future__ import annotations

import pytest

from nlp.clean import clean_html
from nlp.decode import decode_bytes

BODY = (
    "<h1>Désert médical : une maison de santé ouvre à Aurillac</h1>"
    "<p>La maison de santé pluridisciplinaire accueillera trois médecins généralistes "
    "dès le mois de mars, annonce la mairie d'Aurillac. Les patients privés de médecin "
    "traitant pourront s'y inscrire. « Nous avons enfin trouvé des praticiens », se "
    "réjouit l'adjointe chargée de la santé.</p>"
    "<p>Le département du Cantal compte parmi les plus touchés par la désertification "
    "médicale : un généraliste pour 1 200 habitants dans certains cantons.</p>"
)


def _page(charset: str) -> bytes:
    return (
        f'<html><head><meta charset="{charset}"><title>t</title></head>'
        f"<body><article>{BODY}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("label", ["windows-1251", "koi8-r", "iso-8859-5", "windows-1252"])
def test_utf8_declared_single_byte_decodes_as_utf8(label: str) -> None:
    # Through <meta charset>, then through the HTTP header.
    assert "Désert médical" in decode_bytes(_page(label))
    assert "généralistes" in decode_bytes(_page(label), declared=label)
    from nlp.decode import decode_document
    from veille.records import Charset

    text, charset = decode_document(_page(label))
    assert "Désert médical" in text and "« Nous avons" in text
    assert charset == Charset(declared=label, used="utf-8", reason="utf8_over_declared")


def test_a_real_single_byte_page_keeps_its_declaration() -> None:
    from nlp.decode import decode_document

    page = '<meta charset="windows-1251"><p>Врач приехал в деревню.</p>'.encode("cp1251")
    text, charset = decode_document(page)
    assert "Врач приехал" in text
    assert (charset.used, charset.reason) == ("cp1251", "declared")


def test_a_multi_byte_declaration_is_trusted() -> None:
    from nlp.decode import decode_document

    page = '<meta charset="shift_jis"><p>医師</p>'.encode("shift_jis")
    text, charset = decode_document(page)
    assert "医師" in text and charset.reason == "declared"


def test_the_decision_reaches_the_article_and_stays_relevant() -> None:
    from nlp.relevance import CANDIDATE_THRESHOLD, cheap_score
    from veille.records import Charset

    article = clean_html(_page("koi8-r"), source="p.html", encoding="koi8-r")
    assert article.title.startswith("Désert médical")
    assert article.charset == Charset("koi8-r", "utf-8", "utf8_over_declared")
    assert cheap_score(article.text) >= CANDIDATE_THRESHOLD


def test_the_decision_is_stored_on_the_page_row(tmp_path) -> None:
    from dataclasses import replace

    from store.queries import open_readonly
    from store.writer import Writer
    from tests.store.helpers import make_page

    article = clean_html(_page("windows-1251"), source="p.html")
    page = replace(make_page("https://presse.example.fr/a", article.text), article=article)
    with Writer.open(tmp_path / "v.duckdb") as w:
        w.save_pages([page])
    con = open_readonly(tmp_path / "v.duckdb")
    try:
        row = con.execute(
            "SELECT charset_declared, charset_used, charset_reason FROM pages"
        ).fetchall()
    finally:
        con.close()
    assert row == [("windows-1251", "utf-8", "utf8_over_declared")]
