"""Writing audit events. Views, access functions and actions call :func:`record`."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models, transaction

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.models import AuditEvent

Outcome = AuditEvent.Outcome


def event(
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: str,
    outcome: str = Outcome.OK,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, for :func:`record_many`."""
    return AuditEvent(
        actor=actor.user,
        actor_label=actor.label,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        client_ip=actor.client_ip,
        user_agent=actor.user_agent,
        extra=extra or {},
    )


def record_many(events: list[AuditEvent]) -> None:
    """Append many events with one prepared INSERT run for each (batches of federation
    messages). ``bulk_create`` builds SQL with a placeholder per field and row, which cost
    as much as an event's share of the cryptography; each value is still prepared by its
    field, as ``save`` does. The events get no primary key back (none is needed)."""
    if not events:
        return
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(appended, True), connection) for f in fields)
        for appended in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 - our own table and columns


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    outcome: str = Outcome.OK,
    reason: str = "",
    object_type: str = "",
    object_id: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Objects are named by their public ``code`` when they have one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", obj.pk))
    appended = event(
        actor,
        action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        reason=reason,
        extra=extra,
    )
    if not connection.features.can_return_columns_from_insert:
        appended.save(force_insert=True)
        return appended
    # Every audited page read appends one event: one prepared INSERT returning the new
    # id, instead of save()'s SQL compilation for a single row (a tenth of the inbox's
    # time in Python). Each value is prepared by its field as save() does; no model
    # signal is sent (none is connected to AuditEvent), as with record_many.
    fields, sql = _single_insert(connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(appended, True), connection) for f in fields]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, values)
        appended.pk = cursor.fetchone()[0]
    appended._state.adding = False  # saved: save() now refuses, as for any stored event
    appended._state.db = connection.alias
    return appended


@functools.cache
def _single_insert(vendor: str) -> tuple[list[models.Field[Any, Any]], str]:
    """The fields and the INSERT ... RETURNING statement of :func:`record` (per
    database vendor: quoting differs)."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    pk = connection.ops.quote_name(AuditEvent._meta.pk.column)
    return fields, f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608 - our own table and columns
