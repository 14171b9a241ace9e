"""The provider's side: its orders with their deadlines, acknowledging one, answering
with a statement and files that go straight into the evidence store with custody events;
the officer sees the answer on the request's page."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.cases.actions import do_open_case
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf
from hanoinet.node.providers.models import ProviderOrder, ProviderResponse, ServiceProvider
from hanoinet.node.requests.models import CooperationRequest, RequestEvent
from tests.conftest import actor_for
from tests.node.providers.conftest import ClientFor

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def test_the_list_shows_own_orders_open_first_with_deadlines(
    verified_client: ClientFor,
    poc: User,
    van: User,
    order: ProviderOrder,
    incoming: CooperationRequest,
    fpt: ServiceProvider,
) -> None:
    from hanoinet.node.providers.actions import do_order_provider

    other = do_order_provider(
        actor_for(poc),
        incoming,
        provider=fpt,
        kind="preserve",
        what="FPT's data",
        due_at=timezone.now() + timedelta(days=5),
    )
    ProviderOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(days=1))
    page = verified_client(van).get("/providers/orders/").content.decode()
    assert f'href="/providers/orders/{order.code}/"' in page
    assert f"/providers/orders/{other.code}/" not in page
    assert "overdue" in page
    assert 'href="/providers/orders/"' in page  # the liaison's navigation
    assert 'href="/requests/"' not in page  # and nothing of the officers'
    assert AuditEvent.objects.filter(action="provider.order.list", actor=van).exists()


def test_the_order_page_states_the_order_and_not_the_request(
    verified_client: ClientFor, van: User, order: ProviderOrder
) -> None:
    page = verified_client(van).get(f"/providers/orders/{order.code}/").content.decode()
    assert "Order to preserve data" in page
    assert "Subscriber information and traffic data of +85512345678" in page
    assert "Do not notify the subscriber." in page
    assert "Article 42 of the United Nations Convention against Cybercrime" in page
    assert "24/7 desk" in page  # who issued it
    # Nothing of the request beyond the order: not its facts, references or State.
    assert "fake investment platform" not in page
    assert "KHM-preservation" not in page
    assert str(order.request.code) not in page
    read = AuditEvent.objects.get(action="provider.order.read", actor=van)
    assert (read.object_id, read.outcome) == (str(order.code), "ok")


def test_it_requires_login(client: Client, order: ProviderOrder) -> None:
    for path in ("/providers/orders/", f"/providers/orders/{order.code}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    client.post(f"/providers/orders/{order.code}/", {"action": "acknowledge"})
    assert ProviderOrder.objects.get().status == "sent"


@pytest.mark.parametrize("who", ["phuong", "poc", "mallory"])
def test_it_checks_access(
    verified_client: ClientFor,
    request: pytest.FixtureRequest,
    order: ProviderOrder,
    evidence_dir: Path,
    who: str,
) -> None:
    outsider: User = request.getfixturevalue(who)
    browser = verified_client(outsider)
    assert browser.get(f"/providers/orders/{order.code}/").status_code == 404
    assert (
        browser.post(f"/providers/orders/{order.code}/", {"action": "acknowledge"}).status_code
        == 404
    )
    answer = browser.post(
        f"/providers/orders/{order.code}/",
        {"action": "respond", "statement": "here", "attachments": [upload("a.csv", b"a,b\n")]},
    )
    assert answer.status_code == 404
    denied = AuditEvent.objects.filter(action="provider.order.read", actor=outsider)
    assert {e.outcome for e in denied} == {"denied"}
    assert ProviderOrder.objects.get().status == "sent"
    assert not ProviderResponse.objects.exists()
    assert not EvidenceItem.objects.exists()


def test_officers_and_people_without_a_provider_have_no_list(
    verified_client: ClientFor, poc: User, mallory: User
) -> None:
    for user in (poc, mallory):
        assert verified_client(user).get("/providers/orders/").status_code == 403


def test_acknowledge_once(verified_client: ClientFor, van: User, order: ProviderOrder) -> None:
    browser = verified_client(van)
    page = browser.post(
        f"/providers/orders/{order.code}/", {"action": "acknowledge"}, follow=True
    ).content.decode()
    assert "The order is acknowledged." in page
    order.refresh_from_db()
    assert order.status == "acknowledged"
    assert order.acknowledged_at is not None
    assert RequestEvent.objects.filter(event="provider_acknowledged").count() == 1
    page = browser.post(
        f"/providers/orders/{order.code}/", {"action": "acknowledge"}, follow=True
    ).content.decode()
    assert "this order was acknowledged or answered already" in page
    assert RequestEvent.objects.filter(event="provider_acknowledged").count() == 1


def test_respond_with_files_into_the_evidence_store(
    verified_client: ClientFor,
    van: User,
    poc: User,
    order: ProviderOrder,
    evidence_dir: Path,
) -> None:
    case = do_open_case(actor_for(poc), reference="KHM-7", title="Investment fraud", summary="")
    CooperationRequest.objects.filter(pk=order.request_id).update(case=case)
    page = (
        verified_client(van)
        .post(
            f"/providers/orders/{order.code}/",
            {
                "action": "respond",
                "statement": "Data preserved from 1 to 20 October 2026.",
                "attachments": [
                    upload("subscriber.csv", b"msisdn,name\n+85512345678,Sok\n"),
                    upload("cdr.json", b'[{"from": "+85512345678"}]'),
                ],
            },
            follow=True,
        )
        .content.decode()
    )
    assert "Your response is received; its files are stored as evidence." in page
    assert "subscriber.csv" in page  # the provider's receipt: names, sizes, SHA-256
    response = ProviderResponse.objects.get()
    items = list(response.items.order_by("filename"))
    assert [i.filename for i in items] == ["cdr.json", "subscriber.csv"]
    for item in items:
        assert item.source == "provider_response"
        assert item.case == case
        assert item.acquired_by == "Viettel Telecom (van)"
        assert item.method == "uploaded by the provider through the provider portal"
        assert item.digest in page
        kinds = list(LedgerLeaf.objects.filter(item=item).values_list("kind", flat=True))
        assert kinds == ["acquired", "hashed", "sealed"]
    assert list(evidence_dir.rglob("*"))  # stored, sealed
    order.refresh_from_db()
    assert (order.status, order.answered_at) == ("answered", response.submitted_at)
    event = RequestEvent.objects.get(event="provider_responded")
    assert event.details["files"] == 2
    # The officer sees the response on the request's page, with links to the items.
    officer = verified_client(poc).get(f"/requests/{order.request.code}/").content.decode()
    assert "Data preserved from 1 to 20 October 2026." in officer
    for item in items:
        assert f'href="/evidence/{item.code}/"' in officer


def test_a_statement_alone_answers(
    verified_client: ClientFor, van: User, order: ProviderOrder, evidence_dir: Path
) -> None:
    verified_client(van).post(
        f"/providers/orders/{order.code}/",
        {"action": "respond", "statement": "No data is held for this number."},
    )
    assert ProviderResponse.objects.get().items.count() == 0
    assert ProviderOrder.objects.get().status == "answered"


@pytest.mark.parametrize(
    ("statement", "files", "message"),
    [
        ("", [], "This field is required."),
        ("", [("a.csv", b"a,b\n")], "This field is required."),
        ("x", [("big.csv", b"a," * 1000)], "larger than the limit"),
        ("x", [("tool.exe", b"MZ\x90\x00\x03\x00")], "not a picture"),
        ("x", [("empty.txt", b"")], "The submitted file is empty."),
        ("x", [("a.txt", b"a")] * 21, "at most 20 files"),
    ],
)
def test_it_rejects_bad_input(
    verified_client: ClientFor,
    van: User,
    order: ProviderOrder,
    evidence_dir: Path,
    settings: Settings,
    statement: str,
    files: list[tuple[str, bytes]],
    message: str,
) -> None:
    settings.HANOINET_PROVIDER_MAX_FILE_BYTES = 1024
    page = verified_client(van).post(
        f"/providers/orders/{order.code}/",
        {
            "action": "respond",
            "statement": statement,
            "attachments": [upload(name, content) for name, content in files],
        },
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not ProviderResponse.objects.exists()
    assert not EvidenceItem.objects.exists()
    assert not LedgerLeaf.objects.exists()
    assert ProviderOrder.objects.get().status == "sent"
    assert not RequestEvent.objects.filter(event="provider_responded").exists()
