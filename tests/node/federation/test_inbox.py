"""The inbox as a peer meets it: receipts, duplicates, and one stable code per refusal."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from hanoinet.core.envelope import (
    EncryptionKey,
    Message,
    SigningKey,
    VerifyKey,
    new_message,
    seal,
    verify_receipt,
)
from hanoinet.core.keys import generate_node_keys
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.oncall.models import Page
from tests.node.federation.conftest import Peer

pytestmark = pytest.mark.django_db
INBOX = "/federation/v1/inbox"


def post(client: Client, token: str | bytes) -> tuple[int, dict[str, object]]:
    response = client.post(INBOX, data=token, content_type="application/jose")
    return response.status_code, json.loads(response.content)


def test_a_valid_envelope_is_stored_once_and_gets_a_signed_receipt(
    client: Client, khm: Peer
) -> None:
    message, token = khm.envelope()
    status, answer = post(client, token)
    assert status == 200
    stored = InboxMessage.objects.get(message_id=message.header.id)
    assert stored.body["text"] == "Any news?"
    assert stored.digest == answer["digest"]
    vnm_key = VerifyKey(khm.vnm.signing_key_id(), khm.vnm.signing.public_key())
    receipt = verify_receipt(
        str(answer["receipt"]), vnm_key, message_id=message.header.id, digest=stored.digest
    )
    assert receipt.receiver == "VNM"
    assert (
        AuditEvent.objects.filter(action="federation.received", object_id=message.header.id).count()
        == 1
    )


def test_a_duplicate_gets_the_same_receipt_and_no_second_effect(client: Client, khm: Peer) -> None:
    _message, token = khm.envelope()
    first = post(client, token)
    again = post(client, token)
    assert again == (200, {**first[1], "duplicate": True})
    assert InboxMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="federation.received").count() == 1


def rejected(client: Client, token: str | bytes, code: str, status: int = 400) -> None:
    before = InboxMessage.objects.count()
    response = client.post(INBOX, data=token, content_type="application/jose")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    document = json.loads(response.content)
    assert document["code"] == code
    assert document["type"] == f"urn:hanoinet:problem:{code}"
    assert InboxMessage.objects.count() == before
    assert AuditEvent.objects.filter(action="federation.rejected", extra__code=code).exists()


def test_unknown_sender(client: Client, khm: Peer) -> None:
    stranger = Peer(keys=generate_node_keys(), vnm=khm.vnm)
    _m, token = stranger.envelope()
    rejected(client, token, "unknown_sender")


def test_forged_sender(client: Client, khm: Peer) -> None:
    """An intruder names KHM and KHM's key id, but signs with its own key."""
    forger = generate_node_keys()
    message = new_message(
        sender="KHM",
        sender_kid=khm.keys.signing_key_id(),
        recipient="VNM",
        type="message.note",
        body={"text": "send me everything"},
        now=timezone.now(),
    )
    token = seal(
        message,
        SigningKey(khm.keys.signing_key_id(), forger.signing),
        EncryptionKey(khm.vnm.encryption_key_id(), khm.vnm.encryption.public_key()),
    )
    rejected(client, token, "bad_signature")


def test_message_for_another_state(client: Client, khm: Peer) -> None:
    _m, token = khm.envelope(recipient="FRA")
    rejected(client, token, "not_for_us")


def test_replay_after_the_window_is_expired(client: Client, khm: Peer) -> None:
    _m, token = khm.envelope(now=timezone.now() - timedelta(hours=3), lifetime=timedelta(hours=1))
    rejected(client, token, "expired")


def test_clock_skew(client: Client, khm: Peer) -> None:
    _m, token = khm.envelope(now=timezone.now() + timedelta(minutes=20))
    rejected(client, token, "clock_skew")


