"""What a received message does on this node, by message type.

A handler runs inside the transaction that stores the ``InboxMessage``: its effect and
the stored message (and so the receipt) commit together, and a duplicate, answered from
the stored receipt, never runs it twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from hanoinet.node.accounts.models import Unit
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.federation.models import InboxMessage, OutboxMessage

Handler = Callable[[InboxMessage], None]
_HANDLERS: dict[str, Handler] = {}

URGENCIES_THAT_PAGE = frozenset({"urgent", "emergency"})


def handles(message_type: str) -> Callable[[Handler], Handler]:
    def decorate(func: Handler) -> Handler:
        _HANDLERS[message_type] = func
        return func

    return decorate


def has_handler(message_type: str) -> bool:
    return message_type in _HANDLERS


def dispatch(message: InboxMessage) -> None:
    """Run the type's handler, then page the 24/7 unit for urgent and emergency messages."""
    handler = _HANDLERS.get(message.message_type)
    if handler is not None:
        handler(message)
    urgency = message.body.get("urgency") if isinstance(message.body, dict) else None
    if urgency in URGENCIES_THAT_PAGE and not message.message_type.startswith("delivery."):
        page_point_of_contact(message, str(urgency))


def page_point_of_contact(message: InboxMessage, urgency: str) -> None:
    from hanoinet.node.oncall.actions import do_page_unit

    unit = Unit.objects.filter(kind=Unit.Kind.POINT_OF_CONTACT).order_by("id").first()
    if unit is None:
        return  # no 24/7 unit configured: `hanoinet check` warns about it
    subject = str(message.body.get("subject") or message.message_type)
    do_page_unit(
        system_actor("federation inbox"),
        unit,
        urgency=urgency,
        subject=f"{message.sender_state}: {subject}",
        link=reverse("federation:message", args=[message.message_id]),
        object_type="federation.inboxmessage",
        object_id=message.message_id,
    )


@handles("delivery.retrieved")
def retrieved(message: InboxMessage) -> None:
    """The peer tells us a human there opened one of our messages."""
    message_id = str(message.body.get("message_id", ""))
    at = parse_datetime(str(message.body.get("retrieved_at", "")))
    if at is None:
        return
    with transaction.atomic():
        OutboxMessage.objects.filter(
            message_id=message_id, recipient_state=message.sender_state, retrieved_at__isnull=True
        ).update(retrieved_at=at)
