"""Witnessing custody ledgers over the federation: a consistent extension is co-signed,
a rewritten history raises the alarm (Cambodia played in-process with the core)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from hanoinet.core.keys import NodeKeys
from hanoinet.core.ledger import (
    Checkpoint,
    MerkleTree,
    sign_checkpoint,
    verify_checkpoint,
    witness,
)
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.evidence.actions import do_ingest_item
from hanoinet.node.evidence.models import LedgerCheckpoint, LedgerWitness, WitnessedLog
from hanoinet.node.evidence.witness import announce_checkpoint
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.oncall.models import Page
from tests.node.api.test_api import bearer
from tests.node.federation.conftest import Peer

pytestmark = pytest.mark.django_db
ORIGIN = "hanoinet.khm/custody"
AT = datetime(2026, 11, 30, 3, tzinfo=UTC)


def khm_tree(size: int, rewritten_at: int | None = None) -> MerkleTree:
    tree = MerkleTree()
    for i in range(size):
        text = f"KHM custody event {i}" + (" (rewritten)" if i == rewritten_at else "")
        tree.append(text.encode())
    return tree


def announce(
    client: Client, khm: Peer, tree: MerkleTree, from_size: int, key: Any = None
) -> dict[str, Any]:
    note = sign_checkpoint(
        Checkpoint(ORIGIN, tree.size, tree.root(), AT), ORIGIN, key or khm.keys.signing
    )
    proof = [h.hex() for h in tree.consistency(from_size)] if 0 < from_size <= tree.size else []
    _m, token = khm.envelope(
        type="ledger.checkpoint", body={"note": note, "from_size": from_size, "proof": proof}
    )
    assert (
        client.post("/federation/v1/inbox", data=token, content_type="application/jose").status_code
        == 200
    )
    deliver_due()
    reply = khm.received[-1]
    assert reply.header.type == "ledger.cosignature"
    return dict(reply.body)


@pytest.fixture
def desk(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def test_we_cosign_extensions_and_raise_the_alarm_on_a_rewritten_history(
    client: Client, khm: Peer, vnm_keys: NodeKeys, desk: User
) -> None:
    first = announce(client, khm, khm_tree(5), 0)
    assert first["status"] == "cosigned"
    ours = vnm_keys.signing.public_key()
    signers = verify_checkpoint(first["note"], {"hanoinet.vnm/witness": ours}).signers
    assert signers == ("hanoinet.vnm/witness",)
    assert announce(client, khm, khm_tree(9), 5)["status"] == "cosigned"
    assert WitnessedLog.objects.get(state="KHM").size == 9
    # A proof from a size we never saw: we say which one we need.
    assert announce(client, khm, khm_tree(12), 3) == {"status": "need_proof", "from_size": 9}
    # Cambodia's node rewrote leaf 2 and grew: the proof from 9 cannot hold.
    refused = announce(client, khm, khm_tree(12, rewritten_at=2), 9)
    assert refused["status"] == "refused"
    assert refused["reason"].startswith("inconsistent")
    log = WitnessedLog.objects.get(state="KHM")
    assert (log.size, log.alarm.split(":")[0]) == (9, "inconsistent")
    assert AuditEvent.objects.filter(action="ledger.witness_alarm", object_id="KHM").exists()
    assert Page.objects.filter(urgency="urgent", subject__contains="custody ledger").exists()
    # Going back in size is a rollback; a checkpoint signed by another key is refused.
    assert announce(client, khm, khm_tree(7), 9)["reason"].startswith("rollback")
    forged = announce(client, khm, khm_tree(13), 9, key=Ed25519PrivateKey.generate())
    assert forged["status"] == "refused"
    assert WitnessedLog.objects.get(state="KHM").size == 9


def test_our_ledger_is_announced_and_the_cosignature_kept(
    client: Client, khm: Peer, evidence_dir: Path, desk: User
) -> None:
    actor = system_actor("test")

    def api_says() -> Any:
        return client.get("/api/v1/evidence/ledger/checkpoint", headers=bearer(desk)).json()

    do_ingest_item(
        actor,
        io.BytesIO(b"exhibit one"),
        filename="a.txt",
        description="one",
        source_kind="seizure",
        acquired_by="Officer Linh",
    )
    assert (api_says()["size"], api_says()["witnessed"]) == (3, None)
    assert announce_checkpoint() == 1
    assert announce_checkpoint() == 0  # already sent, not yet answered
    deliver_due()
    sent = khm.received[-1]
    assert (sent.header.type, sent.body["from_size"], sent.body["proof"]) == (
        "ledger.checkpoint",
        0,
        [],
    )
    # Cambodia witnesses it and answers.
    from hanoinet.node.federation.keyring import own_signer

    ours = own_signer().key.public_key()
    cosigned = witness(
        str(sent.body["note"]),
        [],
        previous=None,
        origin="hanoinet.vnm/custody",
        log_keys={"hanoinet.vnm/custody": ours},
        name="hanoinet.khm/witness",
        key=khm.keys.signing,
    )
    _m, token = khm.envelope(
        type="ledger.cosignature", body={"status": "cosigned", "note": cosigned}
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    checkpoint = LedgerCheckpoint.objects.get(size=3)
    assert [w["state"] for w in checkpoint.witnessed] == ["KHM"]
    assert LedgerWitness.objects.get(state="KHM").acknowledged_size == 3
    assert api_says()["witnessed"] == {"size": 3, "by": ["KHM"]}
    # A bundle made now proves that the log extends what Cambodia witnessed.
    from hanoinet.core.bundle import verify_bundle
    from hanoinet.node.evidence.bundle import do_build_bundle
    from hanoinet.node.evidence.models import EvidenceItem

    bag = do_build_bundle(
        actor, list(EvidenceItem.objects.all()), evidence_dir.parent / "bag", "MLA"
    )
    report = verify_bundle(bag, require_witness=True)
    assert report.ok, report.text()
    assert "witnessed by hanoinet.khm/witness at size 3" in report.text()
    # More custody events: the next announcement proves the extension from 3.
    do_ingest_item(
        actor,
        io.BytesIO(b"exhibit two"),
        filename="b.txt",
        description="two",
        source_kind="seizure",
        acquired_by="Officer Linh",
    )
    assert announce_checkpoint() == 1
    deliver_due()
    extension: dict[str, Any] = dict(khm.received[-1].body)
    assert (extension["from_size"], len(extension["proof"]) > 0) == (
        3,
        True,
    )
    # A witness that saw another size asks for it; the next announcement starts there.
    _m, token = khm.envelope(
        type="ledger.cosignature", body={"status": "need_proof", "from_size": 1}
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert announce_checkpoint() == 1
    deliver_due()
    assert khm.received[-1].body["from_size"] == 1
