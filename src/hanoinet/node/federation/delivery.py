"""Delivering the outbox: claim due messages, seal, post in batches, record receipts.

Safe with several workers on PostgreSQL and SQLite: a message is claimed by a
conditional UPDATE with a lease, and a worker keeps a thread's messages only when it
holds every earlier pending message of that thread, so order within a thread holds.
A worker killed mid-batch loses nothing: its lease lapses and the messages go again;
the receiver answers a duplicate with the receipt it already gave (no second effect).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from hanoinet.core.envelope import (
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    EnvelopeError,
    Header,
    Message,
    Receipt,
    Rejection,
    Sealed,
    negotiate,
    receipt_key_id,
    seal_with_digest,
    verify_receipt,
)
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.audit.record import event, record, record_many
from hanoinet.node.federation.backoff import peer_backoff, retry_delay
from hanoinet.node.federation.keyring import (
    Peer,
    PeerUnavailableError,
    own_signer,
    peer,
    receipt_verify_key,
)
from hanoinet.node.federation.models import OutboxMessage, PeerStatus
from hanoinet.node.federation.transport import BATCH_CONTENT_TYPE, TransportError, post

logger = logging.getLogger("hanoinet.federation")

# Sent for each message whose signed receipt was verified (argument: ``message``).
message_delivered = Signal()

PENDING = OutboxMessage.Status.PENDING
# Refusals that no retry can cure: the message goes to the dead letters at once.
FINAL_REJECTIONS = frozenset({"expired", "replayed", "too_large"})


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claimable(now: datetime) -> Q:
    return Q(status=PENDING) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


# What delivering a claimed message reads (and the handlers of ``message_delivered``):
# the other columns are only written, and reading them (seven times, each parsed) was a
# fifth of a sending worker's time.
SENT_FIELDS = (
    "message_id",
    "recipient_state",
    "sender_kid",
    "message_type",
    "thread_id",
    "in_reply_to",
    "body",
    "created_at",
    "expires_at",
    "status",
    "attempts",
    "claimed_by",
)


def claim(now: datetime, limit: int) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages, keeping each thread's order."""
    return _claim(now, limit)[0]


def _claim(now: datetime, limit: int) -> tuple[list[OutboxMessage], bool]:
    """The claimed messages, and whether any was due (another worker or lane may have
    claimed them between the look and the claim)."""
    resting = list(PeerStatus.objects.filter(backoff_until__gt=now).values_list("state", flat=True))
    candidates = list(
        OutboxMessage.objects.filter(_claimable(now), next_attempt_at__lte=now)
        .exclude(recipient_state__in=resting)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    if not candidates:
        return [], False
    token = f"{worker_name()}:{uuid.uuid4().hex[:8]}"
    # The lease outlives a batch (at most two HTTP timeouts); a worker killed mid-batch
    # leaves its messages claimed until the lease lapses, then they go again.
    lease = timedelta(seconds=settings.HANOINET_FEDERATION_LEASE_SECONDS)
    OutboxMessage.objects.filter(_claimable(now), id__in=candidates).update(
        claimed_by=token, claimed_until=now + lease
    )
    mine = list(
        OutboxMessage.objects.filter(claimed_by=token, status=PENDING)
        .only(*SENT_FIELDS)
        .order_by("id")
    )
    return _keep_thread_prefixes(mine), True


def _keep_thread_prefixes(mine: list[OutboxMessage]) -> list[OutboxMessage]:
    """Release any message whose thread has an earlier pending message this worker lacks."""
    if not mine:
        return []
    by_id = {row.id: row for row in mine}
    threads = {(row.recipient_state, row.thread_id) for row in mine}
    pending: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, state, thread in (
        OutboxMessage.objects.filter(status=PENDING, thread_id__in={t for _, t in threads})
        .order_by("id")
        .values_list("id", "recipient_state", "thread_id")
    ):
        if (state, thread) in threads:
            pending[(state, thread)].append(pk)
    keep: set[int] = set()
    for ids in pending.values():
        for pk in ids:
            if pk not in by_id:
                break
            keep.add(pk)
    released = [pk for pk in by_id if pk not in keep]
    if released:
        OutboxMessage.objects.filter(id__in=released, claimed_by=mine[0].claimed_by).update(
            claimed_by="", claimed_until=None
        )
    return [row for row in mine if row.id in keep]


def message_for(row: OutboxMessage, version: str) -> Message:
    header = Header(
        id=row.message_id,
        sender=settings.HANOINET_STATE,
        sender_kid=row.sender_kid,
        recipient=row.recipient_state,
        type=row.message_type,
        thread=row.thread_id,
        in_reply_to=row.in_reply_to or None,
        created_at=row.created_at,
        expires_at=row.expires_at,
        version=version,
    )
    return Message(header, row.body)


# How long one call of ``deliver_due`` keeps claiming while messages are due: the worker
# runs its other jobs (pings, paging escalations) between calls.
ROUND_SECONDS = 1.0
# A lane that finds due messages but claims none (another lane or worker took them
# between its look and its claim, or a thread waits for an earlier message) looks again
# this many times before it stops.
EMPTY_CLAIMS = 2


def deliver_due(now: datetime | None = None, *, limit: int | None = None) -> int:
    """Dead-letter expired messages, then deliver what is due. Returns the count.

    Each delivery lane claims a batch, delivers it and claims the next, until nothing is
    due or ``ROUND_SECONDS`` have passed; several lanes keep batches in flight: while one
    waits for the peer, another is sealed or its receipts recorded. With ``now`` given
    (tests, the command line's one round), each lane claims once, at that time.
    """
    handled = dead_letter_expired(now or timezone.now())
    size = limit or settings.HANOINET_FEDERATION_BATCH
    lanes = settings.HANOINET_FEDERATION_DELIVERY_THREADS
    deadline = time.monotonic() + ROUND_SECONDS
    if lanes == 1:
        return handled + _lane(size, now, deadline)
    # Each lane uses its own database connection, closed when it ends.
    with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="deliver") as pool:
        futures = [pool.submit(_in_lane, size, now, deadline) for _ in range(lanes)]
        return handled + sum(future.result() for future in futures)


