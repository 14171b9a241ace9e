"""Who may see and handle which cooperation requests; every read is audited."""

from __future__ import annotations

import contextlib
import functools
import uuid
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.kinds import Channel
from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.requests.models import CooperationRequest

# A 24/7 point of contact sends preservation and emergency requests; MLA goes through the
# central authority; police-to-police cooperation through law enforcement.
CHANNEL_ROLES = {
    Channel.POINT_OF_CONTACT: Role.POINT_OF_CONTACT,
    Channel.CENTRAL_AUTHORITY: Role.CENTRAL_AUTHORITY,
    Channel.LAW_ENFORCEMENT: Role.INVESTIGATOR,
}


def kinds_for(user: User | None) -> list[str]:
    if user is None or not user.is_active:
        return []
    return list(_kinds_for_roles(user.role_set()))


@functools.cache
def _kinds_for_roles(roles: frozenset[str]) -> tuple[str, ...]:
    # A page asks several times (filters, forms, the list itself): the answer depends on
    # the role set only, which User.role_set() reads once per request.
    return tuple(
        code
        for code, kind in KINDS.items()
        if any(CHANNEL_ROLES[c] in roles for c in kind.channels)
    )


def may_handle(user: User | None, kind: str) -> bool:
    return kind in kinds_for(user)


def visible_requests(actor: Actor) -> QuerySet[CooperationRequest]:
    user = actor.user
    kinds = kinds_for(user)
    if not kinds or user is None:
        return CooperationRequest.objects.none()
    mine = Q(direction=CooperationRequest.Direction.OUTGOING) & (
        Q(unit_id=user.unit_id) | Q(created_by=user)
    )
    incoming = Q(direction=CooperationRequest.Direction.INCOMING)
    return CooperationRequest.objects.filter(Q(kind__in=kinds) & (mine | incoming))


# "Due soon": preservations ending, and promised formal requests falling due, within
# this many days.
DUE_SOON_DAYS = 14


def due_soon(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    horizon = now + timedelta(days=DUE_SOON_DAYS)
    return Q(preserved_until__gt=now, preserved_until__lte=horizon) | Q(followup_due__lte=horizon)


def list_requests(
    actor: Actor,
    *,
    direction: str = "",
    status: str = "",
    kind: str = "",
    state: str = "",
    urgency: str = "",
    due: str = "",
    q: str = "",
) -> QuerySet[CooperationRequest]:
    # The lists never show the request's content: leave the JSON columns in the database.
    rows = visible_requests(actor).defer(
        "fields", "conditions", "conditions_text", "onward_authorised"
    )
    filters = {
        "direction": direction,
        "status": status,
        "kind": kind,
        "counterpart": state.upper(),
        "urgency": urgency,
    }
    rows = rows.filter(**{key: value for key, value in filters.items() if value})
    if due == "soon":
        rows = rows.filter(due_soon())
    text = q.strip()[:100]
    if text:
        # References of either side, or the request's code; never the content.
        match = Q(reference__icontains=text) | Q(their_reference__icontains=text)
        with contextlib.suppress(ValueError):  # not a code: references only
            match |= Q(code=uuid.UUID(text))
        rows = rows.filter(match)
    searched = {**filters, "due": due, "q": text}
    record(
        actor,
        "request.list",
        object_type="requests.cooperationrequest",
        extra={k: v for k, v in searched.items() if v},
    )
    return rows


def get_request(actor: Actor, code: uuid.UUID | str) -> CooperationRequest:
    try:
        request = visible_requests(actor).get(code=uuid.UUID(str(code)))
    except (CooperationRequest.DoesNotExist, ValueError):
        record(
            actor,
            "request.read",
            outcome=Outcome.DENIED,
            object_type="requests.cooperationrequest",
            object_id=str(code)[:64],
            reason="missing or not accessible",
        )
        raise Http404("no such request") from None
    record(actor, "request.read", request)
    return request
