"""Sending a court bundle on a request's thread: the offer, the sealed chunks served only
for the offer's token, the receiver's confirmation as a custody event; bad offers from a
peer are dropped and audited. (Both sides together: tests/flows/test_transfer_network.py.)"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from hanoinet.core.convention.examples import example
from hanoinet.core.evidence.transfer import open_chunk, parse_offer
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.evidence.actions import do_ingest_item
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf, Transfer
from hanoinet.node.federation.handlers import dispatch
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.requests.models import CooperationRequest
from tests.conftest import actor_for
from tests.node.federation.conftest import Peer
from tests.node.federation.test_requests import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


@pytest.fixture
def item(evidence_dir: Path, poc: User) -> EvidenceItem:
    return do_ingest_item(
        actor_for(poc),
        io.BytesIO(b"subscriber records\n" * 1000),
        filename="records.txt",
        description="Provider's answer",
        source_kind="provider_response",
        acquired_by="linh",
        exhibit_number="E-1",
    )


def test_an_officer_sends_a_bundle_and_only_the_token_holder_gets_its_chunks(
    client: Client,
    khm: Peer,
    poc: User,
    item: EvidenceItem,
    verified_client: Callable[[User], Client],
) -> None:
    code = draft(client, poc, example("preservation"))
    officer = verified_client(poc)
    page = officer.get(f"/evidence/requests/{code}/")
    assert page.status_code == 200
    assert "E-1" in page.content.decode()
    response = officer.post(
        f"/evidence/requests/{code}/", {"items": [str(item.code)], "reason": "execution"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.direction, transfer.status, transfer.peer) == ("sent", "offered", "KHM")
    assert "key" not in transfer.offer  # the sender keeps no chunk key
    message = OutboxMessage.objects.get(message_type="evidence.offer")
    offer = parse_offer(message.body)
    assert message.body["request"] == code
    url = f"/federation/v1/transfers/{offer.transfer}/chunks/0"
    token = base64.urlsafe_b64encode(offer.token).rstrip(b"=").decode()
    assert Client().get(url).status_code == 404
    assert Client().get(url, headers={"Authorization": "Bearer AAAA"}).status_code == 404
    chunk = Client().get(url, headers={"Authorization": f"Bearer {token}"})
    assert chunk.status_code == 200
    assert open_chunk(offer, 0, chunk.content)[:512].startswith(b"bag-info.txt")
    beyond = f"/federation/v1/transfers/{offer.transfer}/chunks/{len(offer.chunks)}"
    assert Client().get(beyond, headers={"Authorization": f"Bearer {token}"}).status_code == 404
    # Cambodia confirms: the hand-over becomes a custody event of the item.
    dispatch(
        InboxMessage(
            sender_state="KHM",
            message_type="evidence.received",
            body={"transfer": offer.transfer, "verified": True, "report": {"ok": True}},
        )
    )
    transfer.refresh_from_db()
    assert transfer.status == "confirmed"
    kinds = list(LedgerLeaf.objects.filter(item=item).values_list("kind", flat=True))
    assert kinds[-2:] == ["exported", "transferred"]


def test_sending_needs_items_and_a_reason(
    client: Client,
    khm: Peer,
    poc: User,
    item: EvidenceItem,
    verified_client: Callable[[User], Client],
) -> None:
    code = draft(client, poc, example("preservation"))
    officer = verified_client(poc)
    officer.post(f"/evidence/requests/{code}/", {"items": [], "reason": "x"})
    officer.post(f"/evidence/requests/{code}/", {"items": [str(item.code)], "reason": " "})
    assert not Transfer.objects.exists()
    assert not OutboxMessage.objects.filter(message_type="evidence.offer").exists()


def test_the_page_needs_an_evidence_role(
    client: Client, khm: Peer, poc: User, mallory: User, verified_client: Callable[[User], Client]
) -> None:
    code = draft(client, poc, example("preservation"))
    assert verified_client(mallory).get(f"/evidence/requests/{code}/").status_code == 403


def test_a_bad_offer_from_a_peer_is_dropped_and_audited(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    dispatch(
        InboxMessage(
            sender_state="KHM",
            message_type="evidence.offer",
            body={"request": code, "transfer": "x"},
        )
    )
    dispatch(
        InboxMessage(sender_state="FRA", message_type="evidence.offer", body={"request": code})
    )
    dispatch(InboxMessage(sender_state="KHM", message_type="evidence.offer", body=["nonsense"]))
    assert not Transfer.objects.exists()
    assert AuditEvent.objects.filter(action="evidence.offer", outcome="denied").count() == 3
    assert CooperationRequest.objects.get(code=code).status == "draft"
