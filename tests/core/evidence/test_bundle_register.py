"""The signed register in a court bundle (``hanoinet/register.jws`` and
``hanoinet/register-signers.json``): it verifies against a secretariat key the bundle
gives, long after it expired, and every key the bundle relies on must be in it for the
right State with the same bytes. Each failure is named; bad input never raises."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hanoinet.core.bundle import verify_bundle
from hanoinet.core.keys import NodeKeys
from hanoinet.core.register.court import KEYS_IN_REGISTER, REGISTER
from hanoinet.core.register.model import NodeEntry, PublishedKey, Register, StateEntry
from hanoinet.core.register.trust import public_jwk, sign_key_rotation, sign_register
from tests.core.evidence.test_bundle import (
    ORIGIN,
    SEAL,
    make_bundle,
    public_x,
    rewrite_tag_manifest,
)
from tests.core.evidence.test_bundle_receipts import KHM, OTHER, VNM, receipts

# Issued and expired long before the court looks (the checkpoint is of 2026-11-30).
ISSUED = datetime(2026, 11, 1, tzinfo=UTC)
SECRETARIAT = Ed25519PrivateKey.generate()


def state(code: str, keys: NodeKeys, until: datetime | None = None) -> StateEntry:
    sig = keys.signing_public_jwk()
    return StateEntry(
        code=code,
        name=code,
        node=NodeEntry(
            endpoint=f"https://{code.lower()}.example/",
            keys=(
                PublishedKey(
                    kid=sig["kid"],
                    use="sig",
                    x=sig["x"],
                    valid_from=ISSUED - timedelta(days=30),
                    valid_until=until,
                ),
            ),
        ),
    )


def register_token(
    signer: Ed25519PrivateKey = SECRETARIAT, khm_until: datetime | None = None
) -> str:
    register = Register(
        serial=7,
        issued_at=ISSUED,
        expires_at=ISSUED + timedelta(days=14),
        states=(state("KHM", KHM, khm_until), state("VNM", VNM)),
    )
    return sign_register(register, signer)


def court_bundle(
    folder: Path,
    *,
    token: str | None = None,
    signers: list[Ed25519PrivateKey] | None = None,
    rotations: list[str] | None = None,
    keys: dict[str, str] | None = None,
) -> Path:
    """Cambodia's bundle: its log signed with its node key, the delivery receipts of a
    transfer with Viet Nam, and the register both appear in."""
    return make_bundle(
        folder,
        receipts=receipts(),
        key=KHM.signing,
        keys=keys,
        register=token if token is not None else register_token(),
        register_signers=[public_jwk(key) for key in signers or [SECRETARIAT]],
        key_rotations=rotations,
    )


def problems(bag: Path) -> dict[str, str]:
    return {c.name: c.detail for c in verify_bundle(bag).checks if not c.ok}


def fingerprint(key: Ed25519PrivateKey) -> str:
    x = public_jwk(key)["x"]
    return hashlib.sha256(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))).hexdigest()


def test_the_register_ties_every_key_to_its_state_years_later(tmp_path: Path) -> None:
    bag = court_bundle(tmp_path / "b")
    report = verify_bundle(bag, require_register=True)
    assert report.ok, report.text()
    detail = {c.name: c.detail for c in report.checks}
    assert "serial 7 issued 2026-11-01T00:00:00Z" in detail[REGISTER]
    assert public_jwk(SECRETARIAT)["kid"] in detail[REGISTER]
    assert fingerprint(SECRETARIAT) in detail[REGISTER]
    # The log key, and the receipt signers' and sender's keys of the two receipts.
    assert detail[KEYS_IN_REGISTER] == "4 key uses checked against register serial 7"


def test_an_altered_register_fails(tmp_path: Path) -> None:
    bag = court_bundle(tmp_path / "b")
    path = bag / "hanoinet/register.jws"
    header, payload, signature = path.read_text().split(".")
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    forged = decoded.replace(b'"serial":7', b'"serial":8')
    assert forged != decoded
    path.write_text(
        ".".join((header, base64.urlsafe_b64encode(forged).rstrip(b"=").decode(), signature))
    )
    rewrite_tag_manifest(bag)
    failed = problems(bag)
    assert set(failed) == {REGISTER, KEYS_IN_REGISTER, SEAL}
    assert "does not verify" in failed[REGISTER]
    assert failed[KEYS_IN_REGISTER] == "no verified register to compare the keys with"


def test_a_register_signed_by_another_key_fails(tmp_path: Path) -> None:
    """Whoever swaps the register must swap the secretariat key too, and then the
    fingerprint differs from the secretariat's; swapping only one of them fails here."""
    forger = Ed25519PrivateKey.generate()
    failed = problems(court_bundle(tmp_path / "a", token=register_token(forger)))
    assert "not a trusted secretariat key" in failed[REGISTER]
    failed = problems(court_bundle(tmp_path / "b", signers=[forger]))
    assert "not a trusted secretariat key" in failed[REGISTER]
    report = verify_bundle(
        court_bundle(tmp_path / "c", token=register_token(forger), signers=[forger])
    )
    assert report.ok  # internally consistent: the court's fingerprint comparison catches it
    assert fingerprint(forger) in report.text()
    assert fingerprint(SECRETARIAT) not in report.text()


