"""Deadlines nobody may miss: the end of a preservation (Art. 42) and the formal request
that must follow an emergency (Art. 41).

A worker job looks for deadlines that have come, pages the unit that must act, and notes
the reminder on the request's timeline so that it is sent once, even with several workers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hanoinet.core.convention.lifecycle import Side
from hanoinet.core.convention.limits import due_offsets
from hanoinet.node.accounts.models import Unit
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.jobs import register_job
from hanoinet.node.oncall.actions import do_page_unit
from hanoinet.node.requests.actions import _event
from hanoinet.node.requests.models import CooperationRequest

ACTOR = "deadline reminders"
OVERDUE = "followup:overdue"


def _unit_for(request: CooperationRequest) -> Unit | None:
    """Our side's unit: the drafting unit of a request we sent, the 24/7 unit otherwise."""
    if request.direction == CooperationRequest.Direction.OUTGOING and request.unit_id:
        return request.unit
    return Unit.objects.filter(kind=Unit.Kind.POINT_OF_CONTACT).order_by("id").first()


def _remind(
    request: CooperationRequest, marker: str, event: str, subject: str, details: dict[str, object]
) -> None:
    actor = system_actor(ACTOR)
    request.reminders_sent = [*request.reminders_sent, marker]
    request.save(update_fields=["reminders_sent"])
    _event(request, event, Side.SYSTEM, request.status, actor, details)
    unit = _unit_for(request)
    if unit is not None:
        do_page_unit(
            actor,
            unit,
            urgency="routine",
            subject=subject,
            link=reverse("requests:detail", args=[request.code]),
            object_type="requests.cooperationrequest",
            object_id=str(request.code),
        )


def preservation_reminders(now: datetime) -> int:
    offsets = tuple(settings.HANOINET_PRESERVATION_REMINDER_DAYS)
    if not offsets:
        return 0
    horizon = now + timedelta(days=max(offsets))
    candidates = CooperationRequest.objects.filter(
        kind="preservation",
        held_pending_mla=False,
        preserved_until__gt=now,
        preserved_until__lte=horizon,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(candidates[:500]):
        with transaction.atomic():
            request = (
                CooperationRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, held_pending_mla=False)
                .first()
            )
            if request is None or request.preserved_until is None:
                continue
            done = {
                int(marker.split(":")[1])
                for marker in request.reminders_sent
                if marker.startswith("preservation:")
            }
            for offset in due_offsets(
                request.preserved_until, now, sent=frozenset(done), offsets=offsets
            ):
                ends = request.preserved_until.strftime("%Y-%m-%d")
                subject = (
                    f"Preservation {'for' if request.direction == 'outgoing' else 'from'} "
                    f"{request.counterpart} ends on {ends} ({offset} days): "
                    "the mutual legal assistance request must follow"
                )
                _remind(
                    request,
                    f"preservation:{offset}",
                    "reminder",
                    subject,
                    {
                        "days_before_end": offset,
                        "preserved_until": request.preserved_until.isoformat(),
                    },
                )
                sent += 1
    return sent


def followup_reminders(now: datetime) -> int:
    """An emergency request we sent whose formal request is overdue pages our unit once."""
    candidates = CooperationRequest.objects.filter(
        direction=CooperationRequest.Direction.OUTGOING, followup_due__lte=now
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(candidates[:500]):
        with transaction.atomic():
            request = (
                CooperationRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            )
            if request is None or request.followup_due is None or OVERDUE in request.reminders_sent:
                continue
            _remind(
                request,
                OVERDUE,
                "followup_overdue",
                f"The formal request after the emergency request to {request.counterpart} "
                f"was due on {request.followup_due:%Y-%m-%d}",
                {"due": request.followup_due.isoformat()},
            )
            sent += 1
    return sent


@register_job("requests-deadlines", every_seconds=float(settings.HANOINET_DEADLINE_CHECK_SECONDS))
def remind_deadlines() -> int:
    now = timezone.now()
    return preservation_reminders(now) + followup_reminders(now)
