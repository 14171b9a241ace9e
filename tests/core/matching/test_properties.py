"""Laws of the protocol, over arbitrary sets of identifiers (Hypothesis)."""

from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanoinet.core.matching import (
    MatchingError,
    disclose,
    finish,
    learn,
    match_context,
    parse_request,
    parse_response,
    prepare,
    respond,
    start,
)

CONTEXT = match_context("VNM", "FRA", "property")
# A small universe, so that random sets often overlap.
IDENTIFIERS = st.sampled_from(
    [f"phone:+8491234567{i}" for i in range(10)]
    + ["wallet:ethereum:0xab", "email:a@b.vn", "ví:đồng", ""]
)
SETS = st.lists(IDENTIFIERS, max_size=12)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(ours=SETS, theirs=SETS)
def test_the_result_is_the_set_intersection(ours: list[str], theirs: list[str]) -> None:
    """Whatever the sets, duplicates and order: A and B get exactly A ∩ B, A gets |B|."""
    pending, request = start(CONTEXT, ours)
    prepared = prepare(CONTEXT, theirs)
    response = parse_response(respond(prepared, parse_request(request.to_json())).to_json())
    result = finish(pending, response)
    assert result.shared == set(ours) & set(theirs)
    assert result.peer_count == len(set(theirs))
    assert request.count == len(set(ours))
    assert learn(prepared, disclose(result), asked=request.count) == set(ours) & set(theirs)


@FAST
@given(ours=st.lists(IDENTIFIERS, min_size=1, max_size=6), data=st.data())
def test_any_one_byte_change_is_refused_or_matches_nothing(
    ours: list[str], data: st.DataObject
) -> None:
    """Tampering with a request point either fails validation or yields no false match."""
    pending, request = start(CONTEXT, ours)
    prepared = prepare(CONTEXT, ours)
    raw = bytearray(request.points)
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    body = {**request.to_json(), "points": base64.b64encode(bytes(raw)).decode()}
    try:
        tampered = parse_request(body)
        response = respond(prepared, tampered)
    except MatchingError:
        return
    shared = finish(pending, response).shared
    assert len(shared) == len(set(ours)) - 1  # only the altered identifier is lost
