"""Court bundles: written as BagIt, verified offline, and every single change caught by
name. The ``bagit`` library checks the bag independently."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hanoinet.core.bundle import Payload, verify_bundle, write_bundle
from hanoinet.core.envelope.delivery import DeliveryEntry
from hanoinet.core.errors import CoreError
from hanoinet.core.ledger import Checkpoint, CustodyEvent, MerkleTree, sign_checkpoint
from hanoinet.core.ledger.note import Note, sign_text

ORIGIN = "hanoinet.khm/custody"
PAYLOAD = "payload manifest complete and every hash matches"
TAGS = "tag manifest complete and every hash matches"
AT = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def public_x(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make_bundle(
    folder: Path,
    signer: Ed25519PrivateKey | None = None,
    receipts: list[DeliveryEntry] | None = None,
    *,
    key: Ed25519PrivateKey | None = None,
    keys: dict[str, str] | None = None,
    register: str = "",
    register_signers: list[dict[str, str]] | None = None,
    key_rotations: list[str] | None = None,
) -> Path:
    """``key`` signs the log (a fresh key if not given); ``keys`` replaces keys.json;
    ``register`` and its signers are written as they are given."""
    key = key or Ed25519PrivateKey.generate()
    contents = {"EX-1/chat.json": b'{"to": "TXYZ"}' * 500, "EX-2/photo.jpg": os.urandom(70_000)}
    tree = MerkleTree()
    custody: list[dict[str, Any]] = []
    tree.append(b"an unrelated earlier event")
    for name, data in contents.items():
        digest = hashlib.sha256(data).hexdigest()
        for kind in ("acquired", "hashed", "sealed", "exported"):
            leaf = CustodyEvent(
                kind=kind, actor="Officer Sok", at=AT, item_digest=digest, reason=f"{kind} {name}"
            ).to_leaf_bytes()
            custody.append({"index": tree.append(leaf), "leaf": leaf.decode()})
    for entry in custody:
        entry["inclusion_proof"] = [h.hex() for h in tree.inclusion(int(entry["index"]))]
    note = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root(), AT), ORIGIN, signer or key)
    return write_bundle(
        folder,
        payloads=[
            Payload(name, [data[:1000], data[1000:]], {"description": name})
            for name, data in contents.items()
        ],
        custody=custody,
        checkpoint=note,
        keys=keys if keys is not None else {ORIGIN: public_x(key)},
        info={"Source-Organization": "hanoinet node of KHM", "Bagging-Date": "2026-11-30"},
        receipts=receipts,
        register=register,
        register_signers=register_signers,
        key_rotations=key_rotations,
        seal_key=signer or key,
    )


# A forger who recomputes the manifests cannot sign them again: the seal fails as well.
SEAL = "bundle seal: the tag manifest is signed by the log's key"


def rewrite_tag_manifest(bag: Path) -> None:
    """What a forger who edits a tag file also does."""
    lines = []
    for line in (bag / "tagmanifest-sha256.txt").read_text().splitlines():
        name = line.partition("  ")[2]
        lines.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}\n")
    (bag / "tagmanifest-sha256.txt").write_text("".join(lines))


def failed(folder: Path) -> dict[str, str]:
    return {c.name: c.detail for c in verify_bundle(folder).checks if not c.ok}


def test_a_bundle_verifies_offline_and_is_a_valid_bag(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "bundle")
    report = verify_bundle(bag)
    assert report.ok, report.text()
    assert "bundle verified" in report.text()
    assert "PASS  federation receipts: no transfers" in report.text()
    # A lone node holds no register: the bundle says so, and passes unless a court
    # requires the register (hanoinet verify-bundle --require-register).
    assert "PASS  register: no register in the bundle" in report.text()
    assert "PASS  keys belong to the register: no register in the bundle" in report.text()
    listed = (bag / "tagmanifest-sha256.txt").read_text()
    for name in ("register.jws", "register-signers.json"):
        assert f"  hanoinet/{name}\n" in listed
    assert json.loads((bag / "hanoinet/register-signers.json").read_text()) == {
        "signers": [],
        "rotations": [],
    }
    bagit.Bag(str(bag)).validate()  # the Library of Congress's own validator
    assert json.loads(json.dumps(report.as_json()))["ok"] is True


def flip(path: Path, offset: int = 10) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 1
    path.write_bytes(bytes(raw))


def test_a_payload_byte_flipped_fails_the_manifest_naming_the_file(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    flip(bag / "data/EX-2/photo.jpg", 5000)
    problems = failed(bag)
    assert "data/EX-2/photo.jpg does not match its SHA-256" in problems[PAYLOAD]
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()


def test_an_edited_tag_file_fails_the_tag_manifest(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    items = bag / "hanoinet/items.json"
    items.write_text(items.read_text().replace("EX-1", "EX-9"))
    assert "hanoinet/items.json does not match" in failed(bag)[TAGS]


def test_a_file_added_beside_the_payload_is_named(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    (bag / "hanoinet/note-to-the-court.txt").write_text("the exhibit was lost in 2025")
    (bag / "manifest-md5.txt").write_text("")
    assert failed(bag)[TAGS] == (
        "hanoinet/note-to-the-court.txt is not listed; manifest-md5.txt is not listed"
    )


def test_an_altered_proof_fails_inclusion(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    custody_file = bag / "hanoinet/custody.json"
    custody = json.loads(custody_file.read_text())
    proof = custody[3]["inclusion_proof"]
    proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]
    custody_file.write_text(json.dumps(custody))
    problems = failed(bag)
    assert "event 3" in problems["custody events are in the signed ledger (inclusion proofs)"]


def test_a_checkpoint_signed_by_another_key_fails(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b", signer=Ed25519PrivateKey.generate())
    assert "checkpoint signature" in failed(bag)


def test_an_added_or_removed_payload_file_is_named(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    (bag / "data/EX-1/extra.txt").write_text("slipped in")
    problems = failed(bag)
    assert "data/EX-1/extra.txt is not listed" in problems[PAYLOAD]
    assert "Payload-Oxum matches the payload" in problems
    (bag / "data/EX-1/extra.txt").unlink()
    (bag / "data/EX-1/chat.json").unlink()
    assert "is listed but missing" in failed(bag)[PAYLOAD]


def test_not_a_bundle_and_unsafe_names(tmp_path: Path) -> None:
    assert not verify_bundle(tmp_path / "nowhere").ok
    (tmp_path / "empty").mkdir()
    assert not verify_bundle(tmp_path / "empty").ok
    for name in ("../escape", "/etc/passwd", "a/../../b"):
        with pytest.raises(CoreError, match="not a safe file name"):
            write_bundle(
                tmp_path / f"x{abs(hash(name))}",
                payloads=[Payload(name, [b"x"], {})],
                custody=[],
                checkpoint="",
                keys={},
                info={},
                seal_key=Ed25519PrivateKey.generate(),
            )


def witnessed_bundle(folder: Path, *, break_proof: bool = False, strip: bool = False) -> Path:
    """A bundle whose log was co-signed by a witness at an earlier size."""
    from hanoinet.core.ledger import cosign

    log_key, witness_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = b"exhibit"
    digest = hashlib.sha256(data).hexdigest()
    tree = MerkleTree()
    custody: list[dict[str, Any]] = []
    for kind in ("acquired", "hashed", "sealed"):
        leaf = CustodyEvent(kind=kind, actor="Sok", at=AT, item_digest=digest, reason=kind)
        custody.append(
            {"index": tree.append(leaf.to_leaf_bytes()), "leaf": leaf.to_leaf_bytes().decode()}
        )
    earlier = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root(), AT), ORIGIN, log_key)
    earlier_size = tree.size
    witnessed_note = earlier if strip else cosign(earlier, "hanoinet.vnm/witness", witness_key)
    leaf = CustodyEvent(kind="exported", actor="Sok", at=AT, item_digest=digest, reason="court")
    custody.append(
        {"index": tree.append(leaf.to_leaf_bytes()), "leaf": leaf.to_leaf_bytes().decode()}
    )
    for entry in custody:
        entry["inclusion_proof"] = [h.hex() for h in tree.inclusion(int(entry["index"]))]
    proof = [h.hex() for h in tree.consistency(earlier_size)]
    if break_proof:
        proof[0] = ("0" if proof[0][0] != "0" else "1") + proof[0][1:]
    return write_bundle(
        folder,
        payloads=[Payload("EX-1/exhibit.bin", [data], {})],
        custody=custody,
        checkpoint=sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root(), AT), ORIGIN, log_key),
        keys={ORIGIN: public_x(log_key), "hanoinet.vnm/witness": public_x(witness_key)},
        info={},
        witnessed=[{"note": witnessed_note, "consistency": proof}],
        seal_key=log_key,
    )


WITNESSED = "the checkpoint extends a witnessed checkpoint"


def test_a_witnessed_bundle_verifies_and_a_bad_consistency_proof_fails(tmp_path: Path) -> None:
    report = verify_bundle(witnessed_bundle(tmp_path / "ok"), require_witness=True)
    assert report.ok, report.text()
    assert "witnessed by hanoinet.vnm/witness at size 3" in report.text()
    assert WITNESSED in failed(witnessed_bundle(tmp_path / "bad", break_proof=True))
    stripped = {
        c.name: c.detail
        for c in verify_bundle(witnessed_bundle(tmp_path / "s", strip=True)).checks
        if not c.ok
    }
    assert "needs the log's signature and a witness's" in stripped[WITNESSED]


def test_a_register_can_be_required(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    problems = {
        c.name: c.detail for c in verify_bundle(bag, require_register=True).checks if not c.ok
    }
    assert problems == {
        "register": "no register in the bundle",
        "keys belong to the register": "no register in the bundle",
    }


def test_a_witness_can_be_required(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    assert verify_bundle(bag).ok
    report = verify_bundle(bag, require_witness=True)
    assert not report.ok
    assert "no witness co-signature in this bundle" in report.text()


def test_any_single_byte_changed_anywhere_fails_naming_a_check(tmp_path: Path) -> None:
    """The acceptance property: one byte changed in any file of the bundle (payload, tag
    files, manifests, the BagIt declaration) and verification fails, saying which check.
    Every file is tried at its first, middle and last byte and at random places."""
    bag = make_bundle(tmp_path / "b")
    # (An empty tag file, such as register.jws on a node without a register, has no byte.)
    files = sorted(p for p in bag.rglob("*") if p.is_file() and p.stat().st_size)
    chance = random.Random(20261201)  # noqa: S311 - reproducible test positions, not secrets
    tried = 0
    for path in files:
        size = path.stat().st_size
        offsets = {0, size // 2, size - 1, *(chance.randrange(size) for _ in range(5))}
        for offset in sorted(offsets):
            original = path.read_bytes()
            changed = bytearray(original)
            changed[offset] ^= 1 << chance.randrange(8)
            path.write_bytes(bytes(changed))
            try:
                report = verify_bundle(bag)
            finally:
                path.write_bytes(original)
            where = f"{path.relative_to(bag)} at byte {offset}"
            assert not report.ok, where
            names = [check.name for check in report.checks if not check.ok]
            assert all(names), where
            if path.is_relative_to(bag / "data"):
                assert str(path.relative_to(bag)) in failed_detail(report, PAYLOAD), where
            tried += 1
    assert verify_bundle(bag).ok  # every change was undone: the test changed only bytes
    assert tried >= 8 * len(files) - 3 * len(files)  # a few offsets coincide in tiny files


def failed_detail(report: Any, name: str) -> str:
    return next((c.detail for c in report.checks if c.name == name and not c.ok), "")


def test_the_seal_catches_an_edit_whose_manifests_were_recomputed(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    report = verify_bundle(bag)
    assert f"PASS  {SEAL}: signed by {ORIGIN}" in report.text()
    # What items.json says of an exhibit is signed by nothing else: edited, with both
    # manifests made to match, only the seal tells.
    items = bag / "hanoinet/items.json"
    items.write_text(items.read_text().replace('"EX-1/chat.json"', '"EX-1/chat (copy).json"'))
    rewrite_tag_manifest(bag)
    assert failed(bag) == {
        SEAL: "it signs another tag manifest: the bundle was changed after it was sealed"
    }


def test_a_missing_or_foreign_seal_fails(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "missing")
    (bag / "hanoinet/seal.txt").unlink()
    assert "seal.txt is missing" in failed(bag)[SEAL]
    # Sealed by another key under the log's name: the signature does not verify.
    other = make_bundle(tmp_path / "other")
    text = (other / "hanoinet/seal.txt").read_text().partition("\n\n")[0] + "\n"
    forged = Note(text, (sign_text(text, ORIGIN, Ed25519PrivateKey.generate()),)).serialise()
    (other / "hanoinet/seal.txt").write_text(forged)
    assert SEAL in failed(other)
    # The seal is a bag tag file bagit's validator accepts beside the tag manifest.
    bagit.Bag(str(make_bundle(tmp_path / "valid"))).validate()
