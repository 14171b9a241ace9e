"""Sending a court bundle on a request's thread: the offer, the sealed chunks served only
for the offer's token, the receiver's confirmation as a custody event; bad offers from a
peer are dropped and audited. (Both sides together: tests/flows/test_transfer_network.py.)"""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.core.convention.examples import example
from hanoinet.core.evidence.transfer import (
    make_offer,
    new_secrets,
    open_chunk,
    pack_to_memory,
    parse_offer,
    read_chunks,
    seal_chunk,
)
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.evidence.actions import do_ingest_item
from hanoinet.node.evidence.bundle import do_build_bundle
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf, Transfer
from hanoinet.node.evidence.transfer import fetch_transfers
from hanoinet.node.federation.handlers import dispatch
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.federation.transport import Response, TransportError
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


# The receiving side: Cambodia is played here by sealed chunks served from memory.


class Sender:
    """A peer's node serving the chunks of one transfer, able to misbehave."""

    def __init__(self, sealed: list[bytes]) -> None:
        self.sealed = sealed
        self.fail_at: int | None = None
        self.calls: list[int] = []

    def __call__(self, url: str, headers: dict[str, str]) -> Response:
        index = int(url.rsplit("/", 1)[1])
        self.calls.append(index)
        if index == self.fail_at:
            self.fail_at = None  # the link breaks once
            raise TransportError("connection reset")
        return Response(200, self.sealed[index], "application/octet-stream")


def offer_to_us(
    client: Client,
    poc: User,
    item: EvidenceItem,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    spoil: bool = False,
) -> tuple[Transfer, Sender]:
    code = draft(client, poc, example("preservation"))
    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "bag", "answer to the request")
    if spoil:  # one payload byte changed after the bag was made
        payload = next(p for p in (bag / "data").rglob("*") if p.is_file())
        payload.write_bytes(b"X" + payload.read_bytes()[1:])
    chunks = list(read_chunks(io.BytesIO(pack_to_memory(bag)), 4096))
    key, token = new_secrets()
    transfer_id = str(uuid.uuid4())
    offer = make_offer(transfer_id, chunks, key, token, 4096)
    sender = Sender([seal_chunk(key, transfer_id, i, c) for i, c in enumerate(chunks)])
    monkeypatch.setattr("hanoinet.node.evidence.transfer.get", sender)
    dispatch(
        InboxMessage(
            sender_state="KHM",
            message_type="evidence.offer",
            body={**offer.to_json(), "request": code},
        )
    )
    return Transfer.objects.get(code=transfer_id, direction="received"), sender


def confirmation() -> dict[str, object]:
    body: dict[str, object] = OutboxMessage.objects.get(message_type="evidence.received").body
    return body


def test_an_interrupted_transfer_resumes_where_it_stopped(
    client: Client,
    khm: Peer,
    poc: User,
    item: EvidenceItem,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transfer, sender = offer_to_us(client, poc, item, tmp_path, monkeypatch)
    assert len(sender.sealed) >= 4
    sender.fail_at = 2
    fetch_transfers()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_chunks, transfer.attempts) == ("fetching", 2, 1)
    assert "connection reset" in transfer.problem
    Transfer.objects.filter(pk=transfer.pk).update(next_attempt_at=timezone.now())
    fetch_transfers()
    transfer.refresh_from_db()
    assert transfer.status == "verified", transfer.problem
    assert sender.calls[:4] == [0, 1, 2, 2]  # chunks 0 and 1 were not fetched again
    assert transfer.report["ok"] is True
    received = transfer.items.get()
    assert received.source == "foreign_state"
    assert received.digest == item.digest
    kinds = list(LedgerLeaf.objects.filter(item=received).values_list("kind", flat=True))
    assert kinds == ["acquired", "hashed", "sealed", "received", "verified"]
    assert transfer.bundle_item is not None
    assert "key" not in transfer.offer
    assert "token" not in transfer.offer
    assert confirmation()["verified"] is True


@pytest.mark.parametrize("fault", ["corrupted", "replayed"])
def test_a_corrupted_or_replayed_chunk_fails_the_transfer(
    client: Client,
    khm: Peer,
    poc: User,
    item: EvidenceItem,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    transfer, sender = offer_to_us(client, poc, item, tmp_path, monkeypatch)
    if fault == "corrupted":
        spoilt = bytearray(sender.sealed[1])
        spoilt[3] ^= 0x40
        sender.sealed[1] = bytes(spoilt)
    else:
        sender.sealed[1] = sender.sealed[0]
    before = EvidenceItem.objects.count()
    fetch_transfers()
    transfer.refresh_from_db()
    assert transfer.status == "failed"
    assert "tampered: chunk 1" in transfer.problem
    assert EvidenceItem.objects.count() == before
    assert confirmation()["verified"] is False


def test_a_bundle_that_fails_verification_is_not_taken_in(
    client: Client,
    khm: Peer,
    poc: User,
    item: EvidenceItem,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transfer, _sender = offer_to_us(client, poc, item, tmp_path, monkeypatch, spoil=True)
    before = EvidenceItem.objects.count()
    fetch_transfers()
    transfer.refresh_from_db()
    assert transfer.status == "failed"
    assert transfer.problem.startswith("not_verified")
    assert transfer.report["ok"] is False
    assert EvidenceItem.objects.count() == before
    assert confirmation()["verified"] is False
