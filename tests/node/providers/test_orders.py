"""An officer executing a request from Cambodia orders a provider; the request's page
shows the order; officers who cannot see the request cannot order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.providers.actions import OrderError, do_order_provider, prefill
from hanoinet.node.providers.models import ProviderOrder, ServiceProvider
from hanoinet.node.requests.models import CooperationRequest, RequestEvent
from tests.conftest import actor_for
from tests.node.federation.conftest import Peer
from tests.node.providers.conftest import ClientFor, receive

pytestmark = pytest.mark.django_db


def test_it_works(
    verified_client: ClientFor, poc: User, incoming: CooperationRequest, viettel: ServiceProvider
) -> None:
    browser = verified_client(poc)
    page = browser.get(f"/requests/{incoming.code}/").content.decode()
    assert f'href="/providers/requests/{incoming.code}/"' in page
    form = browser.get(f"/providers/requests/{incoming.code}/").content.decode()
    # Pre-filled from the request: the data to preserve and its identifiers.
    assert "Subscriber information and traffic data of the phone number listed" in form
    assert "+85512345678" in form
    assert str(viettel.code) in form
    due = (timezone.now() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    answer = browser.post(
        f"/providers/requests/{incoming.code}/",
        {
            "provider": str(viettel.code),
            "kind": "preserve",
            "what": "Traffic data of +85512345678",
            "due_at": due,
            "instructions": "Confidential.",
        },
        follow=True,
    )
    assert "The order is sent to Viettel Telecom." in answer.content.decode()
    order = ProviderOrder.objects.get()
    assert (order.provider, order.request, order.kind, order.status, order.article) == (
        viettel,
        incoming,
        "preserve",
        "sent",
        42,
    )
    assert RequestEvent.objects.filter(request=incoming, event="provider_ordered").exists()
    assert AuditEvent.objects.filter(action="provider.order", object_id=str(order.code)).exists()
    page = browser.get(f"/requests/{incoming.code}/").content.decode()
    assert "Viettel Telecom" in page
    assert "provider_ordered" in page  # on the timeline too


def test_it_requires_login(client: object, incoming: CooperationRequest) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    for path in ("/providers/", f"/providers/requests/{incoming.code}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_it_checks_access(
    verified_client: ClientFor,
    alice: User,
    mallory: User,
    van: User,
    incoming: CooperationRequest,
    viettel: ServiceProvider,
) -> None:
    # Alice investigates but does not execute preservation requests: she cannot see it.
    page = verified_client(alice).post(
        f"/providers/requests/{incoming.code}/",
        {
            "provider": str(viettel.code),
            "kind": "preserve",
            "what": "x",
            "due_at": "2099-01-01T00:00",
        },
    )
    assert page.status_code == 404
    assert AuditEvent.objects.filter(action="request.read", actor=alice, outcome="denied").exists()
    with pytest.raises(Http404):
        do_order_provider(
            actor_for(alice),
            incoming,
            provider=viettel,
            kind="preserve",
            what="x",
            due_at=timezone.now() + timedelta(days=1),
        )
    assert AuditEvent.objects.filter(action="provider.order", outcome="denied").exists()
    # No role, or a provider's liaison: no officer pages at all.
    for user in (mallory, van):
        assert verified_client(user).get(f"/providers/requests/{incoming.code}/").status_code == 403
        assert verified_client(user).get("/providers/").status_code == 403
    assert not ProviderOrder.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what": "   "}, "This field is required."),
        ({"due_at": "2001-01-01T00:00"}, "the deadline is in the past"),
        ({"due_at": "tomorrow"}, "Enter a valid date/time."),
        ({"kind": "produce"}, "Select a valid choice."),
        ({"provider": "00000000-0000-0000-0000-000000000000"}, "Select a valid choice."),
    ],
)
def test_it_rejects_bad_input(
    verified_client: ClientFor,
    poc: User,
    incoming: CooperationRequest,
    viettel: ServiceProvider,
    change: dict[str, str],
    message: str,
) -> None:
    data = {
        "provider": str(viettel.code),
        "kind": "preserve",
        "what": "Traffic data",
        "due_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        **change,
    }
    page = verified_client(poc).post(f"/providers/requests/{incoming.code}/", data)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not ProviderOrder.objects.exists()
    assert not RequestEvent.objects.filter(event="provider_ordered").exists()


def test_an_ended_request_leads_to_no_order(
    poc: User, incoming: CooperationRequest, viettel: ServiceProvider, verified_client: ClientFor
) -> None:
    CooperationRequest.objects.filter(pk=incoming.pk).update(status="withdrawn")
    incoming.refresh_from_db()
    with pytest.raises(OrderError, match="withdrawn"):
        do_order_provider(
            actor_for(poc),
            incoming,
            provider=viettel,
            kind="preserve",
            what="x",
            due_at=timezone.now() + timedelta(days=1),
        )
    page = verified_client(poc).get(f"/providers/requests/{incoming.code}/").content.decode()
    assert "does not, or no longer, lead to orders" in page
    assert not ProviderOrder.objects.exists()


def test_production_orders_follow_a_stored_data_request(
    client: object, khm: Peer, make_user: object, viettel: ServiceProvider
) -> None:
    from django.test import Client

    from hanoinet.node.accounts.models import Unit
    from hanoinet.node.accounts.roles import Role

    assert isinstance(client, Client)
    request = receive(client, khm, "stored_data")
    assert "Subscriber and login records of the account" in prefill(request, "produce")
    unit = Unit.objects.create(name="Central authority", kind=Unit.Kind.CENTRAL_AUTHORITY)
    officer = make_user("minh", unit, [Role.CENTRAL_AUTHORITY])  # type: ignore[operator]
    order = do_order_provider(
        actor_for(officer),
        request,
        provider=viettel,
        kind="produce",
        what=prefill(request, "produce"),
        due_at=timezone.now() + timedelta(days=14),
    )
    assert order.article == 44
    with pytest.raises(OrderError, match="possible: produce, preserve"):
        do_order_provider(
            actor_for(officer),
            request,
            provider=viettel,
            kind="seize",
            what="x",
            due_at=timezone.now() + timedelta(days=1),
        )


def test_the_overview_lists_orders_open_first_and_marks_overdue(
    verified_client: ClientFor, poc: User, order: ProviderOrder, fpt: ServiceProvider
) -> None:
    ProviderOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(hours=1))
    page = verified_client(poc).get("/providers/").content.decode()
    assert "Viettel Telecom" in page
    assert "overdue" in page
    assert "FPT Telecom" in page  # registered providers
    assert 'href="/providers/"' in page  # in the officer's navigation
