from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.cases.models import Case


class DuplicateReferenceError(ValueError):
    """The unit already has a case with this reference."""


@transaction.atomic
def do_open_case(actor: Actor, *, reference: str, title: str, summary: str) -> Case:
    user = actor.user
    if user is None or not user.works_on_cases or user.unit is None:
        raise PermissionDenied("only officers with a case role may open cases")
    if Case.objects.filter(unit=user.unit, reference=reference).exists():
        raise DuplicateReferenceError(reference)
    case = Case.objects.create(
        reference=reference, title=title, summary=summary, unit=user.unit, opened_by=user
    )
    record(actor, "case.open", case, extra={"reference": reference})
    return case
