"""A court bundle's federation receipts (``hanoinet/receipts.json``): checked offline
against the keys inside the bundle; every alteration of a receipt, a signed message or a
key fails the check naming the message, and bad input is a named failure, never a crash."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bagit
import pytest

from hanoinet.core.bundle import RECEIPTS, verify_bundle
from hanoinet.core.envelope import (
    Message,
    SigningKey,
    message_digest,
    new_message,
    sign_receipt,
)
from hanoinet.core.envelope.delivery import DeliveryEntry, KeyRef
from hanoinet.core.envelope.seal import sign_message
from hanoinet.core.keys import NodeKeys, generate_node_keys
from tests.core.evidence.test_bundle import SEAL, TAGS, failed, make_bundle, rewrite_tag_manifest

AT = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
KHM, VNM, OTHER = generate_node_keys(), generate_node_keys(), generate_node_keys()
TRANSFER = str(uuid.uuid4())
ITEM_SHA = "ab" * 32


def key_of(keys: NodeKeys) -> KeyRef:
    jwk = keys.signing_public_jwk()
    return {"kid": jwk["kid"], "x": jwk["x"]}


def signer(keys: NodeKeys) -> SigningKey:
    return SigningKey(keys.signing_key_id(), keys.signing)


def message(sender: str, keys: NodeKeys, recipient: str, kind: str, **body: object) -> Message:
    return new_message(
        sender=sender,
        sender_kid=keys.signing_key_id(),
        recipient=recipient,
        type=kind,
        body={"transfer": TRANSFER, **body},
        now=AT,
    )


def entry(
    sent: Message, sender: NodeKeys, receiver: NodeKeys, *, keep_signed: bool
) -> DeliveryEntry:
    header = sent.header
    digest = message_digest(sent)
    receipt = sign_receipt(
        message_id=header.id,
        digest=digest,
        received_at=AT,
        receiver=header.recipient,
        sender=header.sender,
        signer=signer(receiver),
    )
    return {
        "transfer": TRANSFER,
        "message_id": header.id,
        "type": header.type,
        "sender": header.sender,
        "recipient": header.recipient,
        "digest": digest,
        "receipt": receipt.token,
        "receipt_key": key_of(receiver),
        "signed": sign_message(sent, signer(sender)).decode() if keep_signed else None,
        "sender_key": key_of(sender) if keep_signed else None,
    }


def receipts() -> list[DeliveryEntry]:
    """Cambodia's offer as Viet Nam received it (with Cambodia's signed message), and Viet
    Nam's confirmation as Cambodia's receipt acknowledges it."""
    offer = message("KHM", KHM, "VNM", "evidence.offer", items=[{"sha256": ITEM_SHA}])
    confirmation = message("VNM", VNM, "KHM", "evidence.received", verified=True)
    return [
        entry(offer, KHM, VNM, keep_signed=True),
        entry(confirmation, VNM, KHM, keep_signed=False),
    ]


def test_receipts_travel_in_the_bundle_and_verify_offline(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b", receipts=receipts())
    report = verify_bundle(bag)
    assert report.ok, report.text()
    assert "PASS  federation receipts: 2 receipts (1 with the sender's signed message)" in (
        report.text()
    )
    bagit.Bag(str(bag)).validate()
    listed = (bag / "tagmanifest-sha256.txt").read_text()
    assert "  hanoinet/receipts.json\n" in listed


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _flip_signature(token: str) -> str:
    head, payload, signature = token.split(".")
    return f"{head}.{payload}.{('A' if signature[0] != 'A' else 'B')}{signature[1:]}"


def _other_items(token: str) -> str:
    """The offer's item hash changed, the sender's signature kept."""
    head, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["body"]["items"][0]["sha256"] = "cd" * 32
    return f"{head}.{_b64(body)}.{signature}"


def _another_signed_message() -> str:
    other = message("KHM", KHM, "VNM", "evidence.offer", items=[{"sha256": "cd" * 32}])
    return sign_message(other, signer(KHM)).decode()


def _set(**values: object) -> Callable[[dict[str, Any]], None]:
    return lambda fields: fields.update(values)


# (what is done to the offer's entry, what the failure says)
TAMPERING: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "receipt altered",
        lambda e: e.update(receipt=_flip_signature(e["receipt"])),
        "the receipt's signature does not verify",
    ),
    ("digest altered", _set(digest="0" * 64), "acknowledges another message or other content"),
    ("message id altered", _set(message_id=str(uuid.uuid4())), "acknowledges another message"),
    ("receipt key swapped", _set(receipt_key=key_of(OTHER)), "the bundle gives key"),
    (
        "receipt key swapped, kid kept",
        lambda e: e.update(receipt_key={**e["receipt_key"], "x": key_of(OTHER)["x"]}),
        "the receipt's signature does not verify",
    ),
    ("receipt key removed", _set(receipt_key=None), "the bundle gives no key for the receipt"),
    ("receipt key not a key", lambda e: e["receipt_key"].update(x="AAAA"), "not an Ed25519 key"),
    ("receipt key without x", _set(receipt_key={"kid": "k"}), "needs a kid and an x"),
    ("sender altered", _set(sender="FRA"), "for a message of KHM, not VNM's for a message of FRA"),
    (
        "signed message altered",
        lambda e: e.update(signed=_other_items(e["signed"])),
        "the signed message: the signature does not verify with KHM's key",
    ),
    (
        "another signed message",
        lambda e: e.update(signed=_another_signed_message()),
        "the signed message's digest differs from the receipted one",
    ),
    (
        "sender key swapped",
        lambda e: e.update(sender_key={**e["sender_key"], "x": key_of(OTHER)["x"]}),
        "the signed message: the signature does not verify",
    ),
    (
        "sender key of another kid",
        _set(sender_key=key_of(OTHER)),
        "the signed message: no key",
    ),
    ("sender key removed", _set(sender_key=None), "no key for the sender's signature"),
    ("signed not text", _set(signed=42), "signed is not a JWS"),
    ("signed not ASCII", _set(signed="é.é.é"), "signed is not a JWS"),
    ("type altered", _set(type="evidence.received"), "not what the entry says"),
    ("transfer altered", _set(transfer=str(uuid.uuid4())), "is not about transfer"),
    ("field missing", lambda e: e.pop("digest"), "digest is missing or not text"),
]


@pytest.mark.parametrize(
    ("change", "reason"),
    [pytest.param(change, reason, id=name) for name, change, reason in TAMPERING],
)
def test_an_altered_receipt_message_or_key_fails_naming_the_message(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], reason: str
) -> None:
    entries = receipts()
    bag = make_bundle(tmp_path / "b", receipts=entries)
    path = bag / "hanoinet/receipts.json"
    altered = json.loads(path.read_text())
    change(altered[0])
    path.write_text(json.dumps(altered))
    assert "hanoinet/receipts.json does not match" in failed(bag)[TAGS]
    rewrite_tag_manifest(bag)  # a forger who knows BagIt: the seal and the receipts check
    problems = failed(bag)
    assert list(problems) == [SEAL, RECEIPTS]
    # Named as the entry now says (an altered id or type is what the court reads).
    assert problems[RECEIPTS].startswith(
        f"message {altered[0]['message_id']} ({altered[0]['type']})"
    )
    assert reason in problems[RECEIPTS]
    assert entries[1]["message_id"] not in problems[RECEIPTS]  # the other one still holds


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{}", "receipts.json must be a list"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ("[1, 2", "not valid JSON"),
        ("[1]", "entry 0: the entry is not an object"),
        ("[{}]", "entry 0: transfer is missing or not text"),
        ('[{"message_id": "m"}]', "message m: transfer is missing"),
        ('[{"message_id": "m", "type": "t", "transfer": 1}]', "message m (t): transfer is"),
    ],
)
def test_bad_receipts_are_a_named_failure_never_a_crash(
    tmp_path: Path, content: str, reason: str
) -> None:
    bag = make_bundle(tmp_path / "b")
    (bag / "hanoinet/receipts.json").write_text(content)
    rewrite_tag_manifest(bag)
    problems = failed(bag)
    assert list(problems) == [SEAL, RECEIPTS]
    assert reason in problems[RECEIPTS]


def test_a_bundle_without_receipts_fails_the_tag_manifest(tmp_path: Path) -> None:
    """As made before receipts were added, or with the file taken out."""
    bag = make_bundle(tmp_path / "b")
    (bag / "hanoinet/receipts.json").unlink()
    problems = failed(bag)
    assert "hanoinet/receipts.json is listed but missing" in problems[TAGS]
    assert "hanoinet/receipts.json: " in problems[RECEIPTS]
    manifest = bag / "tagmanifest-sha256.txt"
    manifest.write_text(
        "".join(
            line + "\n"
            for line in manifest.read_text().splitlines()
            if not line.endswith("hanoinet/receipts.json")
        )
    )
    assert "hanoinet/receipts.json is not listed" in failed(bag)[TAGS]
