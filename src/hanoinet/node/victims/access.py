"""The only ways to reach victims' reports, each audited.

Officers: victim support, analysts and investigators read reports; everyone else gets a
404. Victims: the reference and the secret together, or nothing; a wrong secret and an
unknown reference look the same, and failures from one address are throttled so that
references cannot be enumerated.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hanoinet.core.reporting import clean_reference
from hanoinet.node.accounts.roles import Role
from hanoinet.node.accounts.throttle import locked_until, note_failure
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.victims.actions import check_secret
from hanoinet.node.victims.models import VictimReport

READER_ROLES = frozenset({Role.VICTIM_SUPPORT, Role.ANALYST, Role.INVESTIGATOR})


class LookupThrottledError(Exception):
    """Too many wrong references or secrets from this address; try again later."""


def may_read_reports(actor: Actor) -> bool:
    return actor.user is not None and actor.user.has_role(*READER_ROLES)


def reports_for_user(actor: Actor) -> QuerySet[VictimReport]:
    if not may_read_reports(actor):
        return VictimReport.objects.none()
    return VictimReport.objects.all()


def list_reports_for_user(
    actor: Actor, *, triage: str = "", query: str = ""
) -> QuerySet[VictimReport]:
    reports = reports_for_user(actor).order_by("-submitted_at", "-id")
    if triage in VictimReport.Triage.values:
        reports = reports.filter(triage=triage)
    if query:
        reference = clean_reference(query)
        reports = reports.filter(
            Q(identifiers__link_key__icontains=query) | Q(reference=reference or query)
        ).distinct()
    record(
        actor,
        "victim.list",
        object_type="victims.report",
        extra={"triage": triage, "query": query[:200]},
    )
    return reports


def get_report_for_user(actor: Actor, code: uuid.UUID | str) -> VictimReport:
    try:
        report = reports_for_user(actor).get(code=code)
    except (VictimReport.DoesNotExist, ValueError):
        record(
            actor,
            "victim.read",
            outcome=Outcome.DENIED,
            object_type="victims.report",
            object_id=str(code)[:64],
            reason="missing or not accessible",
        )
        raise Http404("no such report") from None
    record(actor, "victim.read", report)
    return report


def _throttle_keys(actor: Actor) -> list[str]:
    return [f"portal:ip:{actor.client_ip or 'unknown'}"]


def report_for_victim(actor: Actor, reference: str, secret: str) -> VictimReport | None:
    """The victim's own report, or None for any wrong reference or secret."""
    now = timezone.now()
    keys = _throttle_keys(actor)
    if locked_until(keys, now) is not None:
        raise LookupThrottledError
    cleaned = clean_reference(reference)
    report = VictimReport.objects.filter(reference=cleaned).first() if cleaned else None
    if report is None or not check_secret(report, secret):
        note_failure(keys, now)
        record(
            actor,
            "victim.status",
            outcome=Outcome.DENIED,
            object_type="victims.report",
            object_id=(cleaned or "")[:64],
            reason="wrong reference or secret",
        )
        return None
    record(actor, "victim.status", report)
    return report


def report_in_session(actor: Actor, code: str | None) -> VictimReport | None:
    """The report a victim opened earlier in this browser session."""
    if not code:
        return None
    try:
        report = VictimReport.objects.get(code=code)
    except (VictimReport.DoesNotExist, ValueError):
        return None
    record(actor, "victim.status", report)
    return report
