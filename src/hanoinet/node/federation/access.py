"""Reading federation messages: who may, and an audit event for every read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.models import InboxMessage, OutboxMessage

# The officers who work the 24/7 network and the central authority's channel.
MESSAGE_ROLES = (Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY)


def may_read_messages(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(*MESSAGE_ROLES)


def may_see_delivery_status(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(*MESSAGE_ROLES, Role.NODE_ADMIN)


def _require(actor: Actor) -> User:
    if not may_read_messages(actor.user):
        raise Http404
    assert actor.user is not None  # noqa: S101 - narrowed by may_read_messages
    return actor.user


@dataclass
class ThreadSummary:
    thread_id: str
    peer: str
    last_type: str
    last_at: datetime
    count: int = 0
    unread: int = 0


def _when(row: OutboxMessage | InboxMessage) -> datetime:
    return row.received_at if isinstance(row, InboxMessage) else row.created_at


def _peer(row: OutboxMessage | InboxMessage) -> str:
    return row.sender_state if isinstance(row, InboxMessage) else row.recipient_state


def list_threads(actor: Actor, *, limit: int = 100) -> list[ThreadSummary]:
    """The most recent threads, newest first, with their unread received messages."""
    _require(actor)
    record(actor, "federation.list", object_type="federation.thread")
    rows: list[OutboxMessage | InboxMessage] = [
        *OutboxMessage.objects.exclude(message_type__startswith="delivery.").order_by("-id")[:500],
        *InboxMessage.objects.exclude(message_type__startswith="delivery.").order_by("-id")[:500],
    ]
    summaries: dict[str, ThreadSummary] = {}
    for row in rows:
        summary = summaries.setdefault(
            row.thread_id, ThreadSummary(row.thread_id, _peer(row), row.message_type, _when(row))
        )
        summary.count += 1
        if isinstance(row, InboxMessage) and row.retrieved_at is None:
            summary.unread += 1
        if _when(row) > summary.last_at:
            summary.last_at, summary.last_type = _when(row), row.message_type
    return sorted(summaries.values(), key=lambda summary: summary.last_at, reverse=True)[:limit]


@dataclass(frozen=True)
class ThreadView:
    thread_id: str
    peer: str
    entries: list[OutboxMessage | InboxMessage]


def get_thread(actor: Actor, thread_id: str) -> ThreadView:
    _require(actor)
    outgoing = list(OutboxMessage.objects.filter(thread_id=thread_id))
    incoming = list(InboxMessage.objects.filter(thread_id=thread_id))
    if not outgoing and not incoming:
        raise Http404("no such thread")
    record(actor, "federation.read_thread", object_type="federation.thread", object_id=thread_id)
    entries: list[OutboxMessage | InboxMessage] = sorted([*outgoing, *incoming], key=_when)
    peer = outgoing[0].recipient_state if outgoing else incoming[0].sender_state
    return ThreadView(thread_id, peer, entries)


def get_inbox_message(actor: Actor, message_id: str) -> InboxMessage:
    _require(actor)
    try:
        message = InboxMessage.objects.get(message_id=message_id)
    except InboxMessage.DoesNotExist:
        raise Http404("no such message") from None
    record(actor, "federation.read", message, object_id=message_id)
    return message


def delivery_status(actor: Actor) -> dict[str, QuerySet[OutboxMessage] | dict[str, int]]:
    if not may_see_delivery_status(actor.user):
        raise PermissionDenied
    record(actor, "federation.status", object_type="federation.outbox")
    counts = {
        status: OutboxMessage.objects.filter(status=status).count()
        for status in OutboxMessage.Status.values
    }
    return {
        "counts": counts,
        "dead": OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD).order_by("-dead_at")[
            :100
        ],
        "pending": OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("id")[
            :100
        ],
    }
