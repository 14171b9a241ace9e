"""Evidence items and the node's custody ledger (an append-only RFC 9162 Merkle log)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.node.cases.models import Case


class EvidenceItem(models.Model):
    class Source(models.TextChoices):
        SEIZURE = "seizure", _("seizure")
        PROVIDER_RESPONSE = "provider_response", _("service provider's response")
        FOREIGN_STATE = "foreign_state", _("received from a foreign State")
        VICTIM_UPLOAD = "victim_upload", _("victim's upload")
        OTHER = "other", _("other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exhibit_number = models.CharField(_("exhibit number"), max_length=60, blank=True)
    description = models.TextField(_("description"))
    source = models.CharField(max_length=20, choices=Source.choices)
    # The content: SHA-256 of the plaintext, which names the encrypted object in the store.
    digest = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100, blank=True)
    acquired_by = models.CharField(max_length=150)
    acquired_at = models.DateTimeField()
    method = models.TextField(blank=True)
    tool = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.exhibit_number or self.code} ({self.digest[:12]})"


class LedgerLeaf(models.Model):
    """One custody event, leaf ``index`` of the log. Rows are only ever added."""

    index = models.PositiveBigIntegerField(unique=True)
    leaf_hash = models.CharField(max_length=64)
    data = models.TextField()  # the canonical JSON of the event: what was hashed
    kind = models.CharField(max_length=20)
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="custody"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class LedgerCheckpoint(models.Model):
    """A signed statement of the log's size and root (a C2SP signed note)."""

    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Co-signatures of peers acting as witnesses: [{"state": "KHM", "note": "..."}].
    witnessed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-size", "-id"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class LedgerWitness(models.Model):
    """Our log as seen by one peer that witnesses it: the size it last co-signed."""

    state = models.CharField(max_length=3, unique=True)
    acknowledged_size = models.PositiveBigIntegerField(default=0)
    sent_size = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.state} witnessed {self.acknowledged_size}"


class WitnessedLog(models.Model):
    """A peer's log as we witness it: the last checkpoint we co-signed, and any alarm."""

    state = models.CharField(max_length=3, unique=True)
    note = models.TextField(blank=True)  # the last checkpoint we accepted, co-signed
    size = models.PositiveBigIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    alarm = models.TextField(blank=True)
    alarm_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"witness of {self.state} at {self.size}"


class Transfer(models.Model):
    """A court bundle sent to, or received from, another State on a request's thread.

    The sender keeps the archive sealed chunk by chunk (``transfers/<code>.sealed``) and
    serves it to the receiver, who proves itself with the token the offer carried; the
    receiver fetches, checks and unpacks it, verifies the bundle offline and takes its
    items in as evidence, each with a custody event that names the transfer."""

    class Direction(models.TextChoices):
        SENT = "sent", _("sent")
        RECEIVED = "received", _("received")

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        FETCHING = "fetching", _("being fetched")
        VERIFIED = "verified", _("received and verified")
        FAILED = "failed", _("failed verification")
        CONFIRMED = "confirmed", _("confirmed by the receiver")

    code = models.UUIDField(unique=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    peer = models.CharField(max_length=3, db_index=True)
    request = models.ForeignKey(
        "requests.CooperationRequest", on_delete=models.PROTECT, related_name="transfers"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    offer = models.JSONField()  # as sent or received: sizes, hashes, items, reason, secrets
    token_digest = models.CharField(max_length=64, blank=True)  # sender: SHA-256 of the token
    received_chunks = models.PositiveIntegerField(default=0)
    items = models.ManyToManyField(EvidenceItem, related_name="transfers", blank=True)
    bundle_item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.JSONField(default=dict, blank=True)  # the receiver's verification report
    problem = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} {self.code}"
