"""Clusters of victims' reports that share identifiers, and the analysts' decisions
that bound the linking: flagged identifiers, the warning list, manual links."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.node.cases.models import Case
from hanoinet.node.victims.models import VictimReport


class Cluster(models.Model):
    """Reports that share at least one identifier, directly or through others."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    size = models.PositiveIntegerField(default=0)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A cluster folded into another keeps its code, so links to it still lead somewhere.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"cluster {self.code} ({self.size})"


class Membership(models.Model):
    report = models.OneToOneField(VictimReport, on_delete=models.CASCADE, related_name="membership")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="members")

    def __str__(self) -> str:
        return f"{self.report} in {self.cluster}"


class FlaggedIdentifier(models.Model):
    """An identifier held by more reports than the fan-out cap: it links nothing until an
    analyst vets it (or it stays out for good)."""

    link_key = models.CharField(max_length=600, unique=True)
    report_count = models.PositiveIntegerField()
    flagged_at = models.DateTimeField(default=timezone.now)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vetted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-report_count"]

    def __str__(self) -> str:
        return self.link_key


class WarningEntry(models.Model):
    """An identifier (or ``<kind>:*.<domain>``) that must never link, added on this node
    on top of the built-in list: its banks' hotlines, an identifier split by an analyst."""

    pattern = models.CharField(max_length=600, unique=True)
    reason = models.CharField(max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["pattern"]

    def __str__(self) -> str:
        return self.pattern


class ManualLink(models.Model):
    """Two reports an analyst linked with a reason, though they share no identifier."""

    report_a = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="+")
    report_b = models.ForeignKey(VictimReport, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.report_a} ~ {self.report_b}"


class Decision(models.Model):
    """What an analyst did to a cluster, and why: merge, split, promote, draft."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16)
    reason = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.cluster}"


class LinkLock(models.Model):
    """One row, locked while a report is linked, so two reports sharing a new identifier
    submitted at the same moment cannot each start a cluster of their own."""

    name = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.name


class MatchPolicy(models.Model):
    """What this node shares with one peer in cross-border hit/no-hit: nothing unless a
    policy says which kinds of identifier, how often, and whether in scheduled bulk."""

    state = models.CharField(max_length=3, unique=True)
    kinds = models.JSONField(default=list)
    bulk = models.BooleanField(default=False)
    queries_per_hour = models.PositiveIntegerField(default=60)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["state"]

    def __str__(self) -> str:
        return f"{self.state}: {', '.join(self.kinds)}"


class MatchSession(models.Model):
    """One run of the private set intersection with a peer, from either side.

    The blinding key and our identifiers in protocol order are kept only while the run
    is open, and wiped when it ends."""

    class Direction(models.TextChoices):
        ASKED = "asked", _("We asked")
        ANSWERED = "answered", _("We answered")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the peer")
        TO_ANSWER = "to_answer", _("To answer")
        TO_FINISH = "to_finish", _("To finish")
        ANSWERED = "answered", _("Answered")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    session = models.CharField(max_length=64, unique=True)
    peer = models.CharField(max_length=3, db_index=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    mode = models.CharField(max_length=8)  # "bulk" or "query"
    kinds = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices)
    key = models.CharField(max_length=64, blank=True)
    items = models.JSONField(default=list, blank=True)
    pending = models.JSONField(default=dict, blank=True)  # the peer's PSI message to process
    asked_count = models.PositiveIntegerField(default=0)
    peer_count = models.PositiveIntegerField(default=0)
    hit_count = models.PositiveIntegerField(default=0)
    problem = models.CharField(max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "created_at"], name="linking_match_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} {self.session}"


class MatchHit(models.Model):
    """An identifier this node holds that a peer State holds too."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    match = models.ForeignKey(MatchSession, on_delete=models.CASCADE, related_name="hits")
    peer = models.CharField(max_length=3, db_index=True)
    link_key = models.CharField(max_length=600)
    kind = models.CharField(max_length=16)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"{self.peer} {self.link_key}"
