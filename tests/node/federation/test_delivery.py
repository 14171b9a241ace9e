"""The outbox and its workers, against a peer played in-process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from hanoinet.core.envelope import Message
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.delivery import claim, deliver_due
from hanoinet.node.federation.models import InboxMessage, OutboxMessage, PeerStatus
from hanoinet.node.federation.outbox import enqueue
from tests.node.federation.conftest import Peer, later

pytestmark = pytest.mark.django_db


def queue(n: int = 1, thread: str = "", **body: object) -> list[OutboxMessage]:
    with transaction.atomic():
        return [
            enqueue(
                recipient_state="KHM",
                message_type="message.note",
                body={"n": i, **body},
                thread_id=thread,
            )
            for i in range(n)
        ]


@pytest.mark.django_db(transaction=True)
def test_enqueue_needs_the_callers_transaction(khm: Peer) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        enqueue(recipient_state="KHM", message_type="message.note", body={})


def test_a_rolled_back_action_sends_nothing(khm: Peer) -> None:
    def failing_action() -> None:
        with transaction.atomic():
            enqueue(recipient_state="KHM", message_type="message.note", body={})
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing_action()
    assert not OutboxMessage.objects.exists()


def test_delivery_records_the_signed_receipt(khm: Peer) -> None:
    [message] = queue()
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DELIVERED
    assert message.receipt.count(".") == 2
    assert len(message.digest) == 64
    assert [m.header.id for m in khm.received] == [message.message_id]
    assert AuditEvent.objects.filter(
        action="federation.delivered", object_id=message.message_id
    ).exists()
    assert deliver_due() == 0  # nothing left


def test_a_peer_that_is_down_is_retried_with_backoff_and_then_reached(khm: Peer) -> None:
    messages = queue(3)
    khm.down = True
    assert deliver_due() == 0
    status = PeerStatus.objects.get(state="KHM")
    assert status.consecutive_failures == 1
    assert status.backoff_until is not None
    assert deliver_due(later(2)) == 0  # resting: not even tried
    assert PeerStatus.objects.get(state="KHM").consecutive_failures == 1
    for row in OutboxMessage.objects.all():
        assert row.attempts == 1
        assert "connection refused" in row.last_error
    khm.down = False
    assert deliver_due(later(20 * 60)) == 3
    assert [m.body["n"] for m in khm.received] == [0, 1, 2]
    assert PeerStatus.objects.get(state="KHM").consecutive_failures == 0
    assert {m.message_id for m in messages} == {m.header.id for m in khm.received}


def test_order_within_a_thread_holds_when_one_message_is_refused(khm: Peer) -> None:
    rows = queue(4, thread="8d0b3c0e-6f1e-4d8c-9a61-2f4b7f1c9a00")
    refused_once = {rows[1].message_id}

    def refuse(message: Message) -> str | None:
        if message.header.id in refused_once:
            refused_once.clear()
            return "unknown_sender"  # e.g. the peer's register is a few minutes behind
        return None

    khm.refuse = refuse
    deliver_due()
    # Message 0 went; 1 was refused; 2 and 3 were deferred by the peer, not taken ahead of 1.
    delivered = set(
        OutboxMessage.objects.filter(status="delivered").values_list("message_id", flat=True)
    )
    assert delivered == {rows[0].message_id}
    assert [m.header.id for m in khm.received] == [rows[0].message_id]
    deliver_due(later(20 * 60))
    assert OutboxMessage.objects.filter(status="pending").count() == 0
    assert [m.header.id for m in khm.received] == [row.message_id for row in rows]


def test_messages_of_a_thread_wait_for_an_earlier_one_that_is_not_due(khm: Peer) -> None:
    first, second = queue(2, thread="5b3f2a1e-0c1d-4e2f-8a9b-0c1d2e3f4a5b")
    OutboxMessage.objects.filter(pk=first.pk).update(next_attempt_at=later(600))
    assert claim(timezone.now(), 10) == []
    assert deliver_due() == 0
    deliver_due(later(601))
    assert [m.header.id for m in khm.received] == [first.message_id, second.message_id]


def test_two_workers_never_claim_the_same_message(khm: Peer) -> None:
    queue(6)
    now = timezone.now()
    first = claim(now, 4)
    second = claim(now, 10)
    assert len(first) == 4
    assert len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}


def test_a_lapsed_lease_is_claimed_again(khm: Peer) -> None:
    queue(1)
    claim(timezone.now(), 10)  # a worker claims, then dies (SIGKILL) before delivering
    assert claim(timezone.now(), 10) == []
    assert len(claim(later(31), 10)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_past_its_maximum_age_is_dead_lettered_and_admins_told(
    khm: Peer, make_user: Callable[..., User], settings: Settings
) -> None:
    admin_unit = Unit.objects.create(name="Node administration", kind=Unit.Kind.ADMINISTRATION)
    make_user("nadia", admin_unit, [Role.NODE_ADMIN])
    khm.down = True
    [message] = queue()
    deliver_due()
    deliver_due(later(settings.HANOINET_FEDERATION_MAX_AGE.total_seconds() + 1))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DEAD
    assert AuditEvent.objects.filter(
        action="federation.dead_letter", object_id=message.message_id
    ).exists()
    assert len(mail.outbox) == 1
    assert "could not be delivered" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["nadia@example.org"]


def test_a_final_refusal_is_dead_lettered_at_once(khm: Peer) -> None:
    [message] = queue()
    khm.refuse = lambda m: "too_large"
    deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DEAD
    assert "too_large" in message.last_error


def test_a_receipt_for_other_content_is_not_accepted(
    khm: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    [message] = queue()
    original = khm.inbox

    def lying_inbox(url: str, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
        response = original(url, body, content_type)
        import json

        data = json.loads(response.body)
        # Answer with a receipt for another message.
        other = queue()[0]
        data["results"][0]["receipt"] = (
            __import__("hanoinet.core.envelope", fromlist=["sign_receipt"])
            .sign_receipt(
                message_id=other.message_id,
                digest="0" * 64,
                received_at=timezone.now(),
                receiver="KHM",
                sender="VNM",
                signer=khm.signer(),
            )
            .token
        )
        return type(response)(200, json.dumps(data).encode(), "application/json")

    monkeypatch.setattr("hanoinet.node.federation.delivery.post", lying_inbox)
    deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "bad receipt" in message.last_error


def test_the_retrieved_notice_marks_our_message_retrieved(khm: Peer, client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    [message] = queue()
    deliver_due()
    notice, token = khm.envelope(
        type="delivery.retrieved",
        body={"message_id": message.message_id, "retrieved_at": "2026-11-23T03:05:00+00:00"},
        thread=message.thread_id,
    )
    response = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.retrieved_at is not None
    assert message.retrieved_at.isoformat() == "2026-11-23T03:05:00+00:00"
    assert (
        InboxMessage.objects.get(message_id=notice.header.id).message_type == "delivery.retrieved"
    )


def test_peer_health_shows_in_the_register(
    khm: Peer, verified_client: Callable[[User], object], alice: User
) -> None:
    from django.test import Client

    from hanoinet.node.federation.models import PeerPing

    PeerStatus.objects.create(state="KHM", last_success_at=timezone.now() - timedelta(minutes=2))
    for rtt in (30.0, 40.0, 55.0):
        PeerPing.objects.create(state="KHM", ok=True, rtt_ms=rtt)
    client = verified_client(alice)
    assert isinstance(client, Client)
    page = client.get("/register/KHM/").content.decode()
    assert "reachable, median 40 ms, last seen 2" in page
    listing = client.get("/register/").content.decode()
    assert "median 40 ms" in listing


@pytest.mark.django_db(transaction=True)
def test_receipts_are_verified_outside_the_transaction(
    khm: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each receipt is still verified, before the transaction that records them: on SQLite
    that transaction holds the write lock, which the other lanes and workers wait for."""
    from django.db import connection

    from hanoinet.node.federation import delivery

    in_transaction: list[bool] = []
    original = delivery.verify_receipt  # type: ignore[attr-defined]

    def spying_verify(*args: object, **kwargs: object) -> object:
        in_transaction.append(connection.in_atomic_block)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(delivery, "verify_receipt", spying_verify)
    messages = queue(3)
    assert deliver_due() == 3
    assert in_transaction == [False] * 3
    delivered = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED)
    assert set(delivered.values_list("message_id", flat=True)) == {m.message_id for m in messages}


