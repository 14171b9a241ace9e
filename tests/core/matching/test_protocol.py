"""A run of the protocol finds exactly the shared identifiers, and refuses replies that
do not belong to it."""

from __future__ import annotations

import dataclasses

import pytest

from hanoinet.core.matching import (
    BadPointError,
    BlindingKey,
    Disclosure,
    DuplicateError,
    MatchContext,
    MatchingCode,
    MismatchError,
    Request,
    UnsupportedVersionError,
    WrongLengthError,
    WrongSessionError,
    disclose,
    filter_kinds,
    finish,
    kind_of,
    learn,
    match_context,
    parse_disclosure,
    parse_request,
    parse_response,
    prepare,
    respond,
    start,
)
from tests.core.matching.conftest import TWIST, good_points


def run(
    context: MatchContext, ours: list[str], theirs: list[str]
) -> tuple[frozenset[str], frozenset[str], int]:
    """A whole run through the JSON wire form: what A learns, what B learns, |B|."""
    pending, request = start(context, ours)
    prepared = prepare(context, theirs)
    asked = parse_request(request.to_json())
    response = parse_response(respond(prepared, asked).to_json())
    result = finish(pending, response)
    disclosure = parse_disclosure(disclose(result).to_json())
    return result.shared, learn(prepared, disclosure, asked=asked.count), result.peer_count


@pytest.mark.parametrize(
    ("ours", "theirs", "shared"),
    [
        ([], [], set()),
        (["phone:+84912345678"], [], set()),
        ([], ["phone:+84912345678"], set()),
        (["phone:+84912345678"], ["phone:+84912345678"], {"phone:+84912345678"}),
        (["phone:+84912345678"], ["phone:+84912345679"], set()),
        (
            ["phone:+84912345678", "wallet:ethereum:0xab", "email:a@b.vn"],
            ["email:a@b.vn", "phone:+84912345678", "phone:+33612345678"],
            {"phone:+84912345678", "email:a@b.vn"},
        ),
        # Duplicates count once, on either side.
        (["phone:+1", "phone:+1", "phone:+2"], ["phone:+1", "phone:+1"], {"phone:+1"}),
        # Identifiers are compared byte for byte: normalising is the caller's job.
        (["phone:+84 912"], ["phone:+84912"], set()),
        (["Ví:đ"], ["Ví:đ"], {"Ví:đ"}),
    ],
)
def test_it_finds_exactly_the_intersection(
    context: MatchContext, ours: list[str], theirs: list[str], shared: set[str]
) -> None:
    """Both sides end up with exactly the shared identifiers; A also learns |B|."""
    found_by_a, found_by_b, peer_count = run(context, ours, theirs)
    assert found_by_a == shared
    assert found_by_b == shared
    assert peer_count == len(set(theirs))


def test_the_order_of_identifiers_does_not_matter(context: MatchContext) -> None:
    """Reversing either input changes neither the messages' content nor the result."""
    ours = [f"phone:+8491234{i:04d}" for i in range(50)]
    theirs = [f"phone:+8491234{i:04d}" for i in range(25, 90)]
    key = BlindingKey.generate()
    _, forward = start(context, ours, key=key)
    _, backward = start(context, list(reversed(ours)), key=key)
    assert forward == backward  # sorted by blinded value, not by input order
    assert run(context, list(reversed(ours)), theirs)[0] == set(ours[25:])


def test_a_single_query_is_a_run_with_one_identifier(context: MatchContext) -> None:
    """The asker sends one point; the answerer's prepared set answers it."""
    prepared = prepare(context, [f"wallet:ethereum:0x{i:040x}" for i in range(300)])
    for wallet, hit in (("wallet:ethereum:0x" + f"{7:040x}", True), ("wallet:btc:1xyz", False)):
        pending, request = start(context, [wallet])
        assert request.count == 1
        result = finish(pending, respond(prepared, request))
        assert result.shared == ({wallet} if hit else set())
        assert result.peer_count == 300


def test_a_prepared_set_with_an_epoch_key_answers_many_queries() -> None:
    """Scheduled mode: one derived key and one prepared set per peer and epoch."""
    context = match_context("VNM", "FRA", "epoch:2026-W14")
    key = BlindingKey.derive(b"node secret, 32 bytes long......", "peer:FRA epoch:2026-W14")
    prepared = prepare(context, ["phone:+1", "phone:+2"], key=key)
    again = prepare(context, ["phone:+2", "phone:+1"], key=key)
    assert again == prepared  # deterministic: can be rebuilt instead of stored
    for asked, hit in (("phone:+1", True), ("phone:+3", False), ("phone:+2", True)):
        pending, request = start(context, [asked])
        assert bool(finish(pending, respond(prepared, request)).shared) is hit


def test_both_sides_must_use_the_same_context() -> None:
    """Another session hashes differently: the reply is refused, not silently empty."""
    ours = match_context("VNM", "FRA", "session-1")
    theirs = match_context("VNM", "FRA", "session-2")
    pending, request = start(ours, ["phone:+1"])
    with pytest.raises(WrongSessionError) as caught:
        respond(prepare(theirs, ["phone:+1"]), request)
    assert caught.value.code is MatchingCode.WRONG_SESSION
    response = respond(
        prepare(theirs, ["phone:+1"]), dataclasses.replace(request, session="session-2")
    )
    with pytest.raises(WrongSessionError):
        finish(pending, response)


