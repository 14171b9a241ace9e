"""Who sees which provider orders; every read is audited.

A provider's liaison sees the orders addressed to their own provider, and of each only
what the order states: never the request behind it. Officers see the orders of the
requests they may see.
"""

from __future__ import annotations

import uuid

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.providers.models import ProviderOrder, ServiceProvider
from hanoinet.node.requests.access import visible_requests
from hanoinet.node.requests.models import CooperationRequest

# The officers who execute requests and so may order a provider.
ORDERING_ROLES = frozenset({Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY, Role.INVESTIGATOR})


def provider_of(actor: Actor) -> ServiceProvider | None:
    """The provider the actor speaks for, if they are one of its active liaison officers."""
    user = actor.user
    if user is None or not user.is_active:
        return None
    if not user.has_role(Role.PROVIDER_LIAISON):
        return None
    if user.unit_id is None:
        return None
    return ServiceProvider.objects.filter(unit_id=user.unit_id).first()


def may_order(actor: Actor) -> bool:
    user = actor.user
    return user is not None and user.is_active and user.has_role(*ORDERING_ROLES)


def _open_first(rows: QuerySet[ProviderOrder]) -> QuerySet[ProviderOrder]:
    answered = Case(
        When(status=ProviderOrder.Status.ANSWERED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return rows.annotate(answered_last=answered).order_by("answered_last", "due_at", "id")


def orders_for_provider(actor: Actor) -> QuerySet[ProviderOrder]:
    provider = provider_of(actor)
    if provider is None:
        return ProviderOrder.objects.none()
    return _open_first(ProviderOrder.objects.filter(provider=provider).select_related("provider"))


def _denied(actor: Actor, code: object) -> Http404:
    record(
        actor,
        "provider.order.read",
        outcome=Outcome.DENIED,
        object_type="providers.providerorder",
        object_id=str(code)[:64],
        reason="missing or not accessible",
    )
    return Http404("no such order")


def get_order_for_provider(actor: Actor, code: uuid.UUID | str) -> ProviderOrder:
    """An order of the actor's own provider; 404 (audited) for a missing or another's."""
    try:
        order = orders_for_provider(actor).get(code=uuid.UUID(str(code)))
    except (ProviderOrder.DoesNotExist, ValueError):
        raise _denied(actor, code) from None
    record(actor, "provider.order.read", order)
    return order


def orders_for_officer(actor: Actor) -> QuerySet[ProviderOrder]:
    if not may_order(actor):
        return ProviderOrder.objects.none()
    return _open_first(
        ProviderOrder.objects.filter(request__in=visible_requests(actor).values("pk"))
    ).select_related("provider", "request")


def orders_of_request(request: CooperationRequest) -> QuerySet[ProviderOrder]:
    """The orders on a request the caller has already reached through ``get_request``."""
    return (
        ProviderOrder.objects.filter(request=request)
        .select_related("provider")
        .prefetch_related("responses__items")
        .order_by("created_at", "id")
    )


def providers() -> QuerySet[ServiceProvider]:
    return ServiceProvider.objects.all()
