"""A court bundle of items that crossed a border carries the federation receipts of their
transfer, sent or received, with the keys from the register: ``verify_bundle`` checks
them with nothing but the folder. Cambodia is played in-process (tests.node.federation);
its messages reach our inbox as real envelopes, ours reach it through the delivery worker."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from hanoinet.core.bundle import RECEIPTS, verify_bundle
from hanoinet.core.convention.examples import example
from hanoinet.core.envelope import Message
from hanoinet.core.evidence.transfer import (
    make_offer,
    new_secrets,
    pack_to_memory,
    read_chunks,
    seal_chunk,
)
from hanoinet.node.accounts.models import User
from hanoinet.node.evidence.bundle import do_build_bundle
from hanoinet.node.evidence.models import EvidenceItem, Transfer
from hanoinet.node.evidence.transfer import do_send_evidence, fetch_transfers
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.requests.models import CooperationRequest
from tests.conftest import actor_for
from tests.node.evidence.test_transfer import Sender, item, poc  # noqa: F401 - fixtures
from tests.node.federation.conftest import Peer
from tests.node.federation.test_requests import draft

pytestmark = pytest.mark.django_db


def post(client: Client, token: str) -> None:
    response = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert response.status_code == 200, response.content


def receipts_of(bag: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((bag / "hanoinet/receipts.json").read_text())
    return entries


def sent_and_confirmed(
    client: Client, khm: Peer, officer: User, evidence: EvidenceItem
) -> tuple[Transfer, Message]:
    """Viet Nam sends ``evidence`` to Cambodia on a preservation request's thread; Cambodia's
    receipt of the offer comes back, then its signed confirmation that it verified it.
    (``officer`` and ``evidence`` are the ``poc`` and ``item`` fixtures.)"""
    code = draft(client, officer, example("preservation"))
    request = CooperationRequest.objects.get(code=code)
    transfer = do_send_evidence(actor_for(officer), request, [evidence], "execution of the request")
    deliver_due()  # Cambodia's receipt of the offer comes back
    confirmation, token = khm.envelope(
        type="evidence.received",
        body={"transfer": str(transfer.code), "verified": True, "problem": "", "report": {}},
        thread=request.thread_id,
    )
    post(client, token)
    transfer.refresh_from_db()
    return transfer, confirmation


def test_a_bundle_of_items_we_sent_carries_both_receipts(
    client: Client,
    khm: Peer,
    poc: User,  # noqa: F811
    item: EvidenceItem,  # noqa: F811
    tmp_path: Path,
) -> None:
    transfer, confirmation = sent_and_confirmed(client, khm, poc, item)
    offer = OutboxMessage.objects.get(message_type="evidence.offer")
    assert offer.status == OutboxMessage.Status.DELIVERED
    assert transfer.status == Transfer.Status.CONFIRMED

    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "court", "for the court")
    report = verify_bundle(bag)
    assert report.ok, report.text()
    assert f"PASS  {RECEIPTS}: 2 receipts (1 with the sender's signed message)" in report.text()
    sent, received = receipts_of(bag)
    assert (sent["message_id"], sent["type"]) == (offer.message_id, "evidence.offer")
    assert (sent["sender"], sent["recipient"], sent["transfer"]) == (
        "VNM",
        "KHM",
        str(transfer.code),
    )
    assert sent["receipt"] == offer.receipt
    assert sent["receipt_key"] == {"kid": khm.keys.signing_key_id(), "x": khm_x(khm)}
    assert sent["signed"] is None  # we keep no signed copy of what we sent
    assert (received["message_id"], received["type"]) == (
        confirmation.header.id,
        "evidence.received",
    )
    stored = InboxMessage.objects.get(message_id=confirmation.header.id)
    assert received["signed"] == stored.signed
    assert received["receipt"] == stored.receipt
    assert received["sender_key"]["kid"] == khm.keys.signing_key_id()


def khm_x(khm: Peer) -> str:
    return str(khm.keys.signing_public_jwk()["x"])


def test_a_bundle_of_items_we_received_carries_the_signed_offer(
    client: Client,
    khm: Peer,
    poc: User,  # noqa: F811
    item: EvidenceItem,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = draft(client, poc, example("preservation"))
    request = CooperationRequest.objects.get(code=code)
    # Cambodia's bundle (made here for brevity), offered in a real signed envelope.
    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "bag", "answer to the request")
    chunks = list(read_chunks(io.BytesIO(pack_to_memory(bag)), 4096))
    key, token = new_secrets()
    transfer_id = str(uuid.uuid4())
    offer = make_offer(
        transfer_id,
        chunks,
        key,
        token,
        4096,
        items=({"code": str(item.code), "sha256": item.digest},),
    )
    sender = Sender([seal_chunk(key, transfer_id, i, c) for i, c in enumerate(chunks)])
    monkeypatch.setattr("hanoinet.node.evidence.transfer.get", sender)
    message, envelope = khm.envelope(
        type="evidence.offer",
        body={**offer.to_json(), "request": code},
        thread=request.thread_id,
    )
    post(client, envelope)
    fetch_transfers()
    transfer = Transfer.objects.get(code=transfer_id)
    assert transfer.status == Transfer.Status.VERIFIED, transfer.problem
    deliver_due()  # our confirmation, and Cambodia's receipt of it

    received = transfer.items.get()
    court = do_build_bundle(actor_for(poc), [received], tmp_path / "court", "for the court")
    report = verify_bundle(court)
    assert report.ok, report.text()
    offered, confirmed = receipts_of(court)
    assert (offered["message_id"], offered["sender"], offered["recipient"]) == (
        message.header.id,
        "KHM",
        "VNM",
    )
    assert offered["signed"] == InboxMessage.objects.get(message_id=message.header.id).signed
    assert offered["receipt_key"]["kid"] == khm.vnm.signing_key_id()  # our own receipt
    assert (confirmed["type"], confirmed["sender"], confirmed["recipient"]) == (
        "evidence.received",
        "VNM",
        "KHM",
    )
    assert confirmed["signed"] is None
    # The received archive, kept as an item, crossed the same border.
    archive = transfer.bundle_item
    assert archive is not None
    again = do_build_bundle(actor_for(poc), [archive], tmp_path / "archive", "the bundle as such")
    assert [e["message_id"] for e in receipts_of(again)] == [
        offered["message_id"],
        confirmed["message_id"],
    ]
    # A key swapped inside the bundle is caught offline, naming the message.
    path = court / "hanoinet/receipts.json"
    entries = receipts_of(court)
    entries[0]["sender_key"]["x"] = khm_x(khm)[:-2] + ("AA" if khm_x(khm)[-2:] != "AA" else "BA")
    path.write_text(json.dumps(entries))
    problems = {c.name: c.detail for c in verify_bundle(court).checks if not c.ok}
    assert f"message {message.header.id} (evidence.offer)" in problems[RECEIPTS]


def test_a_bundle_of_items_that_never_crossed_a_border_has_no_receipts(
    khm: Peer,
    poc: User,  # noqa: F811
    item: EvidenceItem,  # noqa: F811
    tmp_path: Path,
) -> None:
    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "court", "for the court")
    assert receipts_of(bag) == []
    assert f"PASS  {RECEIPTS}: no transfers" in verify_bundle(bag).text()