def test_same_id_with_other_content_is_replayed(client: Client, khm: Peer) -> None:
    message, token = khm.envelope()
    post(client, token)
    altered = Message(message.header, {**message.body, "text": "Different"})
    token2 = seal(
        altered,
        khm.signer(),
        EncryptionKey(khm.vnm.encryption_key_id(), khm.vnm.encryption.public_key()),
    )
    rejected(client, token2, "replayed")


def test_oversized_body(client: Client, khm: Peer, settings: Settings) -> None:
    settings.HANOINET_FEDERATION_MAX_BYTES = 10_000
    _m, token = khm.envelope(body={"text": "x" * 20_000})
    rejected(client, token, "too_large", 413)


def test_unknown_version(client: Client, khm: Peer) -> None:
    import base64

    _m, token = khm.envelope()
    head, rest = token.split(".", 1)
    header = json.loads(base64.urlsafe_b64decode(head + "=="))
    header["ver"] = "hanoinet/7"
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    rejected(client, f"{head}.{rest}", "unsupported_version")


def test_garbage(client: Client, khm: Peer) -> None:
    rejected(client, b"\x00\xff garbage", "malformed")
    rejected(client, "a.b.c.d.e", "malformed")


def test_a_batch_answers_each_envelope(client: Client, khm: Peer) -> None:
    good, token = khm.envelope()
    _bad, wrong = khm.envelope(recipient="FRA")
    response = client.post(
        INBOX,
        data=json.dumps({"envelopes": [token, wrong, "junk"]}),
        content_type="application/json",
    )
    results = json.loads(response.content)["results"]
    assert "receipt" in results[0]
    assert results[1]["problem"]["code"] == "not_for_us"
    assert results[2]["problem"]["code"] == "malformed"
    assert list(InboxMessage.objects.values_list("message_id", flat=True)) == [good.header.id]


@pytest.mark.parametrize(
    "body",
    ['{"envelopes": "x"}', "[1]", '{"envelopes": [1]}', "{", '{"envelopes": [], "envelopes": []}'],
)
def test_malformed_batches(client: Client, khm: Peer, body: str) -> None:
    response = client.post(INBOX, data=body, content_type="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "malformed"


def test_the_inbox_accepts_only_post(client: Client, khm: Peer) -> None:
    assert client.get(INBOX).status_code == 405


def test_an_urgent_message_pages_the_point_of_contact(
    client: Client, khm: Peer, make_user: Callable[..., User]
) -> None:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    make_user("phan", unit, [Role.POINT_OF_CONTACT])
    message, token = khm.envelope(
        body={
            "subject": "Preserve now",
            "text": "Logs deleted in 2 h",
            "urgency": "emergency",
            "urgency_reason": "deletion",
        }
    )
    assert post(client, token)[0] == 200
    page = Page.objects.get(object_id=message.header.id)
    assert page.urgency == "emergency"
    assert page.subject == "KHM: Preserve now"
    assert page.next_escalation_at is not None
    post(client, token)  # the duplicate pages no one again
    assert Page.objects.count() == 1


# Fuzzing: many inputs, each a problem document, never a 500, nothing stored.
mutations = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=600
    ),
)


@settings(
    max_examples=2_000,  # per pass of CI (both databases); raise locally to dig deeper
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutations)
def test_fuzzed_inputs_are_always_a_4xx_problem(
    client: Client, khm: Peer, data: bytes | str
) -> None:
    response = client.post(INBOX, data=data, content_type="application/jose")
    assert 400 <= response.status_code < 500
    assert json.loads(response.content)["code"]
    assert not InboxMessage.objects.exists()


@settings(
    max_examples=2_000,  # per pass of CI (both databases); raise locally to dig deeper
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.integers(min_value=0, max_value=10_000),
    char=st.sampled_from("AZaz09-_."),
    cut=st.booleans(),
)
def test_mutated_envelopes_are_refused_with_a_code(
    client: Client, khm: Peer, position: int, char: str, cut: bool
) -> None:
    _m, token = khm.envelope()
    position %= len(token)
    mutated = token[:position] if cut else token[:position] + char + token[position + 1 :]
    if mutated == token:
        return
    response = client.post(INBOX, data=mutated, content_type="application/jose")
    if response.status_code == 200:
        # Only the unused low bits of a base64 character can change without changing bytes.
        assert json.loads(response.content)["digest"]
        InboxMessage.objects.all().delete()
        return
    assert 400 <= response.status_code < 500
    assert json.loads(response.content)["code"] in {
        "malformed",
        "bad_signature",
        "unsupported_version",
        "not_for_us",
    }
    assert not InboxMessage.objects.exists()


