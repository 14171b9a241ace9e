"""Messages to and from other nodes.

An ``OutboxMessage`` is written in the same transaction as the state change that
causes it, then delivered by workers until a signed receipt arrives. An
``InboxMessage`` is stored once per message id: a duplicate gets the stored receipt
again and causes nothing more. Rows of both are the node's delivery evidence.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("submitted")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("undeliverable")

    message_id = models.CharField(max_length=36, unique=True)
    recipient_state = models.CharField(max_length=3, db_index=True)
    sender_kid = models.CharField(max_length=64)
    message_type = models.CharField(max_length=64)
    thread_id = models.CharField(max_length=64, db_index=True)
    in_reply_to = models.CharField(max_length=36, blank=True)
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    digest = models.CharField(max_length=100, blank=True)
    receipt = models.TextField(blank=True)  # the peer's signed receipt, verbatim
    retrieved_at = models.DateTimeField(null=True, blank=True)  # a human opened it there

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # The delivery loop reads only pending rows that are due.
            models.Index(
                fields=["next_attempt_at"], name="fed_outbox_due", condition=Q(status="pending")
            ),
            models.Index(fields=["recipient_state", "thread_id", "id"], name="fed_outbox_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} → {self.recipient_state} ({self.status})"


class InboxMessage(models.Model):
    message_id = models.CharField(max_length=36, unique=True)
    sender_state = models.CharField(max_length=3, db_index=True)
    sender_kid = models.CharField(max_length=64)
    message_type = models.CharField(max_length=64, db_index=True)
    thread_id = models.CharField(max_length=64, db_index=True)
    in_reply_to = models.CharField(max_length=36, blank=True)
    body = models.JSONField()
    created_at = models.DateTimeField()  # as the sender signed it
    expires_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    digest = models.CharField(max_length=100)
    signed = models.TextField()  # the sender's signed message (JWS), verbatim: evidence
    receipt = models.TextField()  # our signed receipt, served again to duplicates
    retrieved_at = models.DateTimeField(null=True, blank=True)
    retrieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_type} from {self.sender_state}"


class PeerStatus(models.Model):
    """What this node knows of a peer's reachability, for back-off and the register view."""

    state = models.CharField(max_length=3, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    backoff_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.state


class PeerPing(models.Model):
    """One signed ping and its outcome: availability and round trip over time."""

    state = models.CharField(max_length=3)
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    rtt_ms = models.FloatField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "at"], name="fed_ping_state_at"),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.at:%H:%M:%S} {'ok' if self.ok else 'down'}"
