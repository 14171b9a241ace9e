"""The steps of a run, each a function from dataclasses to dataclasses.

Asker A (items ``a``, key ``k_A``) and answerer B (items ``b``, key ``k_B``)::

    A  start    → Request     k_A·H(a_i), ascending                      (A keeps Pending)
    B  prepare  → PreparedSet tags of k_B·H(b_j), ascending    (cacheable per peer+epoch)
    B  respond  → Response    k_B·(k_A·H(a_i)) in A's order + B's tags
    A  finish   → MatchResult A unblinds with k_A⁻¹: k_B·H(a_i); its tag is in B's tags
                              exactly when a_i is one of B's identifiers
    A  disclose → Disclosure  optional: positions of the matching tags, so B learns too
    B  learn    → B's identifiers that A reported as shared

A single query is a run with one identifier on A's side. ``workers`` is the number of
processes (``None``: every core for lists of :data:`PARALLEL_MIN_ITEMS` or more).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hanoinet.core.matching.context import BlindingKey, MatchContext
from hanoinet.core.matching.errors import (
    BadPointError,
    DuplicateError,
    MismatchError,
    UnsupportedVersionError,
    WrongLengthError,
    WrongSessionError,
)
from hanoinet.core.matching.group import POINT_SIZE, TAG_SIZE, hash_to_group
from hanoinet.core.matching.messages import Disclosure, Request, Response
from hanoinet.core.matching.parallel import (
    check_and_blind,
    hash_and_blind,
    run,
    spans,
    worker_count,
)

__all__ = [
    "MatchResult",
    "Pending",
    "PreparedSet",
    "disclose",
    "finish",
    "hash_identifiers",
    "learn",
    "prepare",
    "respond",
    "start",
]


@dataclass(frozen=True, slots=True)
class Pending:
    """What the asker keeps, locally, between :func:`start` and :func:`finish`.

    ``items`` are in the order of the request's points. Holds the key: store it as a
    secret (``key.to_bytes()``), and drop it once the run is finished.
    """

    context: MatchContext
    key: BlindingKey = field(repr=False)
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PreparedSet:
    """The answerer's identifiers, blinded once: reusable for every request in its context.

    ``items`` are in the order of ``tags`` (ascending). Holds the key: keep it local.
    """

    context: MatchContext
    key: BlindingKey = field(repr=False)
    items: tuple[str, ...]
    tags: bytes

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What the asker learnt: its own identifiers the peer holds too, and the peer's
    set size. ``peer_indices`` are the matching positions in the peer's tags, for
    :func:`disclose`.
    """

    session: str
    shared: frozenset[str]
    peer_count: int
    peer_indices: tuple[int, ...]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _blind_own(
    context: MatchContext, key: BlindingKey, items: list[str], workers: int | None
) -> bytes:
    processes = worker_count(len(items), workers)
    encoded = [item.encode() for item in items]
    tasks = [(context.hash_key, key.scalar, encoded[a:b]) for a, b in spans(len(items), processes)]
    return b"".join(run(hash_and_blind, tasks, processes))


def _blind_received(
    scalar: int, blob: bytes, tag_size: int, curve_only: bool, workers: int | None
) -> bytes:
    count = len(blob) // POINT_SIZE
    processes = worker_count(count, workers)
    chunks = spans(count, processes)
    tasks = [
        (scalar, blob[a * POINT_SIZE : b * POINT_SIZE], tag_size, curve_only) for a, b in chunks
    ]
    outs: list[bytes] = []
    for (first, _), (out, (bad, reason)) in zip(
        chunks, run(check_and_blind, tasks, processes), strict=True
    ):
        if bad >= 0:
            raise BadPointError(reason, field="points", index=first + bad)
        outs.append(out)
    return b"".join(outs)


def _check_session(context: MatchContext, session: str, version: int) -> None:
    if version != context.version:
        raise UnsupportedVersionError(f"{version}, expected {context.version}", field="version")
    if session != context.session:
        raise WrongSessionError(f"{session!r}, expected {context.session!r}", field="session")


def hash_identifiers(context: MatchContext, items: Iterable[str]) -> list[bytes]:
    """``H(x)`` for each identifier: the public, *unblinded* hash — what anyone holding a
    dictionary can compute, and therefore never sent.

    >>> from hanoinet.core.matching.context import match_context
    >>> context = match_context("FRA", "VNM", "s")
    >>> [point.hex()[:8] for point in hash_identifiers(context, ["phone:+33"])]
    ['1ac18145']
    """
    us = hash_to_group(context.hash_key, [item.encode() for item in items])
    return [u.to_bytes(POINT_SIZE, "little") for u in us]


def start(
    context: MatchContext,
    items: Iterable[str],
    *,
    key: BlindingKey | None = None,
    workers: int | None = None,
) -> tuple[Pending, Request]:
    """Step 1 (asker): blind our identifiers; send the request, keep the pending state.

    Duplicates count once. ``key`` is random unless given.

    >>> from hanoinet.core.matching.context import match_context
    >>> pending, request = start(match_context("FRA", "VNM", "s-1"), ["phone:+84", "phone:+84"])
    >>> request.count, pending.items
    (1, ('phone:+84',))
    """
    key = key or BlindingKey.generate()
    unique = _unique(items)
    blob = _blind_own(context, key, unique, workers)
    points = [blob[i : i + POINT_SIZE] for i in range(0, len(blob), POINT_SIZE)]
    # Ascending order of the blinded points: a random-looking order that depends on
    # nothing but what the peer sees anyway, so it hides the order of our identifiers.
    order = sorted(range(len(points)), key=points.__getitem__)
    pending = Pending(context, key, tuple(unique[i] for i in order))
    return pending, Request(context.session, b"".join(points[i] for i in order))