def test_another_version_is_refused(context: MatchContext) -> None:
    """A message of another protocol version is not processed."""
    pending, request = start(context, ["phone:+1"])
    prepared = prepare(context, ["phone:+1"])
    with pytest.raises(UnsupportedVersionError):
        respond(prepared, dataclasses.replace(request, version=1))
    response = respond(prepared, request)
    with pytest.raises(UnsupportedVersionError):
        finish(pending, dataclasses.replace(response, version=1))
    with pytest.raises(UnsupportedVersionError):
        learn(prepared, Disclosure(context.session, (), version=1), asked=1)


def test_respond_refuses_points_off_the_curve(context: MatchContext) -> None:
    """A twist point, a truncated list or a low-order point never meets the key."""
    prepared = prepare(context, ["phone:+1"])
    points = good_points(context, 3)
    with pytest.raises(BadPointError) as caught:
        respond(prepared, Request(context.session, points[0] + TWIST + points[1]))
    assert caught.value.index == 1
    assert caught.value.field == "points"
    with pytest.raises(BadPointError) as caught:
        respond(prepared, Request(context.session, bytes(32)))
    assert caught.value.index == 0
    with pytest.raises(WrongLengthError):
        respond(prepared, Request(context.session, points[0][:31]))


def test_finish_refuses_a_reply_that_does_not_answer(context: MatchContext) -> None:
    """Wrong counts, lengths or points in the response are refused by name."""
    pending, request = start(context, ["phone:+1", "phone:+2"])
    response = respond(prepare(context, ["phone:+1"]), request)
    with pytest.raises(MismatchError):
        finish(pending, dataclasses.replace(response, points=response.points[:32]))
    with pytest.raises(WrongLengthError) as short:
        finish(pending, dataclasses.replace(response, points=response.points[:40]))
    assert short.value.field == "points"
    with pytest.raises(WrongLengthError) as long:
        finish(pending, dataclasses.replace(response, tags=response.tags + b"x"))
    assert long.value.field == "tags"
    with pytest.raises(BadPointError) as bad:
        finish(pending, dataclasses.replace(response, points=response.points[:32] + bytes(32)))
    assert bad.value.index == 1


def test_a_twist_point_in_the_reply_is_no_hit(context: MatchContext) -> None:
    """The asker does not check the curve (its key is fresh, its products stay local):
    a point on the twist answers "not shared", and the other items are unaffected."""
    pending, request = start(context, ["phone:+1", "phone:+2"])
    response = respond(prepare(context, ["phone:+1", "phone:+2"]), request)
    assert finish(pending, response).shared == {"phone:+1", "phone:+2"}
    for position in (0, 1):
        points = bytearray(response.points)
        points[position * 32 : (position + 1) * 32] = TWIST
        result = finish(pending, dataclasses.replace(response, points=bytes(points)))
        assert result.shared == {pending.items[1 - position]}


def test_learn_refuses_a_disclosure_that_cannot_be_true(context: MatchContext) -> None:
    """More matches than asked, indices out of range or order are refused."""
    prepared = prepare(context, ["phone:+1", "phone:+2", "phone:+3"])
    assert learn(prepared, Disclosure(context.session, ()), asked=0) == frozenset()
    with pytest.raises(MismatchError):
        learn(prepared, Disclosure(context.session, (0, 1)), asked=1)
    with pytest.raises(MismatchError):
        learn(prepared, Disclosure(context.session, (3,)), asked=5)
    with pytest.raises(MismatchError):
        learn(prepared, Disclosure(context.session, (-1,)), asked=5)
    with pytest.raises(DuplicateError):
        learn(prepared, Disclosure(context.session, (1, 0)), asked=5)
    with pytest.raises(DuplicateError):
        learn(prepared, Disclosure(context.session, (1, 1)), asked=5)
    with pytest.raises(WrongSessionError):
        learn(prepared, Disclosure("other", (0,)), asked=5)


def test_the_policy_keeps_only_shared_kinds() -> None:
    """Only identifiers of an allowed kind are kept; one without a kind never is."""
    held = ["phone:+1", "wallet:btc:1x", "email:a@b.vn", "nokind", ":empty-kind", "phone:+1"]
    assert filter_kinds(held, {"phone", "wallet"}) == {"phone:+1", "wallet:btc:1x"}
    assert filter_kinds(held, set()) == frozenset()
    assert filter_kinds(held, {""}) == frozenset()
    assert kind_of("wallet:ethereum:0xab") == "wallet"


def test_keys_never_show_in_reprs(context: MatchContext) -> None:
    """Pending and prepared state print without their secret scalars."""
    key = BlindingKey.generate()
    pending, _ = start(context, ["phone:+1"], key=key)
    prepared = prepare(context, ["phone:+1"], key=key)
    for text in (repr(key), repr(pending), repr(prepared)):
        assert str(key.scalar) not in text
        assert str(key.inverse) not in text
        assert key.to_bytes().hex() not in text