def _lane(size: int, fixed_now: datetime | None, deadline: float) -> int:
    delivered, empty = 0, 0
    # Each peer's endpoint and keys, read from the register once per round.
    peers: dict[str, Peer | PeerUnavailableError] = {}
    while True:
        now = fixed_now or timezone.now()
        rows, any_due = _claim(now, size)
        if rows:
            empty = 0
            delivered += sum(
                _deliver_to(state, batch, now, peers) for state, batch in _chunks(rows, size)
            )
        elif not any_due or empty >= EMPTY_CLAIMS:
            return delivered
        else:
            empty += 1
        if fixed_now is not None or time.monotonic() >= deadline:
            return delivered


def _in_lane(size: int, fixed_now: datetime | None, deadline: float) -> int:
    try:
        return _lane(size, fixed_now, deadline)
    finally:
        connection.close()


def _chunks(rows: list[OutboxMessage], size: int) -> list[tuple[str, list[OutboxMessage]]]:
    """Batches per peer of about ``size`` messages; a thread's messages stay in one batch,
    in order, so that no batch can overtake another within a thread."""
    by_thread: dict[tuple[str, str], list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_thread[(row.recipient_state, row.thread_id)].append(row)
    chunks: list[tuple[str, list[OutboxMessage]]] = []
    open_chunk: dict[str, list[OutboxMessage]] = {}
    for (state, _thread), messages in by_thread.items():
        current = open_chunk.setdefault(state, [])
        if current and len(current) + len(messages) > size:
            chunks.append((state, current))
            current = open_chunk[state] = []
        current.extend(messages)
    chunks.extend((state, chunk) for state, chunk in open_chunk.items() if chunk)
    return chunks


def _deliver_to(
    state: str,
    batch: list[OutboxMessage],
    now: datetime,
    peers: dict[str, Peer | PeerUnavailableError],
) -> int:
    """Seal ``batch`` for ``state`` and post it; ``peers`` holds each peer's register
    entry (or why it has none) for the rest of the round."""
    if state not in peers:
        try:
            peers[state] = peer(state, now)
        except PeerUnavailableError as exc:
            peers[state] = exc
    target = peers[state]
    if isinstance(target, PeerUnavailableError):
        _retry(batch, now, str(target))
        return 0
    version = negotiate(SUPPORTED_VERSIONS, target.protocols or (PROTOCOL_VERSION,))
    if version is None:
        _retry(batch, now, f"{state} speaks none of {', '.join(SUPPORTED_VERSIONS)}")
        return 0
    signer = own_signer()
    sealed = []
    for row in batch:
        if row.sender_kid != signer.kid:
            row.sender_kid = signer.kid  # our key rotated since it was queued
            OutboxMessage.objects.filter(pk=row.pk).update(sender_kid=signer.kid)
        sealed.append(seal_with_digest(message_for(row, version), signer, target.encryption))
    delivered = 0
    for start, end in _posts(sealed):
        part = batch[start:end]
        outcomes = _post_batch(target, [envelope.token for envelope in sealed[start:end]], now)
        if isinstance(outcomes, str):
            # This part and every later one go again: a later part must not overtake it.
            _retry(batch[start:], now, outcomes)
            return delivered
        delivered += _record_outcomes(
            target, part, outcomes, [e.digest for e in sealed[start:end]], now
        )
    return delivered


# The number of envelopes a receiver takes in one request unless its operator changed it.
RECEIVER_MAX_BATCH = 200


def _posts(sealed: list[Sealed]) -> list[tuple[int, int]]:
    """Consecutive parts of a batch, each within what a receiver reads in one request
    (``HANOINET_FEDERATION_MAX_BYTES`` four times, as the inbox allows): a few large
    messages (hit/no-hit runs are up to a megabyte) would otherwise make a request the
    peer refuses whole, again at every retry. Nor more envelopes than a receiver takes by
    default (``HANOINET_FEDERATION_MAX_BATCH``), whatever the batch size set here."""
    limit = settings.HANOINET_FEDERATION_MAX_BYTES * 4
    parts: list[tuple[int, int]] = []
    start, size = 0, 0
    for index, envelope in enumerate(sealed):
        length = len(envelope.token) + 4  # the quotes and separator in the JSON
        if index > start and (size + length > limit or index - start >= RECEIVER_MAX_BATCH):
            parts.append((start, index))
            start, size = index, 0
        size += length
    parts.append((start, len(sealed)))
    return parts


def _post_batch(target: Peer, tokens: list[str], now: datetime) -> list[object] | str:
    """The peer's result for each envelope, or why there is none (recorded on the peer)."""
    body = json.dumps({"envelopes": tokens}).encode()
    try:
        answer = post(target.inbox_url, body, BATCH_CONTENT_TYPE)
        results = answer.json() if answer.status == 200 else None
        if not isinstance(results, dict) or not isinstance(results.get("results"), list):
            raise TransportError(f"{target.state}: HTTP {answer.status} {answer.body[:200]!r}")
        outcomes: list[object] = results["results"]
        if len(outcomes) != len(tokens):
            raise TransportError(
                f"{target.state}: {len(outcomes)} results for {len(tokens)} envelopes"
            )
    except (TransportError, ValueError) as exc:
        _peer_failed(target.state, now, str(exc))
        return str(exc)
    _peer_ok(target.state, now)
    return outcomes


def _check_receipt(target: Peer, row: OutboxMessage, receipt: str, digest: str) -> Receipt:
    """The peer's signed receipt for exactly this message and digest (or EnvelopeError)."""
    key = receipt_verify_key(target, receipt_key_id(receipt))
    if key is None:
        raise EnvelopeError(Rejection.UNKNOWN_SENDER, "receipt signed by a key not in the register")
    return verify_receipt(receipt, key, message_id=row.message_id, digest=digest)


def _record_outcomes(
    target: Peer,
    batch: list[OutboxMessage],
    outcomes: list[object],
    digests: list[str],
    now: datetime,
) -> int:
    """Store each receipt after checking it; retry or dead-letter what was not accepted.

    The receipts are verified before the transaction: on SQLite it holds the database's
    one write lock from its start, and the other lanes and workers would wait for the
    cryptography.
    """
    checked: list[Receipt | EnvelopeError | dict[str, object]] = []
    for row, outcome, digest in zip(batch, outcomes, digests, strict=True):
        result = outcome if isinstance(outcome, dict) else {}
        receipt = result.get("receipt")
        if not isinstance(receipt, str):
            checked.append(result)
            continue
        try:
            checked.append(_check_receipt(target, row, receipt, digest))
        except EnvelopeError as exc:
            checked.append(exc)
    arrived = timezone.now()
    actor = system_actor("federation delivery")
    done: list[OutboxMessage] = []
    events: list[AuditEvent] = []
    with transaction.atomic():
        for row, check in zip(batch, checked, strict=True):
            if isinstance(check, EnvelopeError):
                _retry([row], now, f"bad receipt: {check.detail}")
                continue
            if isinstance(check, Receipt):
                row.status = OutboxMessage.Status.DELIVERED
                row.delivered_at, row.receipt, row.digest = arrived, check.token, check.digest
                done.append(row)
                events.append(
                    event(
                        actor,
                        "federation.delivered",
                        object_type="federation.outboxmessage",
                        object_id=row.message_id,
                        extra={
                            "to": row.recipient_state,
                            "received_at": check.payload["received_at"],
                        },
                    )
                )
                continue
            problem = check.get("problem")
            problem = problem if isinstance(problem, dict) else {}
            code = str(problem.get("code", ""))
            detail = str(problem.get("detail", check.get("deferred", "no answer")))
            if code in FINAL_REJECTIONS:
                _dead([row], now, f"{code}: {detail}")
            else:
                _retry([row], now, f"{code or 'deferred'}: {detail}", penalise=bool(code))
        _mark_delivered(done)
        record_many(events)
        for row in done:  # e.g. a request's status becomes "delivered", in this transaction
            message_delivered.send(sender=OutboxMessage, message=row)
    return len(done)


def _mark_delivered(rows: list[OutboxMessage]) -> None:
    """One prepared UPDATE run for every row (executemany): Django's bulk_update builds a
    CASE expression per field and row, which cost more than the cryptography here."""
    if not rows:
        return
    table = OutboxMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET status = %s, delivered_at = %s, receipt = %s, digest = %s, "  # noqa: S608 - our table name
            "attempts = attempts + 1, claimed_by = '', claimed_until = NULL, last_error = '' "
            "WHERE id = %s",
            [
                (OutboxMessage.Status.DELIVERED, row.delivered_at, row.receipt, row.digest, row.pk)
                for row in rows
            ],
        )


