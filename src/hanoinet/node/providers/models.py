"""Service providers, the orders a node addresses to them, and their responses.

A provider's liaison officers are the members of the provider's own unit (a
``Unit`` of kind ``service_provider``) who hold the ``provider_liaison`` role: the
node's one rule "a user belongs to one unit" then also says which provider they speak
for, and nothing else about accounts changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.node.accounts.models import Unit
from hanoinet.node.evidence.models import EvidenceItem
from hanoinet.node.requests.models import CooperationRequest


class ServiceProvider(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3)
    contact = models.TextField(_("contact of the legal desk"), blank=True)
    unit = models.OneToOneField(
        Unit,
        on_delete=models.PROTECT,
        related_name="provider",
        limit_choices_to={"kind": Unit.Kind.SERVICE_PROVIDER},
        verbose_name=_("unit of its liaison officers"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class ProviderOrder(models.Model):
    """An order to preserve or produce data, made while executing a request."""

    class Kind(models.TextChoices):
        PRESERVE = "preserve", _("preserve")
        PRODUCE = "produce", _("produce")

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ANSWERED = "answered", _("answered")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="orders")
    request = models.ForeignKey(
        CooperationRequest, on_delete=models.PROTECT, related_name="provider_orders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    what = models.TextField(_("data to preserve or produce"))
    instructions = models.TextField(_("instructions"), blank=True)
    # The Convention's article the request rests on, frozen with the order.
    article = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["due_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            # The provider's list: its open orders, soonest deadline first.
            models.Index(fields=["provider", "status", "due_at"], name="providers_order_box"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ANSWERED

    def overdue(self, now: datetime | None = None) -> bool:
        """Still unanswered after its deadline (derived, never stored)."""
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def is_overdue(self) -> bool:
        return self.overdue()


class ProviderResponse(models.Model):
    """What the provider sent back: a statement and, often, files taken in as evidence."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(ProviderOrder, on_delete=models.PROTECT, related_name="responses")
    statement = models.TextField(_("statement"))
    items = models.ManyToManyField(EvidenceItem, related_name="provider_responses", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"response to {self.order.code}"
