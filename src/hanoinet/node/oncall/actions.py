"""Paging, acknowledging and escalating: each step atomic, audited, timestamped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.audit.actor import Actor, system_actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.oncall.channels import deliver
from hanoinet.node.oncall.models import Page, RosterShift, Urgency
from hanoinet.node.oncall.roster import people_to_call

logger = logging.getLogger("hanoinet.oncall")
LAST_LEVEL = len(Page.LEVELS) - 1


def ack_deadline(urgency: str) -> timedelta | None:
    """How long a human has to acknowledge before the next level is called."""
    seconds = settings.HANOINET_ACK_SECONDS.get(urgency, 0)
    return timedelta(seconds=seconds) if seconds else None


def _notify(page_id: int, level: int, moment: datetime) -> None:
    page = Page.objects.select_related("unit").get(pk=page_id)
    people = people_to_call(page.unit, level, moment)
    if not people:
        logger.error("page %s: nobody to call at level %s in %s", page.code, level, page.unit)
    for person in people:
        deliver(page, person, level)


@transaction.atomic
def do_page_unit(
    actor: Actor,
    unit: Unit,
    *,
    urgency: str,
    subject: str,
    link: str = "",
    object_type: str = "",
    object_id: str = "",
    now: datetime | None = None,
) -> Page:
    now = now or timezone.now()
    deadline = ack_deadline(urgency)
    page = Page.objects.create(
        unit=unit,
        urgency=Urgency(urgency),
        subject=subject[:300],
        link=link[:300],
        object_type=object_type,
        object_id=object_id,
        created_at=now,
        next_escalation_at=now + deadline if deadline else None,
    )
    record(actor, "oncall.page", page, extra={"urgency": urgency, "unit": unit.name})
    transaction.on_commit(lambda: _notify(page.pk, 0, now))
    return page


@transaction.atomic
def do_acknowledge_page(actor: Actor, page: Page, *, now: datetime | None = None) -> Page:
    """A human takes the page; escalation stops. Only members of the paged unit may."""
    user = actor.user
    if user is None or user.unit_id != page.unit_id:
        raise PermissionDenied("only officers of the paged unit acknowledge")
    now = now or timezone.now()
    # Conditional update: two officers pressing at once, or the escalation loop racing,
    # leave exactly one acknowledgement.
    updated = Page.objects.filter(pk=page.pk, status=Page.Status.OPEN).update(
        status=Page.Status.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_by=user,
        next_escalation_at=None,
    )
    page.refresh_from_db()
    record(
        actor,
        "oncall.acknowledge",
        page,
        outcome=Outcome.OK if updated else Outcome.FAILED,
        reason="" if updated else f"already {page.status}",
        extra={"seconds_to_ack": (now - page.created_at).total_seconds() if updated else None},
    )
    return page


def escalate_due_pages(now: datetime | None = None) -> int:
    """Call the next level for every open page past its deadline; returns how many."""
    now = now or timezone.now()
    escalated = 0
    due = Page.objects.filter(status=Page.Status.OPEN, next_escalation_at__lte=now).values_list(
        "pk", "level", "urgency"
    )[:100]
    for pk, level, urgency in due:
        deadline = ack_deadline(urgency) or timedelta(minutes=15)
        if level >= LAST_LEVEL:
            claimed = Page.objects.filter(pk=pk, status=Page.Status.OPEN, level=level).update(
                status=Page.Status.EXHAUSTED, next_escalation_at=None
            )
            if claimed:
                page = Page.objects.get(pk=pk)
                record(system_actor("escalation"), "oncall.exhausted", page, outcome=Outcome.FAILED)
                logger.error("page %s: nobody acknowledged, supervisor included", page.code)
            continue
        # Claim by conditional update: several workers never escalate one page twice.
        claimed = Page.objects.filter(pk=pk, status=Page.Status.OPEN, level=level).update(
            level=level + 1, next_escalation_at=now + deadline
        )
        if not claimed:
            continue
        page = Page.objects.get(pk=pk)
        record(
            system_actor("escalation"), "oncall.escalate", page, extra={"level": page.level_name}
        )
        _notify(pk, level + 1, now)
        escalated += 1
    return escalated


@transaction.atomic
def do_add_shift(
    actor: Actor,
    unit: Unit,
    *,
    starts_at: datetime,
    ends_at: datetime,
    primary: User,
    backup: User,
    supervisor: User,
) -> RosterShift:
    user = actor.user
    if user is None or user.unit_id != unit.pk:
        raise PermissionDenied("only officers of the unit plan its roster")
    if ends_at <= starts_at:
        raise ValueError("a shift ends after it starts")
    for person in (primary, backup, supervisor):
        if person.unit_id != unit.pk:
            raise ValueError(f"{person.get_username()} is not a member of {unit}")
    shift = RosterShift.objects.create(
        unit=unit,
        starts_at=starts_at,
        ends_at=ends_at,
        primary=primary,
        backup=backup,
        supervisor=supervisor,
    )
    record(actor, "oncall.shift_add", shift, extra={"primary": primary.get_username()})
    return shift