def test_a_rotated_secretariat_key_is_followed(tmp_path: Path) -> None:
    new = Ed25519PrivateKey.generate()
    rotation = sign_key_rotation(SECRETARIAT, new, ISSUED - timedelta(days=1))
    bag = court_bundle(tmp_path / "b", token=register_token(new), rotations=[rotation])
    report = verify_bundle(bag)
    assert report.ok, report.text()
    assert fingerprint(new) in report.text()
    assert (
        "not a trusted secretariat key"
        in problems(court_bundle(tmp_path / "c", token=register_token(new)))[REGISTER]
    )


def test_keys_that_are_not_the_registers_are_named(tmp_path: Path) -> None:
    stranger = public_x(OTHER.signing)
    bag = court_bundle(
        tmp_path / "b",
        keys={
            ORIGIN: public_x(KHM.signing),
            "hanoinet.vnm/witness": stranger,
            "hanoinet.tha/witness": public_x(VNM.signing),
        },
    )
    failed = problems(bag)
    assert set(failed) == {KEYS_IN_REGISTER}
    detail = failed[KEYS_IN_REGISTER]
    assert f"witness key hanoinet.vnm/witness (VNM, key {OTHER.signing_key_id()}): unknown kid" in (
        detail
    )
    assert (
        f"witness key hanoinet.tha/witness (key {VNM.signing_key_id()}): the register gives it "
        "to VNM, not THA"
    ) in detail
    assert "log key" not in detail


def test_a_receipt_key_with_other_bytes_is_named(tmp_path: Path) -> None:
    bag = court_bundle(tmp_path / "b")
    path = bag / "hanoinet/receipts.json"
    entries = json.loads(path.read_text())
    entries[1]["receipt_key"]["x"] = public_x(OTHER.signing)
    path.write_text(json.dumps(entries))
    rewrite_tag_manifest(bag)
    detail = problems(bag)[KEYS_IN_REGISTER]
    assert (
        f"receipt signer key of message {entries[1]['message_id']} (evidence.received) "
        f"(key {KHM.signing_key_id()}): other key bytes than the register's for KHM"
    ) in detail


def test_a_key_the_register_ended_before_its_use_fails(tmp_path: Path) -> None:
    ended = court_bundle(tmp_path / "b", token=register_token(khm_until=ISSUED))
    detail = problems(ended)[KEYS_IN_REGISTER]
    assert "log key hanoinet.khm/custody" in detail
    assert "the register ends it at 2026-11-01T00:00:00Z, before its use at 2026-11-30" in detail


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("register-signers.json", "{", "hanoinet/register-signers.json: "),
        ("register-signers.json", "[]", "hanoinet/register-signers.json: "),
        ("register-signers.json", '{"signers": [{"kty": "RSA"}]}', "signers[0]"),
        ("register-signers.json", '{"signers": []}', "gives no secretariat key"),
        ("register-signers.json", '{"signers": [], "rotations": ["x.y.z"]}', "not a JWS"),
        ("register.jws", "not a jws", "not a JWS compact serialisation"),
        ("register.jws", "a.b.c", "not a JWS compact serialisation"),
    ],
)
def test_bad_register_files_are_a_named_failure_never_a_crash(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    bag = court_bundle(tmp_path / "b")
    (bag / "hanoinet" / name).write_text(content)
    rewrite_tag_manifest(bag)
    failed = problems(bag)
    assert set(failed) == {REGISTER, KEYS_IN_REGISTER, SEAL}
    assert reason in failed[REGISTER]


@pytest.mark.parametrize("name", ["register.jws", "register-signers.json"])
def test_a_missing_register_file_is_named(tmp_path: Path, name: str) -> None:
    bag = court_bundle(tmp_path / "b")
    (bag / "hanoinet" / name).unlink()
    failed = problems(bag)
    assert (
        f"hanoinet/{name} is listed but missing"
        in failed["tag manifest complete and every hash matches"]
    )
    assert failed[REGISTER] == f"hanoinet/{name} is missing"
