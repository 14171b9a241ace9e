"""The envelope's header and body, and their one canonical encoding."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hanoinet.core.envelope.errors import EnvelopeError, Rejection

PROTOCOL_VERSION = "hanoinet/1"
# Versions this code can open, newest first. A new version is added here and announced in
# the register (NodeEntry.protocols) before any node sends it: see ``negotiate``.
SUPPORTED_VERSIONS = ("hanoinet/1",)
# A message lives at most this long; the inbox remembers ids for longer (replay window).
MAX_LIFETIME = timedelta(days=7)

STATE = re.compile(r"^[A-Z]{3}$")
TYPE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
KID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
UTC_TIME = "%Y-%m-%dT%H:%M:%SZ"
UTC_TIME_FORM = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
HEADER_FIELDS = (
    "version",
    "id",
    "sender",
    "sender_kid",
    "recipient",
    "type",
    "thread",
    "in_reply_to",
    "created_at",
    "expires_at",
)


@dataclass(frozen=True, slots=True)
class Header:
    id: str
    sender: str
    sender_kid: str
    recipient: str
    type: str
    thread: str
    created_at: datetime
    expires_at: datetime
    in_reply_to: str | None = None
    version: str = PROTOCOL_VERSION

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "id": self.id,
            "sender": self.sender,
            "sender_kid": self.sender_kid,
            "recipient": self.recipient,
            "type": self.type,
            "thread": self.thread,
            "in_reply_to": self.in_reply_to,
            "created_at": self.created_at.astimezone(UTC).strftime(UTC_TIME),
            "expires_at": self.expires_at.astimezone(UTC).strftime(UTC_TIME),
        }


@dataclass(frozen=True, slots=True)
class Message:
    header: Header
    body: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"header": self.header.to_json(), "body": dict(self.body)}


def new_message(
    *,
    sender: str,
    sender_kid: str,
    recipient: str,
    type: str,
    body: Mapping[str, object],
    now: datetime,
    thread: str | None = None,
    in_reply_to: str | None = None,
    lifetime: timedelta = timedelta(days=2),
) -> Message:
    """A new message with a fresh id, timestamps truncated to the second as encoded."""
    if now.tzinfo is None:
        raise ValueError("message times must be timezone-aware")
    created = now.astimezone(UTC).replace(microsecond=0)
    message_id = str(uuid.uuid4())
    header = Header(
        id=message_id,
        sender=sender,
        sender_kid=sender_kid,
        recipient=recipient,
        type=type,
        thread=thread or message_id,
        in_reply_to=in_reply_to,
        created_at=created,
        expires_at=created + min(lifetime, MAX_LIFETIME),
    )
    header_from_json(header.to_json())  # the same strict checks a receiving node applies
    return Message(header, body)


def _bad(detail: str) -> EnvelopeError:
    return EnvelopeError(Rejection.MALFORMED, detail)


def _text(obj: Mapping[str, object], key: str, pattern: re.Pattern[str] | None = None) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value or len(value) > 128:
        raise _bad(f"header.{key}: expected a string of at most 128 characters")
    if pattern is not None and not pattern.match(value):
        raise _bad(f"header.{key}: {value!r} is not in the expected form")
    return value


# What str(uuid.UUID(value)) == value accepts: the canonical lower-case form (a regular
# expression, because building a UUID for each of a message's ids cost more than this).
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(obj: Mapping[str, object], key: str) -> str:
    value = _text(obj, key)
    if CANONICAL_UUID.fullmatch(value) is None:
        raise _bad(f"header.{key}: expected a lower-case UUID")
    return value


def parse_utc_time(value: str) -> datetime:
    """A time in the one form the protocol writes (``UTC_TIME``); ValueError otherwise.

    Faster than ``strptime`` (every message carries several) and stricter: the digits
    must be zero-padded, as ``strftime`` writes them.

    >>> parse_utc_time("2026-11-23T03:10:00Z")
    datetime.datetime(2026, 11, 23, 3, 10, tzinfo=datetime.timezone.utc)
    """
    if UTC_TIME_FORM.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a UTC time like 2026-11-23T03:10:00Z")
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)


def _time(obj: Mapping[str, object], key: str) -> datetime:
    value = _text(obj, key)
    try:
        return parse_utc_time(value)
    except ValueError:
        raise _bad(f"header.{key}: expected a UTC time like 2026-11-23T03:10:00Z") from None


def header_from_json(value: object) -> Header:
    if not isinstance(value, Mapping):
        raise _bad("header: expected an object")
    unknown = sorted(str(key) for key in value if key not in HEADER_FIELDS)
    if unknown:
        raise _bad(f"header: unknown field(s) {', '.join(unknown)}")
    in_reply_to = value.get("in_reply_to")
    header = Header(
        version=_text(value, "version"),
        id=_uuid(value, "id"),
        sender=_text(value, "sender", STATE),
        sender_kid=_text(value, "sender_kid", KID),
        recipient=_text(value, "recipient", STATE),
        type=_text(value, "type", TYPE),
        thread=_uuid(value, "thread"),
        in_reply_to=None if in_reply_to is None else _uuid(value, "in_reply_to"),
        created_at=_time(value, "created_at"),
        expires_at=_time(value, "expires_at"),
    )
    check_header(header)
    return header


def check_header(header: Header) -> None:
    if header.expires_at <= header.created_at:
        raise _bad("header.expires_at: must be after created_at")
    if header.expires_at - header.created_at > MAX_LIFETIME:
        raise _bad(f"header.expires_at: a message may live at most {MAX_LIFETIME.days} days")


def message_from_json(value: object) -> Message:
    if not isinstance(value, Mapping) or set(value) != {"header", "body"}:
        raise _bad("message: expected an object with exactly header and body")
    body = value["body"]
    if not isinstance(body, Mapping):
        raise _bad("body: expected an object")
    return Message(header_from_json(value["header"]), body)


def negotiate(ours: tuple[str, ...], theirs: tuple[str, ...]) -> str | None:
    """The newest protocol version both sides speak, in our order of preference.

    >>> negotiate(("hanoinet/2", "hanoinet/1"), ("hanoinet/1",))
    'hanoinet/1'
    >>> negotiate(("hanoinet/1",), ()) is None
    True
    """
    return next((version for version in ours if version in theirs), None)
