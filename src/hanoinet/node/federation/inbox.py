"""Receiving envelopes: open, refuse with a stable code, or store once and sign a receipt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hanoinet.core.envelope import (
    EnvelopeError,
    Opened,
    Rejection,
    open_envelope,
    outer_thread,
    sign_receipt,
)
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.audit.record import event, record_many
from hanoinet.node.federation.handlers import dispatch, has_handler
from hanoinet.node.federation.keyring import own_decryption_keys, own_signer, peer_verify_key
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.rows import insert_rows, new_row

logger = logging.getLogger("hanoinet.federation")

PING_TYPE = "federation.ping"


@dataclass(frozen=True, slots=True)
class Accepted:
    message_id: str
    digest: str
    receipt: str
    duplicate: bool


def receive_batch(tokens: list[str], actor: Actor) -> list[Accepted | EnvelopeError | None]:
    """Receive several envelopes, storing them in one database transaction.

    ``None`` in the result: deferred, because an earlier message of the same thread was
    refused in this batch and taking this one would put it ahead. The envelopes are opened
    and their receipts signed before the transaction: on SQLite a transaction holds the
    database's one write lock from its start (BEGIN IMMEDIATE), and the cryptography inside
    it kept every other inbox process and the worker waiting. Duplicates and replays are
    checked inside it. The messages are stored with one INSERT; if a copy of one of them
    was stored concurrently (another batch, the sender retrying), the batch is taken again
    one message at a time.
    """
    batch = _open_all(tokens, actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                return _receive_in_bulk(batch, actor)
        except IntegrityError:
            pass
        return _receive_one_by_one(tokens, actor)


@dataclass
class _OpenedBatch:
    """A batch after its cryptography: what each envelope is, before the database."""

    results: list[Accepted | EnvelopeError | None]
    refused: set[str | None] = field(default_factory=set)
    events: list[AuditEvent] = field(default_factory=list)
    # (position, the opened envelope, its thread in clear, the row to store with its receipt)
    opened: list[tuple[int, Opened, str | None, InboxMessage]] = field(default_factory=list)


def _open_all(tokens: list[str], actor: Actor) -> _OpenedBatch:
    """Open every envelope and sign its receipt; a refusal defers its thread's later ones."""
    batch = _OpenedBatch(results=[None] * len(tokens))
    for index, token in enumerate(tokens):
        thread = outer_thread(token)
        if thread is not None and thread in batch.refused:
            continue
        try:
            opened = _open(token)
        except EnvelopeError as exc:
            batch.results[index] = exc
            batch.events.append(_rejected(actor, exc))
            batch.refused.add(thread)
            continue
        batch.opened.append((index, opened, thread, _row(opened)))
    return batch


def _rejected(actor: Actor, exc: EnvelopeError) -> AuditEvent:
    return event(
        actor,
        "federation.rejected",
        outcome=AuditEvent.Outcome.DENIED,
        reason=exc.detail[:500],
        object_type="federation.envelope",
        object_id="",
        extra={"code": str(exc.code)},
    )


def _received(actor: Actor, opened: Opened) -> AuditEvent:
    header = opened.message.header
    return event(
        actor,
        "federation.received",
        object_type="federation.inboxmessage",
        object_id=header.id,
        extra={"from": header.sender, "type": header.type, "thread": header.thread},
    )


def _receive_in_bulk(batch: _OpenedBatch, actor: Actor) -> list[Accepted | EnvelopeError | None]:
    results = list(batch.results)
    refused = set(batch.refused)
    events = list(batch.events)
    # Duplicates and replays, against what is stored and within the batch.
    ids = [opened.message.header.id for _, opened, _, _ in batch.opened]
    stored = {
        row.message_id: row
        for row in InboxMessage.objects.filter(message_id__in=ids).only(
            "message_id", "digest", "receipt", "sender_state"
        )
    }
    new: list[tuple[int, Opened, InboxMessage]] = []
    for index, opened, thread, row in batch.opened:
        header = opened.message.header
        if thread is not None and thread in refused:
            continue
        if header.type == PING_TYPE:
            results[index] = Accepted(header.id, opened.digest, row.receipt, duplicate=False)
            continue
        previous = stored.get(header.id)
        if previous is not None:
            if previous.digest == opened.digest and previous.sender_state == header.sender:
                results[index] = Accepted(
                    header.id, previous.digest, previous.receipt, duplicate=True
                )
                continue
            replayed = EnvelopeError(
                Rejection.REPLAYED,
                f"message id {header.id} was already received with other content",
            )
            results[index] = replayed
            events.append(_rejected(actor, replayed))
            refused.add(thread)
            continue
        stored[header.id] = row
        new.append((index, opened, row))
    # Store the new ones at once; their effects and audit in the same transaction.
    _insert([row for _, _, row in new])
    for index, opened, row in new:
        dispatch(row)
        results[index] = Accepted(row.message_id, row.digest, row.receipt, duplicate=False)
        events.append(_received(actor, opened))
    record_many(events)
    return results