def _retry(rows: list[OutboxMessage], now: datetime, error: str, *, penalise: bool = True) -> None:
    for row in rows:
        attempts = row.attempts + 1 if penalise else row.attempts
        OutboxMessage.objects.filter(pk=row.pk, status=PENDING).update(
            attempts=attempts,
            next_attempt_at=now + (retry_delay(attempts) if penalise else timedelta(0)),
            last_error=error[:500],
            claimed_by="",
            claimed_until=None,
        )


def _peer_failed(state: str, now: datetime, error: str) -> None:
    status, _ = PeerStatus.objects.get_or_create(state=state)
    status.consecutive_failures += 1
    status.last_failure_at = now
    status.backoff_until = now + peer_backoff(status.consecutive_failures)
    status.last_error = error[:500]
    status.save()
    logger.warning(
        "delivery to %s failed (%s); resting until %s", state, error, status.backoff_until
    )


def _peer_ok(state: str, now: datetime) -> None:
    updated = PeerStatus.objects.filter(state=state).update(
        consecutive_failures=0, backoff_until=None, last_success_at=now, last_error=""
    )
    if not updated:
        PeerStatus.objects.get_or_create(state=state, defaults={"last_success_at": now})


def _dead(rows: list[OutboxMessage], now: datetime, error: str) -> None:
    from hanoinet.node.federation.alerts import alert_dead_letters

    ids = [row.pk for row in rows]
    OutboxMessage.objects.filter(pk__in=ids, status=PENDING).update(
        status=OutboxMessage.Status.DEAD,
        dead_at=now,
        last_error=error[:500],
        claimed_by="",
        claimed_until=None,
    )
    actor = system_actor("federation delivery")
    for row in rows:
        record(
            actor,
            "federation.dead_letter",
            outcome=AuditEvent.Outcome.FAILED,
            reason=error[:500],
            object_type="federation.outboxmessage",
            object_id=row.message_id,
            extra={"to": row.recipient_state, "type": row.message_type},
        )
    transaction.on_commit(lambda: alert_dead_letters(rows, error))


def dead_letter_expired(now: datetime) -> int:
    """Messages older than their maximum age stop being retried; administrators are told."""
    rows = list(OutboxMessage.objects.filter(_claimable(now), expires_at__lte=now)[:500])
    if rows:
        with transaction.atomic():
            _dead(rows, now, "expired before delivery: the maximum age was reached")
    return len(rows)
