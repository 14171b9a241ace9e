"""Writing audit events. Views, access functions and actions call :func:`record`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.rows import insert_row, insert_rows, new_row

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
    # Every audited page read appends one event: one prepared INSERT returning the new
    # id, instead of save()'s SQL compilation for a single row (a tenth of the inbox's
    # time in Python). No model signal is sent (none is connected to AuditEvent), as
    # with record_many.
    insert_row(AuditEvent, appended)
    return appended