def _insert(rows: list[InboxMessage]) -> None:
    """Store a batch with one prepared INSERT; the rows then get their primary keys, in
    one query, when a handler will see them."""
    insert_rows(InboxMessage, rows)
    handled = {row.message_id: row for row in rows if has_handler(row.message_type)}
    if handled:
        for message_id, pk in InboxMessage.objects.filter(message_id__in=handled).values_list(
            "message_id", "pk"
        ):
            handled[message_id].pk = pk


def _receive_one_by_one(tokens: list[str], actor: Actor) -> list[Accepted | EnvelopeError | None]:
    results: list[Accepted | EnvelopeError | None] = []
    refused_threads: set[str] = set()
    audit: list[AuditEvent] = []
    for token in tokens:
        thread = outer_thread(token)
        if thread is not None and thread in refused_threads:
            results.append(None)
            continue
        try:
            results.append(receive(token, actor, audit=audit))
        except EnvelopeError as exc:
            results.append(exc)
            if thread is not None:
                refused_threads.add(thread)
    record_many(audit)
    return results


def _open(token: str | bytes) -> Opened:
    return open_envelope(
        token,
        state=settings.HANOINET_STATE,
        keys=own_decryption_keys(),
        sender_key=peer_verify_key,
        now=timezone.now(),
        max_bytes=settings.HANOINET_FEDERATION_MAX_BYTES,
        max_skew=settings.HANOINET_FEDERATION_MAX_SKEW,
    )


def _row(opened: Opened) -> InboxMessage:
    header = opened.message.header
    return new_row(
        InboxMessage,
        {
            "message_id": header.id,
            "sender_state": header.sender,
            "sender_kid": header.sender_kid,
            "message_type": header.type,
            "thread_id": header.thread,
            "in_reply_to": header.in_reply_to or "",
            "body": dict(opened.message.body),
            "created_at": header.created_at,
            "expires_at": header.expires_at,
            "received_at": timezone.now(),
            "digest": opened.digest,
            "receipt": _receipt(opened),
            "signed": opened.signed.decode("ascii"),
        },
    )


def receive(token: str | bytes, actor: Actor, *, audit: list[AuditEvent] | None = None) -> Accepted:
    """Open and store one envelope; raise ``EnvelopeError`` (audited) to refuse it.

    With ``audit``, the audit events are appended there for the caller to write in bulk
    within its transaction; otherwise they are written at once.
    """
    events: list[AuditEvent] = [] if audit is None else audit
    try:
        return _store(_open(token), actor, events)
    except EnvelopeError as exc:
        events.append(_rejected(actor, exc))
        raise
    finally:
        if audit is None:
            record_many(events)


def _receipt(opened: Opened) -> str:
    header = opened.message.header
    return sign_receipt(
        message_id=header.id,
        digest=opened.digest,
        received_at=timezone.now(),
        receiver=settings.HANOINET_STATE,
        sender=header.sender,
        signer=own_signer(),
    ).token


def _store(opened: Opened, actor: Actor, audit: list[AuditEvent]) -> Accepted:
    header = opened.message.header
    if header.type == PING_TYPE:
        # A ping proves reachability and keys; it changes nothing, so nothing is stored.
        return Accepted(header.id, opened.digest, _receipt(opened), duplicate=False)
    try:
        # Insert first: new messages are the common case, and the unique message id makes
        # a duplicate (or two copies arriving at once) fail here, inside a savepoint.
        with transaction.atomic():
            stored = _row(opened)
            stored.save(force_insert=True)
            dispatch(stored)
    except IntegrityError:
        existing = _previous(opened)
        if existing is None:
            raise
        return existing
    audit.append(_received(actor, opened))
    return Accepted(header.id, opened.digest, stored.receipt, duplicate=False)


def _previous(opened: Opened) -> Accepted | None:
    header = opened.message.header
    row = (
        InboxMessage.objects.filter(message_id=header.id)
        .only("digest", "receipt", "sender_state")
        .first()
    )
    if row is None:
        return None
    if row.digest != opened.digest or row.sender_state != header.sender:
        raise EnvelopeError(
            Rejection.REPLAYED, f"message id {header.id} was already received with other content"
        )
    return Accepted(header.id, row.digest, row.receipt, duplicate=True)
