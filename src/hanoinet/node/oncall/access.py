"""Pages and rosters are visible to the members of their unit only."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from hanoinet.node.audit.actor import Actor
from hanoinet.node.oncall.models import Page, RosterShift


def pages_for_user(actor: Actor) -> QuerySet[Page]:
    user = actor.user
    if user is None or not user.is_active or user.unit_id is None:
        return Page.objects.none()
    return Page.objects.filter(unit_id=user.unit_id)


def get_page_for_user(actor: Actor, code: uuid.UUID | str) -> Page:
    try:
        return pages_for_user(actor).select_related("acknowledged_by").get(code=code)
    except (Page.DoesNotExist, ValueError):
        raise Http404("no such page") from None


def shifts_for_user(actor: Actor) -> QuerySet[RosterShift]:
    user = actor.user
    if user is None or not user.is_active or user.unit_id is None:
        return RosterShift.objects.none()
    return RosterShift.objects.filter(unit_id=user.unit_id).select_related(
        "primary", "backup", "supervisor"
    )
