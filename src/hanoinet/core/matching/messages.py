"""The three messages of a run and their JSON form, for the body of a federation envelope.

Points travel as one standard-base64 string of 32-byte X25519 u-coordinates; tags as
one base64 string of 16-byte tags; indices as one base64 string of big-endian uint32::

    psi.request    {"version": 2, "session": "s-1", "points": "<n x 32 bytes>"}
    psi.response   {"version": 2, "session": "s-1", "points": "<n x 32 bytes>",
                    "tags": "<m x 16 bytes>"}
    psi.disclosure {"version": 2, "session": "s-1", "indices": "<k x 4 bytes>"}

The request's points and the response's tags are in ascending byte order — which hides
the order of the underlying identifiers and makes duplicates detectable in one pass —
and the response's points follow the request's order. ``parse_*`` checks everything
that is cheap (shape, version, base64, lengths, count, canonical encoding, low-order
points, duplicates, order); whether each point lies on the curve is checked where it is
used, inside the parallel step that exponentiates it.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from hanoinet.core.matching.context import PROTOCOL_VERSION, SESSION_PATTERN
from hanoinet.core.matching.errors import (
    BadPointError,
    DuplicateError,
    MalformedError,
    TooManyItemsError,
    UnsupportedVersionError,
    WrongLengthError,
)
from hanoinet.core.matching.group import POINT_SIZE, TAG_SIZE, decode_points, first_non_canonical

#: Largest list a parser accepts unless told otherwise (about 32 MiB of points).
DEFAULT_MAX_ITEMS = 1 << 20
INDEX_SIZE = 4


class RequestBody(TypedDict):
    version: int
    session: str
    points: str


class ResponseBody(TypedDict):
    version: int
    session: str
    points: str
    tags: str


class DisclosureBody(TypedDict):
    version: int
    session: str
    indices: str


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True)
class Request:
    """Step 1, asker → answerer: the asker's identifiers, hashed and blinded, ``k_A·H(a)``.

    >>> Request("s-1", b"").to_json()
    {'version': 2, 'session': 's-1', 'points': ''}
    """

    session: str
    points: bytes
    version: int = PROTOCOL_VERSION

    @property
    def count(self) -> int:
        return len(self.points) // POINT_SIZE

    def to_json(self) -> RequestBody:
        return {"version": self.version, "session": self.session, "points": _b64(self.points)}


@dataclass(frozen=True, slots=True)
class Response:
    """Step 2, answerer → asker: ``k_B·(k_A·H(a))`` in the request's order, and the tags
    of ``k_B·H(b)`` for the answerer's own identifiers, ascending.

    >>> Response("s-1", b"", b"").to_json()["tags"]
    ''
    """

    session: str
    points: bytes
    tags: bytes
    version: int = PROTOCOL_VERSION

    @property
    def count(self) -> int:
        return len(self.points) // POINT_SIZE

    @property
    def tag_count(self) -> int:
        return len(self.tags) // TAG_SIZE

    def to_json(self) -> ResponseBody:
        return {
            "version": self.version,
            "session": self.session,
            "points": _b64(self.points),
            "tags": _b64(self.tags),
        }


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Optional step 3, asker → answerer: which of the response's tags matched.

    >>> Disclosure("s-1", (0, 7)).to_json()["indices"]
    'AAAAAAAAAAc='
    """

    session: str
    indices: tuple[int, ...]
    version: int = PROTOCOL_VERSION

    def to_json(self) -> DisclosureBody:
        packed = struct.pack(f">{len(self.indices)}I", *self.indices)
        return {"version": self.version, "session": self.session, "indices": _b64(packed)}


def _header(body: object, fields: tuple[str, ...]) -> tuple[Mapping[str, object], str]:
    if not isinstance(body, Mapping) or set(body) != {"version", "session", *fields}:
        raise MalformedError(f"expected exactly the fields version, session, {', '.join(fields)}")
    version = body["version"]
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise UnsupportedVersionError(f"{version!r}, expected {PROTOCOL_VERSION}", field="version")
    session = body["session"]
    if not isinstance(session, str) or not SESSION_PATTERN.match(session):
        raise MalformedError("1-128 characters of [A-Za-z0-9_.:-]", field="session")
    return body, session


