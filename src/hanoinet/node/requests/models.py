"""Cooperation requests between States, each on a federation thread.

Both sides keep their own copy of a request: the requesting node (direction
``outgoing``) and the requested node (``incoming``). Status changes travel as signed
messages and are applied to both copies by the same state machine
(``hanoinet.core.convention.lifecycle``); every change is a ``RequestEvent``.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.lifecycle import Status
from hanoinet.node.accounts.models import Unit
from hanoinet.node.cases.models import Case

STATUS_LABELS = {
    Status.DRAFT: _("draft"),
    Status.AWAITING_APPROVAL: _("awaiting approval"),
    Status.SENT: _("sent"),
    Status.DELIVERED: _("delivered"),
    Status.ACKNOWLEDGED: _("acknowledged"),
    Status.IN_PROGRESS: _("in progress"),
    Status.CLARIFICATION_REQUESTED: _("clarification requested"),
    Status.POSTPONED: _("postponed"),
    Status.EXECUTED: _("executed"),
    Status.PARTIALLY_EXECUTED: _("partially executed"),
    Status.REFUSED: _("refused"),
    Status.WITHDRAWN: _("withdrawn"),
    Status.CLOSED: _("closed"),
}


class CooperationRequest(models.Model):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("sent by us")
        INCOMING = "incoming", _("received")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    kind = models.CharField(max_length=40, choices=[(code, code) for code in KINDS])
    counterpart = models.CharField(_("other State"), max_length=3, db_index=True)
    status = models.CharField(
        max_length=32, choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    fields = models.JSONField(default=dict)
    urgency = models.CharField(max_length=16, default="routine")
    reference = models.CharField(_("our reference"), max_length=100, blank=True)
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    thread_id = models.CharField(max_length=64, db_index=True)
    model_version = models.CharField(max_length=16)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Preservation (Art. 42): from the requested State's execution; None while held
    # pending the decision on the mutual legal assistance request that followed.
    preserved_at = models.DateTimeField(null=True, blank=True)
    preserved_until = models.DateTimeField(null=True, blank=True)
    held_pending_mla = models.BooleanField(default=False)
    # Conditions the requested State attached (Art. 36, 40) and when the requester accepted
    # them: the requested State releases nothing before. Onward transfers the sending State
    # authorised: [{"state": "FRA", "at": "..."}].
    conditions = models.JSONField(default=list, blank=True)
    conditions_text = models.TextField(blank=True)
    conditions_accepted_at = models.DateTimeField(null=True, blank=True)
    onward_authorised = models.JSONField(default=list, blank=True)
    # The request this one formally follows (an MLA request after a preservation, the
    # formal request after an emergency), and when a promised follow-up is due (Art. 41).
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followups"
    )
    followup_due = models.DateTimeField(null=True, blank=True)
    # Deadline reminders already sent ("preservation:14", "followup:overdue").
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["direction", "status", "-updated_at"], name="requests_box"),
            # The inbox: newest first, a page at a time.
            models.Index(fields=["-updated_at", "-id"], name="requests_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction} {self.counterpart} ({self.status})"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(Status(self.status), self.status))


class RequestEvent(models.Model):
    """One step on the request's timeline, on this node's copy."""

    request = models.ForeignKey(CooperationRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=40)
    side = models.CharField(max_length=16)
    status_before = models.CharField(max_length=32, blank=True)
    status_after = models.CharField(max_length=32)
    actor_label = models.CharField(max_length=150)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.status_after}"
