"""Raw bytes -> text for one document: size, emptiness, binary sniffing, charset.

Checks run cheapest first so that a 20 MB file or a PDF fails before any parsing.
Charset order, as browsers do: byte-order mark, declared charset (HTTP header, then
`<meta charset>`), then detection. Declarations are often wrong in the regional
press (a CMS template says utf-8, an old article is cp1252), so a declaration that
does not decode strictly is ignored, and non-ASCII bytes that are valid UTF-8 win
over ANY declared single-byte charset (windows-1252, but also windows-1251, koi8-r:
those decode every byte, so they never fail, they garble). `decode_document` returns
the decision as a `Charset` record (declared, used, reason) for the page's row.
"""

from __future__ import annotations

import codecs
import functools
import re
from typing import NoReturn

from veille.errors import InputError
from veille.records import Charset

DEFAULT_MAX_BYTES = 10_000_000  # veille.config.Settings.max_input_bytes

_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (0, b"\x89PNG", "a PNG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"BZh91AY", "a bzip2 archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!", "a RAR archive"),
    (0, b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (0, b"\x7fELF", "an executable"),
    (0, b"OggS", "an audio file"),
    (0, b"ID3", "an MP3 file"),
    (0, b"wOFF", "a web font"),
    (8, b"WEBP", "a WebP image"),
    (4, b"ftyp", "a video or HEIC image"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 8192
# Control bytes that never occur in text (tab, newlines, form feed and ESC excluded).
_CONTROL = bytes(sorted(set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))))
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.I,
)
# Labels that mean windows-1252 on the Web (WHATWG Encoding Standard).
_AS_CP1252 = {"latin_1", "iso8859_1", "ascii", "cp1252", "iso8859_15"}
# UTF-8 read as cp1252/latin-1 ("Ã©" for "é", "â€™" for "’").
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|â€")


def check_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            "too_large",
            f"{size:,} bytes is over the {max_bytes:,}-byte limit; "
            "raise max_input_bytes (VEILLE_MAX_INPUT_BYTES) if this really is one article",
        )


def sniff_binary(data: bytes) -> str | None:
    """What the bytes are if they are not text (e.g. "a PDF document"), else None."""
    for offset, magic, what in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return what
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return None if _utf16_guess(sample) else "binary data (NUL bytes)"
    control = len(sample) - len(sample.translate(None, _CONTROL))  # C speed, no Python loop
    if sample and control / len(sample) > 0.05:
        return "binary data (control bytes)"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = True) -> str:
    """Decode one document (see `decode_document`); only the text."""
    return decode_document(data, declared=declared, html=html)[0]


def decode_document(
    data: bytes, *, declared: str | None = None, html: bool = True
) -> tuple[str, Charset]:
    """Decode one document. `declared` is the HTTP charset, if any; for HTML the
    `<meta charset>` (or an XML declaration) in the first 4 kB is read otherwise.
    Returns the text and the decision (declared label, codec used, reason)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec) or _fail(f"it starts with a {codec} byte-order mark")
            return text, Charset(declared, codec, "bom")
    utf16 = _utf16_guess(data[:_SAMPLE])
    if utf16:
        text = _strict(data, utf16) or _fail("it looks like UTF-16 without a byte-order mark")
        return text, Charset(declared, utf16, "utf16_guess")
    if declared is None and html:
        found = _DECLARED.search(data[:4096])
        if found:
            declared = (found.group(1) or found.group(2)).decode("ascii", "replace")
    codec = _lookup(declared)
    if codec is not None:
        decoded = _from_declared(data, codec)
        if decoded is not None:
            return _repaired(*decoded, declared)
    reason = "declared_invalid" if declared else "undeclared"
    for guess in ("utf-8", "cp1252"):  # French pages are utf-8 or windows-1252 in practice
        text = _strict(data, guess)
        if text is not None:
            return _repaired(text, guess, reason, declared)
    text, used = _detect(data)
    return text, Charset(declared, used, "detected")


def _repaired(text: str, used: str, reason: str, declared: str | None) -> tuple[str, Charset]:
    fixed = _repair_mojibake(text)
    if fixed is not text:
        reason += "+mojibake_repaired"
    return fixed, Charset(declared, codecs.lookup(used).name, reason)  # e.g. "utf-8", "koi8-r"


def _from_declared(data: bytes, codec: str) -> tuple[str, str, str] | None:
    """(text, codec used, reason) from the declaration, or None if it does not decode."""
    if _single_byte(codec) and not data.isascii():
        # A single-byte charset decodes any bytes, so it cannot be refuted by failing:
        # non-ASCII bytes that form valid UTF-8 (multi-byte sequences) are UTF-8.
        text = _strict(data, "utf-8")
        if text is not None:
            return text, "utf-8", "utf8_over_declared"
    if codec in _AS_CP1252:
        for fallback in ("cp1252", "latin-1"):
            text = _strict(data, fallback)
            if text is not None:
                return text, fallback, "declared"
        return None
    text = _strict(data, codec)
    return (text, codec, "declared") if text is not None else None


@functools.lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """True for charsets with one character per byte (cp125x, iso8859-x, koi8-*, mac-*)."""
    if codec.startswith(("utf", "utf_")):
        return False
    try:
        chars = bytes(range(256)).decode(codec, errors="replace")
    except LookupError:
        return False
    return len(chars) == 256  # multi-byte charsets (Shift-JIS, GBK...) pair lead bytes


def _detect(data: bytes) -> tuple[str, str]:
    # Last resort only: charset_normalizer guesses poorly on short French text
    # (it prefers cp1250/cp1257), which is why utf-8 and cp1252 are tried first.
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        _fail("no known character encoding decodes it")
    text = _strict(data, best.encoding)
    return (text, best.encoding) if text is not None else _fail(f"it is not valid {best.encoding}")


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as cp1252 upstream (double encoding)."""
    if len(_MOJIBAKE.findall(text[:50_000])) < 3:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(_MOJIBAKE.findall(fixed)) < len(_MOJIBAKE.findall(text)):
            return fixed
    return text


def _utf16_guess(sample: bytes) -> str | None:
    """utf-16-le/be when NUL bytes sit on every other position (ASCII-range UTF-16)."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _lookup(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name.replace("-", "_")
    except LookupError:
        return None  # an unknown label is ignored, as browsers do


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _fail(why: str) -> NoReturn:
    raise InputError("decode", f"cannot decode the text: {why}; re-save the file as UTF-8")