def _blob(body: Mapping[str, object], name: str, size: int, max_items: int) -> bytes:
    text = body[name]
    if not isinstance(text, str):
        raise MalformedError("expected a base64 string", field=name)
    # Refuse an oversized list before decoding it. With the length check below, this
    # bound is exact: 4·ceil(max·size/3) characters hold at most max whole entries.
    if len(text) > 4 * -(-max_items * size // 3):
        raise TooManyItemsError(f"more than {max_items} entries", field=name)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MalformedError(f"not base64 ({error})", field=name) from None
    if _b64(raw) != text:  # one encoding per value: no stray padding bits
        raise MalformedError("not canonical base64", field=name)
    if len(raw) % size:
        raise WrongLengthError(f"{len(raw)} bytes is not a multiple of {size}", field=name)
    return raw


def _check_points(raw: bytes, name: str) -> None:
    bad = first_non_canonical(decode_points(raw))
    if bad >= 0:
        raise BadPointError("non-canonical or low-order point", field=name, index=bad)


def _check_ascending(raw: bytes, size: int, name: str) -> None:
    entries = [raw[i : i + size] for i in range(0, len(raw), size)]
    for index in range(1, len(entries)):
        if entries[index - 1] >= entries[index]:
            what = "repeated" if entries[index - 1] == entries[index] else "out of order"
            raise DuplicateError(f"entry {index} {what}: must be strictly ascending", field=name)


def parse_request(body: object, *, max_items: int = DEFAULT_MAX_ITEMS) -> Request:
    """A :class:`Request` from its JSON body, or a :class:`MatchingError` naming the problem.

    >>> parse_request({"version": 2, "session": "s-1", "points": "AAAA"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hanoinet.core.matching.errors.WrongLengthError: wrong_length: points: 3 bytes is not ...
    """
    data, session = _header(body, ("points",))
    points = _blob(data, "points", POINT_SIZE, max_items)
    _check_points(points, "points")
    _check_ascending(points, POINT_SIZE, "points")
    return Request(session, points)


def parse_response(body: object, *, max_items: int = DEFAULT_MAX_ITEMS) -> Response:
    """A :class:`Response` from its JSON body; ``max_items`` bounds points and tags alike.

    >>> body = {"version": 1, "session": "s-1", "points": "", "tags": ""}
    >>> parse_response(body)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hanoinet.core.matching.errors.UnsupportedVersionError: unsupported_version: version: 1, ...
    """
    data, session = _header(body, ("points", "tags"))
    points = _blob(data, "points", POINT_SIZE, max_items)
    tags = _blob(data, "tags", TAG_SIZE, max_items)
    _check_points(points, "points")
    # The points follow the request's order, so duplicates are found with a set.
    count = len(points) // POINT_SIZE
    if len({points[i : i + POINT_SIZE] for i in range(0, len(points), POINT_SIZE)}) != count:
        raise DuplicateError("the same point twice", field="points")
    _check_ascending(tags, TAG_SIZE, "tags")
    return Response(session, points, tags)


def parse_disclosure(body: object, *, max_items: int = DEFAULT_MAX_ITEMS) -> Disclosure:
    """A :class:`Disclosure` from its JSON body; indices are strictly ascending.

    >>> parse_disclosure({"version": 2, "session": "s-1", "indices": "AAAAAAAAAAc="}).indices
    (0, 7)
    """
    data, session = _header(body, ("indices",))
    raw = _blob(data, "indices", INDEX_SIZE, max_items)
    _check_ascending(raw, INDEX_SIZE, "indices")  # big-endian: byte order is numeric order
    return Disclosure(session, struct.unpack(f">{len(raw) // INDEX_SIZE}I", raw))
