"""Victims' reports from the public portal, the identifiers they name, what officers
shared back with them, and the support given (Art. 34)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.core.reporting import Category, Contact, Payment, Update
from hanoinet.node.evidence.models import EvidenceItem


class VictimReport(models.Model):
    class Triage(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        SUPPORTED = "supported", _("Support given")
        CLOSED = "closed", _("Closed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Given to the victim with a secret; random, never a sequence.
    reference = models.CharField(max_length=20, unique=True)
    secret_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    category = models.CharField(max_length=32, choices=[(c.value, c.value) for c in Category])
    offence = models.CharField(max_length=8)
    what_happened = models.TextField(max_length=10000)
    happened_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    payment = models.CharField(max_length=16, choices=[(p.value, p.value) for p in Payment])
    transaction_hash = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=8, choices=[(c.value, c.value) for c in Contact])
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    consent_at = models.DateTimeField()
    triage = models.CharField(max_length=16, choices=Triage.choices, default=Triage.NEW)
    # A keyed hash of the submitting address: enough to slow a flood, not to find anyone.
    source_digest = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["triage", "submitted_at"], name="victims_triage_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class ReportedIdentifier(models.Model):
    """An identifier of the suspect as the victim gave it, and its normalised form."""

    report = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16)
    raw = models.CharField(max_length=512)
    value = models.CharField(max_length=512, blank=True)
    valid = models.BooleanField(default=False)
    problem = models.CharField(max_length=40, blank=True)
    # "phone:+84912345678": what reports are linked and matched on; empty when invalid.
    link_key = models.CharField(max_length=600, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [
            # Linking reads a key's holders in order, stopping past the fan-out cap.
            models.Index(fields=["link_key", "report"], name="victims_key_holders_idx"),
        ]

    def __str__(self) -> str:
        return self.link_key or self.raw


class ReportFile(models.Model):
    """A screenshot or file the victim gave, held in the evidence store."""

    report = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="files")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.report} {self.item}"


class VictimAddition(models.Model):
    """Something the victim added later, through the reference and secret."""

    report = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField(max_length=10000)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} +{self.added_at:%Y-%m-%d}"


class StatusUpdate(models.Model):
    """What an officer chose to tell the victim: a plain-language update, never free text
    from the case file."""

    report = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=[(u.value, u.value) for u in Update])
    state = models.CharField(max_length=3, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["shared_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["report", "kind", "state"], name="victims_update_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class SupportNote(models.Model):
    """Victim support's work on a report (Art. 34): contact, protection, referral, notes."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact with the victim")
        PROTECTION = "protection", _("Protection measure")
        REFERRAL = "referral", _("Referral to a support service")
        NOTE = "note", _("Note")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(max_length=10000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"
