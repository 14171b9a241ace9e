"""Every change to users, roles, devices and tokens: atomic, audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hanoinet.node.accounts.models import ApiToken, RoleGrant, Unit, User, hash_token
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record

MAX_TOKEN_DAYS = 366


@transaction.atomic
def do_create_unit(actor: Actor, name: str, kind: str) -> Unit:
    unit = Unit.objects.create(name=name, kind=kind)
    record(actor, "unit.create", unit, extra={"name": name, "kind": kind})
    return unit


@transaction.atomic
def do_create_user(
    actor: Actor,
    *,
    username: str,
    email: str,
    unit: Unit | None,
    roles: Iterable[str],
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create an officer. The password must pass the node's password policy."""
    user = User(
        username=username,
        email=email,
        unit=unit,
        first_name=first_name,
        last_name=last_name,
    )
    validate_password(password, user)
    role_list = sorted(set(roles))
    unknown = [role for role in role_list if role not in Role.values]
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(unknown)}")
    user.set_password(password)
    user.is_staff = Role.NODE_ADMIN in role_list
    user.is_superuser = Role.NODE_ADMIN in role_list
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in role_list])
    record(actor, "user.create", user, extra={"roles": role_list, "unit": str(unit or "")})
    return user


@transaction.atomic
def do_grant_role(actor: Actor, user: User, role: str, reason: str) -> None:
    RoleGrant.objects.get_or_create(user=user, role=Role(role))
    record(actor, "user.grant_role", user, reason=reason, extra={"role": role})


@transaction.atomic
def do_revoke_role(actor: Actor, user: User, role: str, reason: str) -> None:
    RoleGrant.objects.filter(user=user, role=role).delete()
    record(actor, "user.revoke_role", user, reason=reason, extra={"role": role})


@transaction.atomic
def do_start_totp_enrolment(actor: Actor, user: User) -> TOTPDevice:
    """An unconfirmed device, replaced on each start: its secret is shown only now."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    record(actor, "auth.totp_enrolment_started", user)
    return device


@transaction.atomic
def do_confirm_totp_device(actor: Actor, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor, "auth.totp_enrolled", device.user)


@transaction.atomic
def do_set_preferences(actor: Actor, user: User, *, time_zone: str) -> None:
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    record(actor, "user.preferences", user, extra={"time_zone": time_zone})


@transaction.atomic
def do_create_api_token(actor: Actor, user: User, *, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token; the raw secret is returned once and never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"a token lives between 1 and {MAX_TOKEN_DAYS} days")
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=hash_token(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(actor, "api_token.create", token, extra={"name": name, "days": days})
    return token, raw


@transaction.atomic
def do_revoke_api_token(actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    record(actor, "api_token.revoke", token)
