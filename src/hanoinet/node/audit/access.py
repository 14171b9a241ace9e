"""Reading the audit trail is for auditors only, and is itself audited."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.audit.record import Outcome, record


def search_events_for_user(
    actor: Actor,
    *,
    actor_label: str = "",
    action: str = "",
    object_id: str = "",
    outcome: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    filters = {
        "actor_label": actor_label,
        "action": action,
        "object_id": object_id,
        "outcome": outcome,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    if actor.user is None or not actor.user.has_role(Role.AUDITOR):
        record(actor, "audit.search", outcome=Outcome.DENIED, reason="not an auditor")
        raise PermissionDenied
    events = AuditEvent.objects.all()
    if actor_label:
        events = events.filter(actor_label__iexact=actor_label)
    if action:
        events = events.filter(action__startswith=action)
    if object_id:
        events = events.filter(object_id=object_id)
    if outcome:
        events = events.filter(outcome=outcome)
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    record(actor, "audit.search", extra={key: value for key, value in filters.items() if value})
    return events
