"""The Conference report of this node: counts and delays of cooperation, no case data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q

from hanoinet.core.statistics import RequestFacts, report
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.requests.models import CooperationRequest, RequestEvent

# Who may build the report: it holds no case data, but it describes the State's work.
STATISTICS_ROLES = frozenset({Role.CENTRAL_AUTHORITY, Role.AUDITOR, Role.NODE_ADMIN})
DECISIONS = ("execute", "execute_partially", "refuse")


def may_see_statistics(actor: Actor) -> bool:
    user = actor.user
    return actor.user is None or bool(user and user.role_set() & STATISTICS_ROLES)


def conference_report(actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Built in three queries whatever the number of requests."""
    if not may_see_statistics(actor):
        record(actor, "statistics.report", outcome="denied", object_type="statistics")
        raise PermissionDenied
    rows = (
        CooperationRequest.objects.exclude(status="draft")
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .annotate(
            sent_at=Min("events__at", filter=Q(events__event__in=("send", "approve", "received"))),
            acknowledged_at=Min("events__at", filter=Q(events__event="acknowledge")),
            decided_at=Min("events__at", filter=Q(events__event__in=DECISIONS)),
        )
        .values(
            "pk",
            "kind",
            "direction",
            "counterpart",
            "status",
            "urgency",
            "created_at",
            "sent_at",
            "acknowledged_at",
            "decided_at",
        )
    )
    grounds: dict[int, tuple[str, ...]] = {}
    refusals = RequestEvent.objects.filter(
        event="refuse", request__created_at__date__gte=start, request__created_at__date__lte=end
    ).values_list("request_id", "details")
    for request_id, details in refusals:
        listed = details.get("grounds", []) if isinstance(details, dict) else []
        grounds[request_id] = tuple(str(g)[:60] for g in listed if isinstance(g, str))
    facts = [
        RequestFacts(
            kind=row["kind"],
            direction=row["direction"],
            counterpart=row["counterpart"],
            status=row["status"],
            urgency=row["urgency"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
            acknowledged_at=row["acknowledged_at"],
            decided_at=row["decided_at"],
            refusal_grounds=grounds.get(row["pk"], ()),
        )
        for row in rows
    ]
    result = report(facts, state=settings.HANOINET_STATE, start=start, end=end)
    record(
        actor,
        "statistics.report",
        object_type="statistics",
        extra={"from": start.isoformat(), "to": end.isoformat(), "requests": len(facts)},
    )
    return result
