"""Several processes give the same result as one, and errors keep their global index."""

from __future__ import annotations

import dataclasses

import pytest

from hanoinet.core.errors import CoreError
from hanoinet.core.matching import (
    PARALLEL_MIN_ITEMS,
    BadPointError,
    BlindingKey,
    MatchContext,
    Request,
    finish,
    prepare,
    respond,
    start,
)
from hanoinet.core.matching.parallel import spans, worker_count
from tests.core.matching.conftest import TWIST

# Enough for 2 chunks of at least 512 items, so that a pool really starts.
SIZE = 1200


@pytest.mark.slow
def test_two_processes_give_the_same_messages_as_one(context: MatchContext) -> None:
    """Chunks are cut and joined back in order: messages are byte-identical."""
    ours = [f"phone:+849{i:08d}" for i in range(SIZE)]
    theirs = [f"phone:+849{i:08d}" for i in range(SIZE // 2, SIZE + 100)]
    a, b = BlindingKey.generate(), BlindingKey.generate()
    single = start(context, ours, key=a, workers=1)
    double = start(context, ours, key=a, workers=2)
    assert single == double
    prepared = prepare(context, theirs, key=b, workers=2)
    assert prepared == prepare(context, theirs, key=b, workers=1)
    pending, request = double
    response = respond(prepared, request, workers=2)
    assert response == respond(prepared, request, workers=1)
    result = finish(pending, response, workers=2)
    assert result == finish(pending, response, workers=1)
    assert result.shared == set(ours[SIZE // 2 :])


@pytest.mark.slow
def test_a_bad_point_in_a_later_chunk_is_named_by_its_global_index(
    context: MatchContext,
) -> None:
    """The index in the error is the position in the whole list, not in the chunk."""
    _, request = start(context, [f"phone:+849{i:08d}" for i in range(SIZE)], workers=1)
    at = SIZE - 7
    points = request.points[: at * 32] + TWIST + request.points[(at + 1) * 32 :]
    prepared = prepare(context, ["phone:+1"])
    with pytest.raises(BadPointError) as caught:
        respond(prepared, dataclasses.replace(request, points=points), workers=2)
    assert caught.value.index == at
    with pytest.raises(BadPointError) as caught:
        respond(prepared, Request(context.session, request.points[:32] + TWIST), workers=2)
    assert caught.value.index == 1  # one chunk only: runs in this process


def test_worker_count() -> None:
    """All cores for large lists by default, one for small ones; at least one."""
    assert worker_count(PARALLEL_MIN_ITEMS - 1, None) == 1
    assert worker_count(PARALLEL_MIN_ITEMS, None) >= 1
    assert worker_count(5, 4) == 4
    with pytest.raises(CoreError):
        worker_count(5, 0)


@pytest.mark.parametrize(("count", "workers"), [(0, 1), (0, 2), (1, 2), (511, 3), (10_000, 2)])
def test_spans_cover_the_range_in_order(count: int, workers: int) -> None:
    """Chunks are contiguous, in order, non-empty, and cover everything once."""
    chunks = spans(count, workers)
    assert [i for a, b in chunks for i in range(a, b)] == list(range(count))
    assert all(b > a for a, b in chunks)
