"""Reading the register: any signed-in officer may browse it; reads are audited."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.register.models import RegisterState


def _require_officer(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_active:
        raise Http404


def search_states(
    actor: Actor, *, query: str = "", language: str = "", capability: str = ""
) -> QuerySet[RegisterState]:
    _require_officer(actor)
    states = RegisterState.objects.prefetch_related("authorities", "keys")
    if query:
        states = states.filter(Q(code__iexact=query) | Q(name__icontains=query))
    rows = list(states)
    # Languages and capabilities are JSON lists: filtered in Python, the register is
    # small (a few hundred States) and JSON containment differs between databases.
    codes = [
        row.code
        for row in rows
        if (not language or language in row.languages)
        and (not capability or capability in row.capabilities)
    ]
    record(
        actor,
        "register.search",
        object_type="register.state",
        extra={
            k: v
            for k, v in {"q": query, "language": language, "capability": capability}.items()
            if v
        },
    )
    return states.filter(code__in=codes)


def get_state(actor: Actor, code: str) -> RegisterState:
    _require_officer(actor)
    try:
        state = RegisterState.objects.prefetch_related("authorities", "keys").get(code=code.upper())
    except RegisterState.DoesNotExist:
        raise Http404("no such State in the register") from None
    record(actor, "register.read", object_type="register.state", object_id=state.code)
    return state