def prepare(
    context: MatchContext,
    items: Iterable[str],
    *,
    key: BlindingKey | None = None,
    workers: int | None = None,
) -> PreparedSet:
    """Step 2a (answerer): blind our own identifiers once and keep their tags.

    With a random key (the default) it serves one run. With a key kept per peer and
    epoch (:meth:`BlindingKey.derive`) and an epoch label as session, one prepared set
    answers every request of that peer in the epoch, at the cost of one exponentiation
    per asked item instead of one per own item.

    >>> from hanoinet.core.matching.context import match_context
    >>> prepare(match_context("FRA", "VNM", "s-1"), ["wallet:btc:1x", "phone:+84"]).count
    2
    """
    key = key or BlindingKey.generate()
    unique = _unique(items)
    blob = _blind_own(context, key, unique, workers)
    tags = [blob[i : i + TAG_SIZE] for i in range(0, len(blob), POINT_SIZE)]
    order = sorted(range(len(tags)), key=tags.__getitem__)
    return PreparedSet(
        context, key, tuple(unique[i] for i in order), b"".join(tags[i] for i in order)
    )


def respond(prepared: PreparedSet, request: Request, *, workers: int | None = None) -> Response:
    """Step 2b (answerer): blind the asker's points again, in its order, and add our tags.

    Refuses a point off the curve (:class:`BadPointError`) before any key touches it.

    >>> from hanoinet.core.matching.context import match_context
    >>> context = match_context("FRA", "VNM", "s-1")
    >>> _, request = start(context, ["phone:+84"])
    >>> response = respond(prepare(context, ["phone:+84", "phone:+33"]), request)
    >>> response.count, response.tag_count
    (1, 2)
    """
    _check_session(prepared.context, request.session, request.version)
    if len(request.points) % POINT_SIZE:
        raise WrongLengthError(f"not a multiple of {POINT_SIZE} bytes", field="points")
    # The answerer's key may serve a whole epoch and its results go back to the asker:
    # only points of the curve itself meet it.
    points = _blind_received(prepared.key.scalar, request.points, 0, True, workers)
    return Response(prepared.context.session, points, prepared.tags)


def finish(pending: Pending, response: Response, *, workers: int | None = None) -> MatchResult:
    """Step 3 (asker): unblind ``k_B·k_A·H(a)`` to ``k_B·H(a)`` and look its tag up.

    >>> from hanoinet.core.matching.context import match_context
    >>> context = match_context("FRA", "VNM", "s-1")
    >>> pending, request = start(context, ["phone:+84", "phone:+1"])
    >>> result = finish(pending, respond(prepare(context, ["phone:+84", "phone:+33"]), request))
    >>> sorted(result.shared), result.peer_count
    (['phone:+84'], 2)
    """
    _check_session(pending.context, response.session, response.version)
    if len(response.points) % POINT_SIZE:
        raise WrongLengthError(f"not a multiple of {POINT_SIZE} bytes", field="points")
    if len(response.tags) % TAG_SIZE:
        raise WrongLengthError(f"not a multiple of {TAG_SIZE} bytes", field="tags")
    if response.count != len(pending.items):
        raise MismatchError(
            f"{response.count} points answer {len(pending.items)} asked", field="points"
        )
    # No curve check here (a third of this step's cost): the asker's key is fresh, and
    # its products are only looked up among the answerer's tags, never sent. A point on
    # the twist stays on the twist, where no tag of a curve point can match: at worst a
    # dishonest answerer hides a hit, which it can do with any wrong point anyway.
    mine = _blind_received(pending.key.inverse, response.points, TAG_SIZE, False, workers)
    theirs = {
        response.tags[j : j + TAG_SIZE]: j // TAG_SIZE
        for j in range(0, len(response.tags), TAG_SIZE)
    }
    shared: list[str] = []
    peer: list[int] = []
    for i, item in enumerate(pending.items):
        j = theirs.get(mine[i * TAG_SIZE : (i + 1) * TAG_SIZE])
        if j is not None:
            shared.append(item)
            peer.append(j)
    return MatchResult(
        pending.context.session, frozenset(shared), response.tag_count, tuple(sorted(peer))
    )


def disclose(result: MatchResult) -> Disclosure:
    """Optional step 4 (asker): tell the answerer which of its tags matched.

    >>> disclose(MatchResult("s-1", frozenset({"phone:+84"}), 2, (1,))).indices
    (1,)
    """
    return Disclosure(result.session, result.peer_indices)


def learn(prepared: PreparedSet, disclosure: Disclosure, *, asked: int) -> frozenset[str]:
    """Step 5 (answerer): our identifiers the asker reported as shared.

    ``asked`` is the request's count: a disclosure cannot report more matches. The
    answerer cannot check the asker's honesty beyond that (see docs/matching.md).

    >>> from hanoinet.core.matching.context import match_context
    >>> prepared = prepare(match_context("FRA", "VNM", "s-1"), ["phone:+84"])
    >>> learn(prepared, Disclosure("s-1", (0,)), asked=1)
    frozenset({'phone:+84'})
    """
    _check_session(prepared.context, disclosure.session, disclosure.version)
    indices = disclosure.indices
    if len(indices) > asked:
        raise MismatchError(f"{len(indices)} matches for {asked} asked", field="indices")
    if list(indices) != sorted(set(indices)):
        raise DuplicateError("must be strictly ascending", field="indices")
    if indices and not 0 <= indices[0] <= indices[-1] < prepared.count:
        raise MismatchError(f"beyond our {prepared.count} tags", field="indices")
    return frozenset(prepared.items[i] for i in indices)
