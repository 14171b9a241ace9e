"""Strict readers for JSON documents: every error names the path of the bad value."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from hanoinet.core.register.errors import RegisterFormatError

UTC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_object(value: object, path: str, allowed: Sequence[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RegisterFormatError(f"{path}: expected an object")
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise RegisterFormatError(f"{path}: unknown field(s) {', '.join(unknown)}")
    return value


def required(obj: Mapping[str, object], key: str, path: str) -> object:
    if key not in obj:
        raise RegisterFormatError(f"{path}.{key}: missing")
    return obj[key]


def as_str(value: object, path: str, *, max_length: int = 500, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RegisterFormatError(f"{path}: expected a string")
    if not value and not allow_empty:
        raise RegisterFormatError(f"{path}: must not be empty")
    if len(value) > max_length:
        raise RegisterFormatError(f"{path}: longer than {max_length} characters")
    return value


def as_int(value: object, path: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RegisterFormatError(f"{path}: expected a whole number")
    if value < minimum:
        raise RegisterFormatError(f"{path}: must be at least {minimum}")
    return value


def as_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise RegisterFormatError(f"{path}: expected true or false")
    return value


def as_list(value: object, path: str, *, max_items: int = 1000) -> list[object]:
    if not isinstance(value, list):
        raise RegisterFormatError(f"{path}: expected a list")
    if len(value) > max_items:
        raise RegisterFormatError(f"{path}: more than {max_items} items")
    return value


def as_timestamp(value: object, path: str) -> datetime:
    """RFC 3339 UTC with a ``Z`` and whole seconds: one spelling, so digests are stable."""
    text = as_str(value, path, max_length=20)
    if not UTC_TIMESTAMP.match(text):
        raise RegisterFormatError(f"{path}: expected a UTC time like 2026-01-31T23:59:00Z")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise RegisterFormatError(f"{path}: {text} is not a real time") from None


def as_date(value: object, path: str) -> date | None:
    if value is None:
        return None
    text = as_str(value, path, max_length=10)
    if not ISO_DATE.match(text):
        raise RegisterFormatError(f"{path}: expected a date like 2025-10-25")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RegisterFormatError(f"{path}: {text} is not a real date") from None


def timestamp_text(moment: datetime) -> str:
    """The one spelling of a time in register documents.

    >>> timestamp_text(datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=UTC))
    '2026-01-02T03:04:05Z'
    """
    if moment.tzinfo is None:
        raise ValueError("register times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
