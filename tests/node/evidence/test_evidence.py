"""Evidence through the API and the CLI: taken in once, stored encrypted, every step a
custody event on the signed ledger, every damage named."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from pytest_django.fixtures import Settings

from hanoinet.core.keys import NodeKeys
from hanoinet.core.ledger import (
    CustodyEvent,
    leaf_hash,
    parse_checkpoint,
    verify_checkpoint,
    verify_inclusion,
)
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.evidence.ledger import origin
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf
from tests.node.api.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="Cyber unit", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("an", unit, [Role.INVESTIGATOR])


def upload(client: Client, user: User, data: bytes, **fields: str) -> tuple[int, Any]:
    form = {
        "description": "Disk image of the suspect's laptop",
        "source": "seizure",
        "acquired_by": "Inspector Tran",
        "exhibit_number": "EX-12",
        "method": "write-blocked imaging",
        "tool": "dc3dd 7.3",
        **fields,
        "file": io.BytesIO(data),
    }
    form["file"].name = "laptop.img"  # type: ignore[attr-defined]
    response = client.post("/api/v1/evidence", data=form, headers=bearer(user))
    return response.status_code, json.loads(response.content)


def test_an_item_is_taken_in_with_its_custody_on_the_signed_ledger(
    client: Client, investigator: User, evidence_dir: Path, vnm_keys: NodeKeys
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    status, item = upload(client, investigator, data)
    assert status == 200, item
    assert (item["sha256"], item["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
    custody = item["custody"]
    assert [event["kind"] for event in custody] == ["acquired", "hashed", "sealed"]
    # Stored encrypted: the plaintext is nowhere on disk.
    stored = next(p for p in evidence_dir.rglob("*") if p.is_file() and p.parent.name != "tmp")
    assert data[:64] not in stored.read_bytes()
    # The checkpoint is signed by the node's key; each event is included in it.
    checkpoint = item["checkpoint"]
    public = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(vnm_keys.signing_public_jwk()["x"] + "==")
    )
    verified = verify_checkpoint(checkpoint["note"], {origin(): public})
    assert verified.checkpoint.size == 3
    for event in custody:
        leaf = event["leaf"].encode()
        assert CustodyEvent.from_leaf_bytes(leaf).item_digest == item["sha256"]
        verify_inclusion(
            leaf_hash(leaf),
            event["index"],
            verified.checkpoint.size,
            [bytes.fromhex(h) for h in event["inclusion_proof"]],
            verified.checkpoint.root,
        )
    # Downloading needs a reason, gives the same bytes, and is itself on the ledger.
    code = item["code"]
    assert (
        client.get(f"/api/v1/evidence/{code}/content", headers=bearer(investigator)).status_code
        == 400
    )
    response = client.get(
        f"/api/v1/evidence/{code}/content?reason=court+copy", headers=bearer(investigator)
    )
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert response["Digest"] == f"sha-256={item['sha256']}"
    assert (
        client.post(f"/api/v1/evidence/{code}/verify", headers=bearer(investigator)).status_code
        == 200
    )
    kinds = list(LedgerLeaf.objects.order_by("index").values_list("kind", flat=True))
    assert kinds == ["acquired", "hashed", "sealed", "opened", "verified"]
    assert AuditEvent.objects.filter(action="evidence.open", reason="court copy").exists()
    # The checkpoint grew and still extends the first (same prefix of leaves).
    latest = client.get("/api/v1/evidence/ledger/checkpoint", headers=bearer(investigator)).json()
    assert parse_checkpoint(latest["note"]).checkpoint.size == 5


def test_a_damaged_object_fails_verification_naming_the_check(
    client: Client, investigator: User, evidence_dir: Path
) -> None:
    _status, item = upload(client, investigator, os.urandom(100_000))
    stored = next(p for p in (evidence_dir / "objects").rglob("*") if p.is_file())
    raw = bytearray(stored.read_bytes())
    raw[5000] ^= 1
    stored.write_bytes(bytes(raw))
    response = client.post(f"/api/v1/evidence/{item['code']}/verify", headers=bearer(investigator))
    assert response.status_code == 409
    assert "corrupted" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="evidence.verify", outcome="failed").exists()
    assert "verified" not in LedgerLeaf.objects.values_list("kind", flat=True)


def test_bad_input_is_named_and_nothing_is_stored(
    client: Client,
    investigator: User,
    evidence_dir: Path,
    make_user: Callable[..., User],
    settings: Settings,
) -> None:
    status, body = upload(client, investigator, b"x", source="rumour")
    assert (status, "source must be one of" in str(body)) == (400, True)
    status, body = upload(client, investigator, b"x", acquired_at="2999-01-01T00:00:00+00:00")
    assert (status, "in the future" in str(body)) == (400, True)
    status, body = upload(client, investigator, b"x", description=" ")
    assert (status, "missing: description" in str(body)) == (400, True)
    settings.HANOINET_EVIDENCE_MAX_BYTES = 1000
    status, body = upload(client, investigator, os.urandom(5000))
    assert status == 413
    assert not EvidenceItem.objects.exists()
    assert not [p for p in (evidence_dir / "objects").rglob("*") if p.is_file()]
    # An auditor does not handle evidence.
    auditor = make_user("audit", None, [Role.AUDITOR])
    assert upload(client, auditor, b"x")[0] == 403


def test_the_same_content_twice_is_two_items_on_one_object(
    client: Client, investigator: User, evidence_dir: Path
) -> None:
    data = b"the same screenshot"
    first, second = upload(client, investigator, data)[1], upload(client, investigator, data)[1]
    assert first["code"] != second["code"]
    assert first["sha256"] == second["sha256"]
    assert len([p for p in (evidence_dir / "objects").rglob("*") if p.is_file()]) == 1


def test_codes_that_are_not_codes_are_not_found(
    client: Client, investigator: User, evidence_dir: Path
) -> None:
    for path in ("/api/v1/evidence/not-a-code", "/api/v1/requests/not-a-code"):
        response = client.get(path, headers=bearer(investigator))
        assert response.status_code == 404, path
