"""Custody events: what happened to an item of evidence, by whom, when and why.

Each event is one leaf of the custody log. Its leaf bytes are the canonical JSON of
:mod:`hanoinet.core.jsonio` (sorted keys, no whitespace, UTF-8), so any implementation
re-derives the same leaf hash from the same event, and reading is strict: a leaf whose
bytes are not exactly the canonical encoding of a valid event is refused, because two
spellings of one event would give two leaf hashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Final, Literal, TypeGuard, get_args

from hanoinet.core.jsonio import JsonError, canonical, loads_strict
from hanoinet.core.ledger.errors import MalformedError

CustodyKind = Literal[
    "acquired",
    "hashed",
    "sealed",
    "opened",
    "exported",
    "transferred",
    "received",
    "verified",
    "disposed",
]
CUSTODY_KINDS: Final[frozenset[str]] = frozenset(get_args(CustodyKind))
# Names the leaf layout; a new layout gets a new name, and old leaves stay readable.
SCHEMA = "hanoinet.custody/1"
UTC_TIME = "%Y-%m-%dT%H:%M:%SZ"
MAX_TEXT = 4000
_DIGEST = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _text(value: object, field: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise MalformedError("must be a non-empty string", field=field)
    if len(value) > MAX_TEXT:
        raise MalformedError(f"is longer than {MAX_TEXT} characters", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedError("is not encodable as UTF-8", field=field) from None


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    """One custody step for the item whose SHA-256 is ``item_digest`` (lowercase hex).

    ``at`` must be timezone-aware; it is kept in UTC to the second (events within one
    second are ordered by their leaf index).

    >>> event = CustodyEvent(
    ...     kind="sealed", actor="alice", at=datetime(2026, 11, 23, 3, tzinfo=UTC),
    ...     item_digest="ab" * 32, reason="bagged after imaging")
    >>> CustodyEvent.from_leaf_bytes(event.to_leaf_bytes()) == event
    True
    """

    kind: CustodyKind
    actor: str
    at: datetime
    item_digest: str
    reason: str
    thread: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CUSTODY_KINDS:
            raise MalformedError(f"{self.kind!r} is not a custody event kind", field="kind")
        _text(self.actor, "actor")
        if not isinstance(self.at, datetime) or self.at.utcoffset() is None:
            raise MalformedError("must be a timezone-aware datetime", field="at")
        if not isinstance(self.item_digest, str) or not _DIGEST.fullmatch(self.item_digest):
            raise MalformedError("must be 64 lowercase hex digits (SHA-256)", field="item_digest")
        _text(self.reason, "reason")
        _text(self.thread, "thread", optional=True)
        _text(self.reference, "reference", optional=True)
        object.__setattr__(self, "at", self.at.astimezone(UTC).replace(microsecond=0))

    def to_json(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "kind": self.kind,
            "actor": self.actor,
            # isoformat, not strftime: %Y is not zero-padded below year 1000 on glibc.
            "at": self.at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "item_digest": self.item_digest,
            "reason": self.reason,
            "thread": self.thread,
            "reference": self.reference,
        }

    def to_leaf_bytes(self) -> bytes:
        """The leaf: the canonical JSON of :meth:`to_json`."""
        return canonical(self.to_json())

    @classmethod
    def from_leaf_bytes(cls, data: bytes) -> CustodyEvent:
        """Read a leaf back; :class:`MalformedError` naming the field if it is not valid."""
        try:
            value = loads_strict(data)
        except JsonError as exc:
            raise MalformedError(str(exc), field="leaf") from None
        if not isinstance(value, dict):
            raise MalformedError("must be a JSON object", field="leaf")
        expected = {"schema", *(field.name for field in fields(cls))}
        if missing := sorted(expected - value.keys()):
            raise MalformedError("is missing", field=missing[0])
        if unknown := sorted(value.keys() - expected):
            raise MalformedError("is not a custody event field", field=unknown[0])
        if value["schema"] != SCHEMA:
            raise MalformedError(f"{value['schema']!r} is not {SCHEMA!r}", field="schema")
        kind = value["kind"]
        if not _is_kind(kind):
            raise MalformedError(f"{kind!r} is not a custody event kind", field="kind")
        event = cls(
            kind=kind,
            actor=_string(value["actor"], "actor"),
            at=_parse_time(value["at"]),
            item_digest=_string(value["item_digest"], "item_digest"),
            reason=_string(value["reason"], "reason"),
            thread=_optional_string(value["thread"], "thread"),
            reference=_optional_string(value["reference"], "reference"),
        )
        if event.to_leaf_bytes() != data:
            raise MalformedError("is not in canonical form", field="leaf")
        return event


def _is_kind(value: object) -> TypeGuard[CustodyKind]:
    return isinstance(value, str) and value in CUSTODY_KINDS


def _string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise MalformedError("must be a string", field=field)
    return value


def _optional_string(value: object, field: str) -> str | None:
    return None if value is None else _string(value, field)


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise MalformedError("must be YYYY-MM-DDTHH:MM:SSZ", field="at")
    try:
        return datetime.strptime(value, UTC_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise MalformedError(f"{value!r} is not a real time", field="at") from None
