"""The JSON form of the messages: round trips, and every malformed input refused by name."""

from __future__ import annotations

import base64

import pytest

from hanoinet.core.matching import (
    BadPointError,
    Disclosure,
    DuplicateError,
    MalformedError,
    MatchContext,
    MatchingCode,
    MatchingError,
    Request,
    Response,
    TooManyItemsError,
    UnsupportedVersionError,
    WrongLengthError,
    parse_disclosure,
    parse_request,
    parse_response,
    prepare,
    respond,
    start,
)
from tests.core.matching.conftest import LOW_ORDER, NON_CANONICAL, TWIST, good_points


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_messages_round_trip(context: MatchContext) -> None:
    """parse(to_json(message)) gives the message back."""
    _, request = start(context, ["phone:+1", "phone:+2", "wallet:btc:1x"])
    response = respond(prepare(context, ["phone:+2", "email:x@y.z"]), request)
    disclosure = Disclosure(context.session, (0, 1, 70_000))
    assert parse_request(request.to_json()) == request
    assert parse_response(response.to_json()) == response
    assert parse_disclosure(disclosure.to_json()) == disclosure
    assert request.to_json()["points"] == b64(request.points)


def test_a_twist_point_passes_parsing_but_not_respond(context: MatchContext) -> None:
    """Curve membership is checked where the point is used (in the parallel step)."""
    parsed = parse_request({"version": 2, "session": "s", "points": b64(TWIST)})
    assert parsed.points == TWIST


REQUEST = {"version": 2, "session": "session-1", "points": ""}


@pytest.mark.parametrize(
    ("body", "error", "field"),
    [
        ([], MalformedError, None),
        ("points", MalformedError, None),
        ({**REQUEST, "extra": 1}, MalformedError, None),
        ({"version": 2, "session": "s"}, MalformedError, None),
        ({**REQUEST, "version": 1}, UnsupportedVersionError, "version"),
        ({**REQUEST, "version": "1"}, UnsupportedVersionError, "version"),
        ({**REQUEST, "version": True}, UnsupportedVersionError, "version"),
        ({**REQUEST, "session": ""}, MalformedError, "session"),
        ({**REQUEST, "session": 7}, MalformedError, "session"),
        ({**REQUEST, "session": "a b"}, MalformedError, "session"),
        ({**REQUEST, "points": None}, MalformedError, "points"),
        ({**REQUEST, "points": "!!!!"}, MalformedError, "points"),
        ({**REQUEST, "points": "AAA"}, MalformedError, "points"),
        ({**REQUEST, "points": "AB=="}, MalformedError, "points"),  # stray bits
        ({**REQUEST, "points": b64(bytes(31))}, WrongLengthError, "points"),
        ({**REQUEST, "points": b64(NON_CANONICAL)}, BadPointError, "points"),
        ({**REQUEST, "points": b64(LOW_ORDER)}, BadPointError, "points"),
        ({**REQUEST, "points": b64(bytes(32))}, BadPointError, "points"),
        ({**REQUEST, "points": b64((2**255 - 1).to_bytes(32, "little"))}, BadPointError, "points"),
    ],
)
def test_parse_request_refuses(body: object, error: type[MatchingError], field: str | None) -> None:
    """Each malformed request raises its own error class, naming the field."""
    with pytest.raises(error) as caught:
        parse_request(body)
    assert caught.value.field == field
    assert str(caught.value).startswith(str(caught.value.code))


def test_parse_request_refuses_duplicates_and_disorder(context: MatchContext) -> None:
    """Points must be strictly ascending: a repeated point or another order is refused."""
    low, high = good_points(context, 2)
    with pytest.raises(DuplicateError, match="repeated"):
        parse_request({**REQUEST, "points": b64(low + high + high)})
    with pytest.raises(DuplicateError, match="out of order"):
        parse_request({**REQUEST, "points": b64(high + low)})


def test_parse_request_bounds_the_count(context: MatchContext) -> None:
    """max_items is checked on the text, before decoding; exactly max_items is fine."""
    points = b"".join(good_points(context, 3))
    assert parse_request({**REQUEST, "points": b64(points)}, max_items=3).count == 3
    with pytest.raises(TooManyItemsError) as caught:
        parse_request({**REQUEST, "points": b64(points)}, max_items=2)
    assert caught.value.code is MatchingCode.TOO_MANY
    with pytest.raises(TooManyItemsError):
        parse_request({**REQUEST, "points": "A" * 10_000_000}, max_items=1)


@pytest.mark.parametrize(
    ("changed", "error"),
    [
        ({}, None),
        ({"points": "low+low"}, DuplicateError),
        ({"points": "low+LOW_ORDER"}, BadPointError),
        ({"tags": b64(bytes(15))}, WrongLengthError),
        ({"tags": b64(b"b" * 16 + b"a" * 16)}, DuplicateError),
        ({"tags": b64(b"a" * 32)}, DuplicateError),
        ({"tags": b64(b"a" * 16 + b"b" * 16 + b"c" * 16)}, None),
        ({"tags": b64(bytes(16 * 4))}, TooManyItemsError),
    ],
)
def test_parse_response_refuses(
    context: MatchContext, changed: dict[str, str], error: type[MatchingError] | None
) -> None:
    """A response's points may be in any order but not repeated; tags must ascend."""
    low, high = good_points(context, 2)
    named = {"low+low": b64(low + low), "low+LOW_ORDER": b64(low + LOW_ORDER)}
    body = {"version": 2, "session": "s", "points": b64(high + low), "tags": ""}
    body |= {name: named.get(value, value) for name, value in changed.items()}
    if error is None:
        assert parse_response(body, max_items=3).count == 2
    else:
        with pytest.raises(error):
            parse_response(body, max_items=3)


def test_parse_disclosure_refuses() -> None:
    """Indices are whole uint32s, strictly ascending."""
    body = {"version": 2, "session": "s", "indices": b64(bytes([0, 0, 0, 2, 0, 0, 0, 5]))}
    assert parse_disclosure(body).indices == (2, 5)
    with pytest.raises(WrongLengthError):
        parse_disclosure({**body, "indices": b64(bytes(5))})
    with pytest.raises(DuplicateError):
        parse_disclosure({**body, "indices": b64(bytes([0, 0, 0, 5, 0, 0, 0, 2]))})
    with pytest.raises(MalformedError):
        parse_disclosure({**body, "tags": ""})


def test_every_error_is_a_core_error_with_a_stable_code() -> None:
    """Callers can catch MatchingError (or CoreError, or ValueError) and show the code."""
    from hanoinet.core.errors import CoreError

    with pytest.raises(CoreError) as caught:
        parse_request({"version": 2, "session": "s", "points": b64(bytes(3))})
    assert isinstance(caught.value, MatchingError)
    assert caught.value.code == "wrong_length"
    assert caught.value.detail == "3 bytes is not a multiple of 32"


def test_request_and_response_count_their_entries() -> None:
    """count and tag_count are derived from the blob lengths."""
    assert Request("s", bytes(64)).count == 2
    assert Response("s", bytes(32), bytes(48)).tag_count == 3
