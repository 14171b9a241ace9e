"""Who may see evidence: the case roles; every read audited."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from hanoinet.node.accounts.roles import CASE_ROLES
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.evidence.models import EvidenceItem


def may_handle_evidence(actor: Actor) -> bool:
    user = actor.user
    return user is None or bool(user.role_set() & CASE_ROLES)


def items(actor: Actor) -> QuerySet[EvidenceItem]:
    if not may_handle_evidence(actor):
        return EvidenceItem.objects.none()
    return EvidenceItem.objects.all()


def get_item(actor: Actor, code: uuid.UUID | str) -> EvidenceItem:
    try:
        item = items(actor).get(code=uuid.UUID(str(code)))
    except (EvidenceItem.DoesNotExist, ValueError):
        record(
            actor,
            "evidence.read",
            outcome=Outcome.DENIED,
            object_type="evidence.evidenceitem",
            object_id=str(code)[:64],
            reason="missing or not accessible",
        )
        raise Http404("no such item") from None
    record(actor, "evidence.read", item)
    return item
