"""Who is on call when, the pages sent to them, and every delivery attempt."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.node.accounts.models import Unit


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (threat to life)")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class RosterShift(models.Model):
    """One shift of a unit: the officer on call, a backup and a supervisor."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    primary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on call"),
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("backup"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["starts_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="oncall_shift_ends_after_start"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "starts_at", "ends_at"], name="oncall_shift_unit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%H:%M}"


class Page(models.Model):
    """A call for a human: open until acknowledged, escalating on a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        EXHAUSTED = "exhausted", _("nobody acknowledged")

    LEVELS: ClassVar[tuple[str, ...]] = ("primary", "backup", "supervisor")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pages")
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    subject = models.CharField(_("subject"), max_length=300)
    link = models.CharField(max_length=300, blank=True)  # where the officer should go
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    level = models.PositiveSmallIntegerField(default=0)  # index into LEVELS
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The escalation loop only ever looks at open pages that are due.
            models.Index(
                fields=["next_escalation_at"],
                name="oncall_page_due",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.urgency}: {self.subject}"

    @property
    def level_name(self) -> str:
        return self.LEVELS[min(self.level, len(self.LEVELS) - 1)]


class PageDelivery(models.Model):
    """One attempt to reach one person through one channel."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("in the application")
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("SMS / chat gateway")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.page_id} → {self.recipient_id} ({self.channel})"
