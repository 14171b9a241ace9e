"""Between the register's rows and the core's :class:`Register` document."""

from __future__ import annotations

from collections.abc import Iterable

from hanoinet.core.register.model import (
    Authority,
    ConventionStatus,
    Declarations,
    NodeEntry,
    PublishedKey,
    StateEntry,
)
from hanoinet.node.register.models import RegisterAuthority, RegisterKey, RegisterState


def entry_from_row(row: RegisterState) -> StateEntry:
    node = None
    if row.endpoint:
        node = NodeEntry(
            endpoint=row.endpoint,
            protocols=tuple(row.protocols),
            capabilities=tuple(row.capabilities),
            keys=tuple(
                PublishedKey(
                    kid=key.kid,
                    use=key.use,  # type: ignore[arg-type]
                    x=key.x,
                    valid_from=key.valid_from,
                    valid_until=key.valid_until,
                )
                for key in row.keys.all()
            ),
        )
    return StateEntry(
        code=row.code,
        name=row.name,
        status=ConventionStatus(
            signed_on=row.signed_on,
            consent_on=row.consent_on,
            consent_kind=row.consent_kind or None,
            in_force_on=row.in_force_on,
        ),
        declarations=Declarations(
            art42_dual_criminality_reservation=row.art42_reservation,
            interpol_channel=row.interpol_channel,
            urgent_oral_requests=row.urgent_oral_requests,
        ),
        languages=tuple(row.languages),
        authorities=tuple(
            Authority(
                kind=a.kind,  # type: ignore[arg-type]
                name=a.name,
                phone=a.phone,
                email=a.email,
                address=a.address,
                hours=a.hours,
            )
            for a in row.authorities.all()
        ),
        node=node,
    )


def entries_in_force() -> list[StateEntry]:
    rows = RegisterState.objects.prefetch_related("authorities", "keys")
    return [entry_from_row(row) for row in rows]


def write_entry(entry: StateEntry) -> RegisterState:
    """Replace the rows of one State with ``entry`` (inside the caller's transaction)."""
    node = entry.node
    row, _created = RegisterState.objects.update_or_create(
        code=entry.code,
        defaults={
            "name": entry.name,
            "signed_on": entry.status.signed_on,
            "consent_on": entry.status.consent_on,
            "consent_kind": entry.status.consent_kind or "",
            "in_force_on": entry.status.in_force_on,
            "art42_reservation": entry.declarations.art42_dual_criminality_reservation,
            "interpol_channel": entry.declarations.interpol_channel,
            "urgent_oral_requests": entry.declarations.urgent_oral_requests,
            "languages": sorted(entry.languages),
            "endpoint": node.endpoint if node else "",
            "protocols": sorted(node.protocols) if node else [],
            "capabilities": sorted(node.capabilities) if node else [],
        },
    )
    row.authorities.all().delete()
    RegisterAuthority.objects.bulk_create(
        RegisterAuthority(
            state=row,
            kind=a.kind,
            name=a.name,
            phone=a.phone,
            email=a.email,
            address=a.address,
            hours=a.hours,
        )
        for a in entry.authorities
    )
    row.keys.all().delete()
    RegisterKey.objects.bulk_create(
        RegisterKey(
            state=row,
            kid=k.kid,
            use=k.use,
            x=k.x,
            valid_from=k.valid_from,
            valid_until=k.valid_until,
        )
        for k in (node.keys if node else ())
    )
    return row


def replace_all(entries: Iterable[StateEntry]) -> None:
    """Make the rows exactly the given States (an accepted import replaces everything)."""
    entries = list(entries)
    RegisterState.objects.exclude(code__in=[e.code for e in entries]).delete()
    for entry in entries:
        write_entry(entry)
