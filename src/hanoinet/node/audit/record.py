"""Writing audit events. Views, access functions and actions call :func:`record`."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.rows import insert_rows, new_row, prepared_values

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
    appended = new_row(
        AuditEvent,
        {
            "at": timezone.now(),
            "actor_id": None,
            "actor_label": actor.label,
            "action": action,
            "outcome": outcome,
            "object_type": object_type,
            "object_id": object_id,
            "reason": reason,
            "client_ip": actor.client_ip,
            "user_agent": actor.user_agent,
            "extra": extra or {},
        },
    )
    if actor.user is not None:
        appended.actor = actor.user
    return appended


def record_many(events: list[AuditEvent]) -> None:
    """Append many events with one prepared INSERT run for all (batches of federation
    messages, where the ORM's per-row work cost as much as a message's cryptography)."""
    insert_rows(AuditEvent, events)


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
    # time in Python). Values are prepared as for record_many (hanoinet.node.rows); no
    # model signal is sent (none is connected to AuditEvent), as with record_many.
    sql = _single_insert(connection.vendor)
    values = prepared_values(AuditEvent, appended)
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, values)
        appended.pk = cursor.fetchone()[0]
    appended._state.adding = False  # saved: save() now refuses, as for any stored event
    appended._state.db = connection.alias
    return appended


@functools.cache
def _single_insert(vendor: str) -> str:
    """The INSERT ... RETURNING statement of :func:`record` (per database vendor: quoting
    differs), its columns in the order of ``prepared_values``."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    pk = connection.ops.quote_name(AuditEvent._meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608 - our own table and columns
