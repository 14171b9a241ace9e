"""The register as this node holds it.

``RegisterState``, ``RegisterAuthority`` and ``RegisterKey`` are the register in force:
edited by hand on the secretariat, replaced wholesale by each accepted import on a node.
``RegisterDocument`` keeps every signed document this node published or accepted (the
history); ``RegisterImport`` every import attempt with its outcome; ``TrustedSigner``
the secretariat keys a node trusts (pinned at set-up, or reached by rotation).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegisterState(models.Model):
    class ConsentKind(models.TextChoices):
        RATIFICATION = "ratification", _("ratification")
        ACCEPTANCE = "acceptance", _("acceptance")
        APPROVAL = "approval", _("approval")
        ACCESSION = "accession", _("accession")

    code = models.CharField(_("State"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    consent_on = models.DateField(_("bound on"), null=True, blank=True)
    consent_kind = models.CharField(
        _("bound by"), max_length=16, choices=ConsentKind.choices, blank=True
    )
    in_force_on = models.DateField(_("in force on"), null=True, blank=True)
    art42_reservation = models.BooleanField(
        _("Art. 42 dual-criminality reservation"), default=False
    )
    interpol_channel = models.BooleanField(_("accepts requests through INTERPOL"), default=False)
    urgent_oral_requests = models.BooleanField(_("accepts urgent oral requests"), default=False)
    languages = models.JSONField(_("accepted languages"), default=list, blank=True)
    endpoint = models.URLField(_("node endpoint"), blank=True)
    protocols = models.JSONField(default=list, blank=True)
    capabilities = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegisterAuthority(models.Model):
    class Kind(models.TextChoices):
        CENTRAL_AUTHORITY = "central_authority", _("Central authority")
        POINT_OF_CONTACT = "point_of_contact", _("24/7 point of contact")
        COMPETENT_AUTHORITY = "competent_authority", _("Other competent authority")

    state = models.ForeignKey(RegisterState, on_delete=models.CASCADE, related_name="authorities")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=500)
    phone = models.CharField(_("phone"), max_length=500, blank=True)
    email = models.CharField(_("e-mail"), max_length=500, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    hours = models.CharField(_("hours"), max_length=500, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.state.code} {self.kind} {self.name}"


class RegisterKey(models.Model):
    class Use(models.TextChoices):
        SIGNING = "sig", _("signing")
        ENCRYPTION = "enc", _("encryption")

    state = models.ForeignKey(RegisterState, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(max_length=64)
    use = models.CharField(max_length=3, choices=Use.choices)
    x = models.CharField(max_length=64)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["use", "valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["state", "kid"], name="register_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.state.code} {self.use} {self.kid}"


class RegisterDocument(models.Model):
    """A signed register this node published (secretariat) or accepted (node)."""

    serial = models.PositiveIntegerField(unique=True)
    token = models.TextField()
    signer_kid = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    changes = models.JSONField(default=list)
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=500)

    class Meta:
        ordering: ClassVar[list[str]] = ["-serial"]

    def __str__(self) -> str:
        return f"register #{self.serial}"


class RegisterImport(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        UNCHANGED = "unchanged", _("unchanged")
        REFUSED = "refused", _("refused")

    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=500)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    code = models.CharField(max_length=32, blank=True)
    message = models.TextField(blank=True)
    serial = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome} {self.source}"


class TrustedSigner(models.Model):
    """A secretariat key this node trusts for register documents."""

    kid = models.CharField(max_length=64, unique=True)
    x = models.CharField(max_length=64)
    pinned_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=32)  # "pinned" or "rotation"

    def __str__(self) -> str:
        return self.kid

    @property
    def jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": self.x, "kid": self.kid}


class KeyRotation(models.Model):
    """A rotation announcement (signed by the old key) published with the register."""

    token = models.TextField()
    old_kid = models.CharField(max_length=64)
    new_kid = models.CharField(max_length=64, unique=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_kid} → {self.new_kid}"
