"""Login throttling: after N failures for a username or an address, a cool-down.

Counting both keys stops guessing one account from many addresses and guessing many
accounts from one address. Rows live in the database so that all web processes agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from hanoinet.node.accounts.models import LoginThrottle


def throttle_keys(username: str, client_ip: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:150]}"]
    if client_ip:
        keys.append(f"ip:{client_ip}")
    return keys


def locked_until(keys: list[str], now: datetime) -> datetime | None:
    """When the latest lock on any of the keys ends, or None if none is locked."""
    ends = [
        end
        for end in LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).values_list(
            "locked_until", flat=True
        )
        if end is not None
    ]
    return max(ends) if ends else None


def note_failure(keys: list[str], now: datetime) -> None:
    limit = settings.HANOINET_LOGIN_MAX_FAILURES
    cooldown = timedelta(seconds=settings.HANOINET_LOGIN_LOCKOUT_SECONDS)
    with transaction.atomic():
        for key in keys:
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            if row.locked_until is not None and row.locked_until <= now:
                row.failures = 0
                row.locked_until = None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + cooldown
            row.updated_at = now
            row.save(update_fields=["failures", "locked_until", "updated_at"])


def clear_username(username: str) -> None:
    """A successful login forgives the username's failures, not the address's."""
    LoginThrottle.objects.filter(key=throttle_keys(username, None)[0]).delete()
