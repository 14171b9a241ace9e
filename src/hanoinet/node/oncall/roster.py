"""Who should be called for a unit at a given moment."""

from __future__ import annotations

from datetime import datetime

from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.oncall.models import RosterShift


def shift_at(unit: Unit, moment: datetime) -> RosterShift | None:
    return (
        RosterShift.objects.select_related("primary", "backup", "supervisor")
        .filter(unit=unit, starts_at__lte=moment, ends_at__gt=moment)
        .order_by("-starts_at")
        .first()
    )


def people_to_call(unit: Unit, level: int, moment: datetime) -> list[User]:
    """The people of escalation ``level`` (0 on call, 1 backup, 2 supervisor).

    With no shift rostered, every active 24/7 point of contact of the unit is called at
    once: calling nobody at 3 a.m. is the one outcome that must never happen.
    """
    shift = shift_at(unit, moment)
    if shift is not None:
        person = (shift.primary, shift.backup, shift.supervisor)[min(level, 2)]
        return [person] if person.is_active else []
    return list(
        User.objects.filter(
            unit=unit, is_active=True, role_grants__role=Role.POINT_OF_CONTACT
        ).distinct()
    )
