"""Putting messages in the outbox — always inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hanoinet.core.envelope import MAX_LIFETIME
from hanoinet.node.federation.keyring import own_signer
from hanoinet.node.federation.models import OutboxMessage


def enqueue(
    *,
    recipient_state: str,
    message_type: str,
    body: dict[str, Any],
    thread_id: str = "",
    in_reply_to: str = "",
    now: datetime | None = None,
    lifetime: timedelta | None = None,
) -> OutboxMessage:
    """Queue a message to another State's node.

    Call it from the action whose state change causes the message: both commit
    together, or neither does. The worker delivers it; a new thread starts when no
    ``thread_id`` is given (the thread then carries the message's own id).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must run inside the action's transaction")
    if recipient_state == settings.HANOINET_STATE:
        raise ValueError("a node does not send messages to itself")
    now = (now or timezone.now()).replace(microsecond=0)
    lifetime = min(lifetime or settings.HANOINET_FEDERATION_MAX_AGE, MAX_LIFETIME)
    message_id = str(uuid.uuid4())
    return OutboxMessage.objects.create(
        message_id=message_id,
        recipient_state=recipient_state,
        sender_kid=own_signer().kid,
        message_type=message_type,
        thread_id=thread_id or message_id,
        in_reply_to=in_reply_to,
        body=body,
        created_at=now,
        expires_at=now + lifetime,
        next_attempt_at=now,
    )
