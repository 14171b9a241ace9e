"""The only way views and the API reach case files. Each read is audited.

A case is visible to active members of its unit who hold a case role; everyone else
gets a 404, so that "not yours" cannot be told apart from "does not exist".
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.cases.models import Case


def cases_for_user(actor: Actor) -> QuerySet[Case]:
    user = actor.user
    if user is None or not user.works_on_cases or user.unit_id is None:
        return Case.objects.none()
    return Case.objects.filter(unit_id=user.unit_id)


def list_cases_for_user(actor: Actor, *, query: str = "") -> QuerySet[Case]:
    cases = cases_for_user(actor).select_related("opened_by")
    if query:
        cases = cases.filter(reference__icontains=query) | cases.filter(title__icontains=query)
    record(actor, "case.list", object_type="cases.case", extra={"query": query[:200]})
    return cases


def get_case_for_user(actor: Actor, code: uuid.UUID | str) -> Case:
    try:
        case = cases_for_user(actor).select_related("opened_by", "unit").get(code=code)
    except (Case.DoesNotExist, ValueError):
        record(
            actor,
            "case.read",
            outcome=Outcome.DENIED,
            object_type="cases.case",
            object_id=str(code)[:64],
            reason="missing or not accessible",
        )
        raise Http404("no such case") from None
    record(actor, "case.read", case)
    return case
