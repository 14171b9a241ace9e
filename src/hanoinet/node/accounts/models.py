"""Units, users and their roles, API tokens, login throttling."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import ClassVar
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanoinet.node.accounts.roles import CASE_ROLES, Role

TOKEN_PREFIX = "hn_"  # noqa: S105  (a visible prefix, not a secret)


class Unit(models.Model):
    """An office of the node's State: a police unit, the central authority, a provider."""

    class Kind(models.TextChoices):
        POINT_OF_CONTACT = "point_of_contact", _("24/7 point of contact")
        CENTRAL_AUTHORITY = "central_authority", _("Central authority")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        PROSECUTION = "prosecution", _("Prosecution service")
        VICTIM_SUPPORT = "victim_support", _("Victim support")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        OVERSIGHT = "oversight", _("Oversight")
        ADMINISTRATION = "administration", _("Node administration")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


class User(AbstractUser):
    """An officer (or provider liaison) of the node; belongs to exactly one unit."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", choices=_timezone_choices
    )

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))

    @property
    def works_on_cases(self) -> bool:
        return self.is_active and self.unit_id is not None and self.has_role(*CASE_ROLES)


class RoleGrant(models.Model):
    """One role held by one user; granting and revoking are audited actions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.role}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its SHA-256 is stored."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class LoginThrottle(models.Model):
    """Failed logins counted per username and per client address.

    Kept in the database so that every web process of a node shares the count.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
