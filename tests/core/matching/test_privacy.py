"""What an eavesdropper or a curious peer holding every message can, and cannot, learn.

The attacker below knows the protocol, the context (States, session), every message of
a run, and a full dictionary of the candidate identifiers — every phone number of a
numbering block — but not the blinding keys.
"""

from __future__ import annotations

from hanoinet.core.matching import (
    BlindingKey,
    MatchContext,
    finish,
    hash_identifiers,
    match_context,
    prepare,
    respond,
    start,
)
from hanoinet.core.matching.group import POINT_SIZE, TAG_SIZE, exponentiate

# A numbering block of 10,000 mobile numbers: the whole search space of the attack.
BLOCK = [f"phone:+8491234{i:04d}" for i in range(10_000)]


def entries(blob: bytes, size: int) -> set[bytes]:
    return {blob[i : i + size] for i in range(0, len(blob), size)}


def test_a_dictionary_attack_on_the_messages_finds_nothing(context: MatchContext) -> None:
    """No message entry equals the public hash of any candidate, whole or as a tag."""
    ours = BLOCK[100:150]  # A's 50 numbers, among the attacker's candidates
    theirs = [*BLOCK[140:170], "phone:+33612345678"]
    pending, request = start(context, ours)
    response = respond(prepare(context, theirs), request)
    assert finish(pending, response).shared == set(BLOCK[140:150])  # the run works

    dictionary = hash_identifiers(context, BLOCK)
    public_points = set(dictionary)
    public_tags = {point[:TAG_SIZE] for point in dictionary}
    seen_points = entries(request.points, POINT_SIZE) | entries(response.points, POINT_SIZE)
    seen_tags = entries(response.tags, TAG_SIZE) | {p[:TAG_SIZE] for p in seen_points}
    assert not seen_points & public_points
    assert not seen_tags & public_tags


def test_an_attacker_with_its_own_key_cannot_match_either(context: MatchContext) -> None:
    """Blinding the dictionary with another key gives points unrelated to the run's."""
    pending, request = start(context, BLOCK[:20])
    response = respond(prepare(context, BLOCK[10:30]), request)
    mallory = BlindingKey.generate()
    guessed = exponentiate(
        mallory.scalar, [int.from_bytes(p, "little") for p in hash_identifiers(context, BLOCK)]
    )
    guessed_points = entries(guessed, POINT_SIZE)
    guessed_tags = {p[:TAG_SIZE] for p in guessed_points}
    assert not guessed_points & entries(request.points, POINT_SIZE)
    assert not guessed_points & entries(response.points, POINT_SIZE)
    assert not guessed_tags & entries(response.tags, TAG_SIZE)
    assert len(finish(pending, response).shared) == 10


def test_the_same_identifier_is_unlinkable_across_runs(context: MatchContext) -> None:
    """Fresh keys (and another session) give unrelated points for the same identifier."""
    _, first = start(context, ["phone:+84912345678"])
    _, second = start(context, ["phone:+84912345678"])
    _, other_session = start(match_context("VNM", "FRA", "session-2"), ["phone:+84912345678"])
    assert len({first.points, second.points, other_session.points}) == 3
    # Even the public hashes differ by context: no table can be precomputed for all runs.
    here = hash_identifiers(context, ["phone:+84912345678"])
    elsewhere = hash_identifiers(match_context("VNM", "DEU", "session-1"), ["phone:+84912345678"])
    assert here != elsewhere


def test_the_answerer_learns_only_the_size_of_a_single_query(context: MatchContext) -> None:
    """Two different single queries look alike to the answerer: one random point each."""
    _, hit = start(context, ["phone:+84912345678"])
    _, miss = start(context, ["phone:+10000000000"])
    assert hit.count == miss.count == 1
    assert hit.points not in hash_identifiers(context, ["phone:+84912345678"])
