"""Stable ids and value conversions shared by the writer and processing."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime


def article_id(url: str) -> str:
    """Article id from the canonical URL: stable across re-crawls and machines."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def fact_id(*parts: object) -> str:
    """Id of an extracted fact from what identifies it (article, type, evidence offsets)."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def parse_published(value: str | None) -> date | None:
    """'YYYY-MM-DD' -> that date, 'YYYY-MM' -> first of the month, anything else -> None."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) >= 10:
            return date.fromisoformat(value[:10])
        if len(value) == 7:
            return date.fromisoformat(value + "-01")
    except ValueError:
        return None
    return None


def parse_timestamp(value: str | datetime | None) -> datetime:
    """ISO timestamp (with or without zone) -> naive UTC datetime; None -> now."""
    if value is None:
        return utcnow()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return utcnow()
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utcnow() -> datetime:
    """Naive UTC timestamp: DuckDB TIMESTAMP columns hold UTC without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)
