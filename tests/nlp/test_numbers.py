"""Number parsing: every normalisation rule of nlp/numbers.py (no model needed)."""

from __future__ import annotations

import pytest

from nlp.numbers import find_numbers, parse_digits, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("46,4", 46.4),  # French decimal comma
        ("235 000", 235_000),  # space as thousands separator
        ("8.200", 8_200),  # dot as thousands separator
        ("1\u00a0800", 1_800),  # no-break space
        ("1\u202f800", 1_800),  # narrow no-break space
        ("1 234 567", 1_234_567),
        ("1000", 1_000),
        ("46.4", 46.4),  # a decimal point slipped into French text
        ("2 millions", 2_000_000),
        ("1,5 million", 1_500_000),
        ("3 milliards", 3e9),
        ("3 M€", 3_000_000),
        ("50 k€", 50_000),
        ("200\u00a0000\u00a0€", 200_000),
        ("trente-huit", 38),
        ("quarante-deux", 42),
        ("Treize", 13),
        ("deux", 2),
        ("vingt et un", 21),
        ("quatre-vingt-dix", 90),
        ("deux cent trente-cinq mille", 235_000),
        ("deux millions", 2_000_000),
        ("une centaine", 100),
        ("une vingtaine", 20),
        ("deux centaines", 200),
    ],
)
def test_french_numbers(text: str, value: float) -> None:
    # Collective nouns only count before "de": give them one.
    suffix = " de patients" if "aine" in text else ""
    found = find_numbers(text + suffix)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value)
    assert (text + suffix)[found[0].start : found[0].end].strip() == text.replace("€", "").strip()


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,800", 1_800), ("46.4", 46.4), ("100,000", 100_000), ("2.5 million", 2_500_000),
     ("thirty-one", 31), ("two", 2), ("1,250.5", 1_250.5)],
)
def test_english_numbers(text: str, value: float) -> None:
    assert parse_number(text, lang="en") == pytest.approx(value)


def test_same_digits_read_by_language() -> None:
    assert parse_digits("1,800", lang="fr") == pytest.approx(1.8)
    assert parse_digits("1,800", lang="en") == pytest.approx(1_800)


def test_ordinals_are_flagged_not_valued() -> None:
    found = find_numbers("le troisième centre")
    assert [n.ordinal for n in found] == [True]
    assert parse_number("troisième") is None
    assert find_numbers("the third center", lang="en")[0].ordinal


@pytest.mark.parametrize(
    "text",
    ["le 1er août", "à 8h11", "fit-in/1100x2000/", "3e adjoint", "IMG_20251203_164321", "1°C"],
)
def test_codes_times_and_ordinals_are_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_offsets_slice_the_surface() -> None:
    text = "Il en verra trente-huit ; 2 millions d'euros et 46,4 généralistes."
    for n in find_numbers(text):
        assert text[n.start : n.end] in {"trente-huit", "2 millions", "46,4"}


def test_parse_number_rejects_text_around() -> None:
    assert parse_number("2 médecins") is None
    assert parse_number("  235 000 ") == 235_000