def test_delivering_a_batch_costs_the_same_queries_whatever_its_size(khm: Peer) -> None:
    """No query per message: a column left unread when claiming, or a peer looked up per
    message, would show here as a count that grows with the batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 30):
        queue(size)
        with CaptureQueriesContext(connection) as sender:
            assert deliver_due() == size
        counts.append(len([q for q in sender.captured_queries if "federation_outbox" in q["sql"]]))
    assert counts[0] == counts[1]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED).count() == 33


def test_large_messages_go_in_several_requests_each_within_the_peers_limit(
    khm: Peer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch whose envelopes would exceed what the receiver reads in one request (four
    times HANOINET_FEDERATION_MAX_BYTES) is posted in consecutive parts; when a part fails,
    it and every later part go again, so a thread keeps its order."""
    from hanoinet.node.federation.transport import Response, TransportError

    settings.HANOINET_FEDERATION_MAX_BYTES = 4096
    limit = 4 * 4096 + 1024  # what the inbox view reads at most
    sizes: list[int] = []
    fail_at = {2}

    def inbox(url: str, body: bytes, content_type: str) -> Response:
        sizes.append(len(body))
        if len(sizes) in fail_at:
            raise TransportError("khm.test: connection reset")
        if len(body) > limit:
            return Response(413, b"{}", "application/problem+json")
        return khm.inbox(url, body, content_type)

    monkeypatch.setattr("hanoinet.node.federation.delivery.post", inbox)
    sent = queue(12, thread=str(uuid4()), text="x" * 2500)
    first = deliver_due()
    assert 0 < first < 12
    assert [m.header.id for m in khm.received] == [m.message_id for m in sent[:first]]
    assert deliver_due(later(20 * 60)) == 12 - first
    assert [m.header.id for m in khm.received] == [m.message_id for m in sent]
    assert len(sizes) >= 4
    assert max(sizes) <= limit
