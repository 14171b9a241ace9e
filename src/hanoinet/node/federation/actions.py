"""Changing federation state: sending a message, marking a received one as opened."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.access import may_read_messages
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.register.models import RegisterState

NOTE_TYPE = "message.note"
URGENCIES = ("routine", "urgent", "emergency")


class SendError(ValueError):
    """The message cannot be sent as given; the text says why."""


@transaction.atomic
def do_send_note(
    actor: Actor,
    *,
    recipient: str,
    subject: str,
    text: str,
    urgency: str = "routine",
    urgency_reason: str = "",
    thread_id: str = "",
    in_reply_to: str = "",
) -> OutboxMessage:
    """A free-text message on a thread (a status query, a clarification, a note).

    Officers of the 24/7 point of contact and the central authority send them; the
    node's operator may too, from the command line (a system actor, no user).
    """
    if actor.user is not None and not may_read_messages(actor.user):
        raise Http404
    if actor.user is None and not actor.label.startswith("system:"):
        raise Http404
    recipient = recipient.upper()
    state = RegisterState.objects.filter(code=recipient).first()
    if state is None:
        raise SendError(f"{recipient} is not in the register in force")
    if not state.endpoint:
        raise SendError(f"{recipient} has no node in the register: use its listed contacts")
    if urgency not in URGENCIES:
        raise SendError(f"urgency must be one of {', '.join(URGENCIES)}")
    if urgency != "routine" and not urgency_reason.strip():
        raise SendError("an urgent or emergency message must say why (Art. 40)")
    if not subject.strip() or not text.strip():
        raise SendError("subject and text are required")
    body = {
        "subject": subject.strip()[:300],
        "text": text.strip()[:20000],
        "urgency": urgency,
        "urgency_reason": urgency_reason.strip()[:2000],
        "from_unit": actor.user.unit.name if actor.user and actor.user.unit else "",
    }
    message = enqueue(
        recipient_state=recipient,
        message_type=NOTE_TYPE,
        body=body,
        thread_id=thread_id,
        in_reply_to=in_reply_to,
    )
    record(
        actor,
        "federation.send",
        object_type="federation.outboxmessage",
        object_id=message.message_id,
        extra={"to": recipient, "type": NOTE_TYPE, "urgency": urgency, "thread": message.thread_id},
    )
    return message


@transaction.atomic
def do_mark_retrieved(actor: Actor, message: InboxMessage, *, now: datetime | None = None) -> bool:
    """The first time an officer opens a received message: record it and tell the sender.

    Returns True on that first time. The notice is a signed message like any other,
    so the sender's thread shows "retrieved" with our time of opening.
    """
    if not may_read_messages(actor.user) or message.message_type.startswith("delivery."):
        return False
    now = now or timezone.now()
    first = InboxMessage.objects.filter(pk=message.pk, retrieved_at__isnull=True).update(
        retrieved_at=now, retrieved_by=actor.user
    )
    if not first:
        return False
    message.retrieved_at, message.retrieved_by = now, actor.user
    enqueue(
        recipient_state=message.sender_state,
        message_type="delivery.retrieved",
        body={"message_id": message.message_id, "retrieved_at": now.isoformat()},
        thread_id=message.thread_id,
        in_reply_to=message.message_id,
    )
    record(actor, "federation.retrieved", message, object_id=message.message_id)
    return True
