"""Files, folders and stdin -> `CleanArticle`s, one bad document never stopping a batch.

- `load_path(path)`: one file; raises `InputError` (or `FileNotFoundError`).
- `iter_documents(paths, max_bytes=...)`: files, folders (recursive, sorted, .html/.htm/.txt
  only) and "-" for stdin; yields a `CleanArticle` or a `DocumentError` per document.

.html/.htm go through `clean_html`; .txt is kept exactly as written (`clean_text`);
stdin and other extensions given explicitly are sniffed (tags -> HTML, else text).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from nlp.decode import DEFAULT_MAX_BYTES, check_size, decode_document, sniff_binary
from veille.errors import InputError
from veille.records import CleanArticle, DocumentError

HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt"})
STDIN = "-"


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CleanArticle:
    """Read and clean one file; the size is checked before reading (a 20 MB file fails fast)."""
    path = Path(path)
    check_size(path.stat().st_size, max_bytes=max_bytes)
    data = read_bounded(path, max_bytes=max_bytes)
    suffix = path.suffix.lower()
    kind = "html" if suffix in HTML_SUFFIXES else "text" if suffix in TEXT_SUFFIXES else None
    return load_bytes(data, source=str(path), kind=kind, max_bytes=max_bytes)


def read_bounded(path: Path, *, max_bytes: int) -> bytes:
    """At most `max_bytes` + 1 bytes of `path`, refused with "too_large" beyond the limit.

    The read itself is bounded: a device, a FIFO or /proc file reports size 0 (or a
    wrong size), so the stat check alone would read /dev/zero until memory runs out.
    """
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            "too_large",
            f"more than {max_bytes:,} bytes (the input limit); "
            "raise max_input_bytes (VEILLE_MAX_INPUT_BYTES) if this really is one article",
        )
    return data


def load_bytes(
    data: bytes, *, source: str, kind: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> CleanArticle:
    """Clean raw bytes as "html", "text", or (kind None) whichever they look like."""
    from nlp.clean import clean_html, clean_text, looks_like_html

    check_size(len(data), max_bytes=max_bytes)
    if kind == "html":
        return clean_html(data, source=source, max_bytes=max_bytes)
    if not data.strip():
        raise InputError("empty", "the document is empty (0 bytes or only whitespace)")
    what = sniff_binary(data)
    if what is not None:
        raise InputError("binary", f"this is {what}, not a web page or text")
    text, charset = decode_document(data, html=kind is None)
    if kind is None and looks_like_html(text):
        article = clean_html(text, source=source, max_bytes=max_bytes)
    else:
        if text.startswith("\ufeff"):
            text = text[1:]  # a byte-order mark is not part of the text
        article = clean_text(text, source=source, max_bytes=max_bytes)
    return replace(article, charset=charset)


def iter_documents(
    paths: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[CleanArticle | DocumentError]:
    """Every document under `paths`, in order; errors are yielded, never raised."""
    for given in paths:
        if given == STDIN:
            yield _safely("<stdin>", lambda: _load_stdin(max_bytes))
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p))
            if not files:
                yield DocumentError(given, "no_documents",
                                    "this folder holds no .html, .htm or .txt file")
            for file in files:
                yield _safely(str(file), lambda f=file: load_path(f, max_bytes=max_bytes))
        elif path.exists():
            yield _safely(given, lambda p=path: load_path(p, max_bytes=max_bytes))
        else:
            yield DocumentError(given, "not_found", "no such file or folder; check the path")


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES and not path.name.startswith(".")


def _load_stdin(max_bytes: int) -> CleanArticle:
    # Read one byte past the limit so an endless pipe is refused without holding it all.
    data = sys.stdin.buffer.read(max_bytes + 1)
    return load_bytes(data, source="<stdin>", max_bytes=max_bytes)


def _safely(source: str, load: Callable[[], CleanArticle]) -> CleanArticle | DocumentError:
    try:
        return load()
    except InputError as exc:
        return DocumentError(source, exc.reason, str(exc))
    except PermissionError:
        return DocumentError(source, "unreadable", "permission denied; check the file's rights")
    except OSError as exc:
        return DocumentError(source, "unreadable", f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 -- a parser crash on one page must not stop the batch
        return DocumentError(source, "clean_failed", f"{type(exc).__name__}: {exc}")