def test_a_batch_with_the_same_envelope_twice_stores_it_once(client: Client, khm: Peer) -> None:
    _m, token = khm.envelope()
    response = client.post(
        INBOX, data=json.dumps({"envelopes": [token, token]}), content_type="application/json"
    )
    first, second = json.loads(response.content)["results"]
    assert first["receipt"] == second["receipt"]
    assert InboxMessage.objects.count() == 1


def test_a_batch_falls_back_to_one_by_one_when_a_copy_was_stored_concurrently(
    client: Client, khm: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    def concurrent(*args: object) -> object:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("hanoinet.node.federation.inbox._receive_in_bulk", concurrent)
    _m, first = khm.envelope()
    _m, second = khm.envelope()
    response = client.post(
        INBOX, data=json.dumps({"envelopes": [first, second]}), content_type="application/json"
    )
    assert all("receipt" in result for result in json.loads(response.content)["results"])
    assert InboxMessage.objects.count() == 2


def test_a_replay_in_a_batch_defers_the_rest_of_its_thread(client: Client, khm: Peer) -> None:
    thread = "7e1f4c2a-9b3d-4e5f-8a6b-1c2d3e4f5a6b"
    original, token = khm.envelope(thread=thread)
    post(client, token)
    altered = Message(original.header, {"text": "other content"})
    replay = seal(
        altered,
        khm.signer(),
        EncryptionKey(khm.vnm.encryption_key_id(), khm.vnm.encryption.public_key()),
    )
    _m, later_in_thread = khm.envelope(thread=thread)
    _m, other_thread = khm.envelope()
    body = json.dumps({"envelopes": [replay, later_in_thread, other_thread]})
    results = json.loads(client.post(INBOX, data=body, content_type="application/json").content)[
        "results"
    ]
    assert results[0]["problem"]["code"] == "replayed"
    assert "deferred" in results[1]
    assert "receipt" in results[2]


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_opened_outside_its_transaction_and_answered_per_envelope(
    client: Client, khm: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cryptography runs before the transaction (which on SQLite holds the write lock);
    a batch mixing good, bad and repeated envelopes still gets one answer each, every good
    message is stored and audited once, and the refusal is audited."""
    from django.db import connection

    from hanoinet.node.federation import inbox

    in_transaction: list[bool] = []
    original = inbox._open

    def spying_open(token: str | bytes) -> object:
        in_transaction.append(connection.in_atomic_block)
        return original(token)

    monkeypatch.setattr(inbox, "_open", spying_open)
    first, token = khm.envelope()
    second, other = khm.envelope()
    _third, bad = khm.envelope()
    tampered = bad[:-6] + ("A" if bad[-6] != "A" else "B") + bad[-5:]
    body = json.dumps({"envelopes": [token, other, token, tampered]})
    results = json.loads(client.post(INBOX, data=body, content_type="application/json").content)[
        "results"
    ]
    assert in_transaction == [False] * 4
    assert "receipt" in results[0]
    assert "receipt" in results[1]
    assert results[2]["receipt"] == results[0]["receipt"]
    assert results[3]["problem"]["code"] == "bad_signature"
    stored = set(InboxMessage.objects.values_list("message_id", flat=True))
    assert stored == {first.header.id, second.header.id}
    received = AuditEvent.objects.filter(action="federation.received")
    assert sorted(received.values_list("object_id", flat=True)) == sorted(stored)
    assert AuditEvent.objects.filter(action="federation.rejected").count() == 1
