"""The register document: strict format, signature, rollback, expiry, key rotation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.keys import generate_node_keys
from hanoinet.core.register.diff import diff_registers
from hanoinet.core.register.errors import (
    RegisterError,
    RegisterExpiredError,
    RegisterFormatError,
    RegisterSignatureError,
    RollbackError,
    UnknownSignerError,
)
from hanoinet.core.register.model import (
    Authority,
    ConventionStatus,
    Declarations,
    NodeEntry,
    PublishedKey,
    Register,
    StateEntry,
    register_from_json,
    register_to_json,
)
from hanoinet.core.register.trust import (
    follow_rotations,
    public_jwk,
    sign_key_rotation,
    sign_register,
    verify_register,
)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def node_entry(endpoint: str = "https://vnm.example/") -> NodeEntry:
    keys = generate_node_keys()
    sig, enc = keys.signing_public_jwk(), keys.encryption_public_jwk()
    return NodeEntry(
        endpoint=endpoint,
        protocols=("hanoinet/1",),
        capabilities=("preservation", "mla"),
        keys=(
            PublishedKey(kid=sig["kid"], use="sig", x=sig["x"], valid_from=NOW - timedelta(days=1)),
            PublishedKey(kid=enc["kid"], use="enc", x=enc["x"], valid_from=NOW - timedelta(days=1)),
        ),
    )


def sample_register(serial: int = 1) -> Register:
    return Register(
        serial=serial,
        previous_serial=serial - 1 or None,
        issued_at=NOW,
        expires_at=NOW + timedelta(days=30),
        states=(
            StateEntry(
                code="VNM",
                name="Viet Nam",
                status=ConventionStatus(signed_on=date(2025, 10, 25)),
                declarations=Declarations(interpol_channel=True),
                languages=("vi", "en"),
                authorities=(
                    Authority(
                        kind="point_of_contact", name="A05", phone="+84 24 0000", hours="24/7"
                    ),
                ),
                node=node_entry(),
            ),
            StateEntry(code="KHM", name="Cambodia", languages=("km", "en")),
        ),
    )


@pytest.fixture
def secretariat() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def trusted(key: Ed25519PrivateKey) -> dict[str, dict[str, str]]:
    jwk = public_jwk(key)
    return {jwk["kid"]: jwk}


def test_json_round_trip_is_exact() -> None:
    """Lists are published sorted, so the same register always has the same bytes."""
    document = register_to_json(sample_register())
    assert register_to_json(register_from_json(document)) == document
    parsed = register_from_json(document).state("KHM")
    assert parsed == StateEntry(code="KHM", name="Cambodia", languages=("en", "km"))


def test_a_signed_register_is_accepted(secretariat: Ed25519PrivateKey) -> None:
    token = sign_register(sample_register(), secretariat)
    register = verify_register(token, trusted(secretariat), now=NOW)
    entry = register.state("VNM")
    assert entry is not None
    assert entry.node is not None
    assert entry.node.endpoint == "https://vnm.example/"
    assert register.state("FRA") is None


def test_one_flipped_byte_anywhere_is_refused(secretariat: Ed25519PrivateKey) -> None:
    token = sign_register(sample_register(), secretariat)
    for position in range(0, len(token), max(1, len(token) // 300)):
        if token[position] == ".":
            continue
        flipped = (
            token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        )
        with pytest.raises(RegisterError):
            verify_register(flipped, trusted(secretariat), now=NOW)


def test_another_signer_is_refused(secretariat: Ed25519PrivateKey) -> None:
    impostor = Ed25519PrivateKey.generate()
    token = sign_register(sample_register(), impostor)
    with pytest.raises(UnknownSignerError, match="not a trusted secretariat key"):
        verify_register(token, trusted(secretariat), now=NOW)
    # The impostor claims the secretariat's key id: the signature fails.
    forged_trust = {next(iter(trusted(impostor))): next(iter(trusted(secretariat).values()))}
    with pytest.raises(RegisterSignatureError):
        verify_register(token, forged_trust, now=NOW)


def test_rollback_and_equivocation_are_refused(secretariat: Ed25519PrivateKey) -> None:
    keys = trusted(secretariat)
    first = sign_register(sample_register(1), secretariat)
    second = sign_register(sample_register(2), secretariat)
    in_force = verify_register(second, keys, now=NOW)
    with pytest.raises(RollbackError, match="serial 1 is older than serial 2"):
        verify_register(first, keys, now=NOW, in_force=in_force, in_force_token=second)
    # The very same document again is fine (a re-fetch) …
    assert (
        verify_register(second, keys, now=NOW, in_force=in_force, in_force_token=second) == in_force
    )
    # … but another document under the same serial is not.
    other = sign_register(
        replace(sample_register(2), expires_at=NOW + timedelta(days=31)), secretariat
    )
    with pytest.raises(RollbackError, match="already in force with different content"):
        verify_register(other, keys, now=NOW, in_force=in_force, in_force_token=second)


def test_an_expired_register_is_refused(secretariat: Ed25519PrivateKey) -> None:
    token = sign_register(sample_register(), secretariat)
    with pytest.raises(RegisterExpiredError, match="expired at 2026-12-22T03:00:00Z"):
        verify_register(token, trusted(secretariat), now=NOW + timedelta(days=30))


def test_rotation_is_followed_only_from_a_trusted_key(secretariat: Ed25519PrivateKey) -> None:
    new = Ed25519PrivateKey.generate()
    newer = Ed25519PrivateKey.generate()
    announcements = [
        sign_key_rotation(new, newer, NOW + timedelta(days=1)),  # out of order on purpose
        sign_key_rotation(secretariat, new, NOW),
    ]
    keys = follow_rotations(announcements, trusted(secretariat))
    assert set(keys) == set(trusted(secretariat)) | set(trusted(new)) | set(trusted(newer))
    token = sign_register(sample_register(), newer)
    assert verify_register(token, keys, now=NOW).serial == 1
    stranger = Ed25519PrivateKey.generate()
    ignored = follow_rotations([sign_key_rotation(stranger, newer, NOW)], trusted(secretariat))
    assert set(ignored) == set(trusted(secretariat))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(type="other"), "register.type"),
        (lambda d: d.update(format=2), "register.format"),
        (lambda d: d.update(serial=0), "register.serial: must be at least 1"),
        (lambda d: d.update(serial="7"), "register.serial: expected a whole number"),
        (
            lambda d: d.update(issued_at="2026-11-22 03:00"),
            "register.issued_at: expected a UTC time",
        ),
        (lambda d: d.update(expires_at="2026-11-22T03:00:00+07:00"), "register.expires_at"),
        (lambda d: d.update(expires_at=d["issued_at"]), "must be after issued_at"),
        (lambda d: d.update(extra=1), "unknown field(s) extra"),
        (lambda d: d["states"][0].update(code="VN"), "is not an ISO 3166-1 alpha-3 code"),
        (lambda d: d["states"][0].update(languages=["Vietnamese"]), "is not a language code"),
        (lambda d: d["states"][1]["authorities"][0].update(kind="police"), "authorities[0].kind"),
        (
            lambda d: d["states"][1]["node"]["keys"][0].update(kid="x" * 43),
            "is not the RFC 7638 thumbprint",
        ),
        (
            lambda d: d["states"][1]["node"]["keys"][0]["jwk"].update(crv="Ed25519"),
            "a key for .enc. must be an OKP X25519 key",
        ),
        (lambda d: d["states"][1]["node"].update(endpoint="ftp://x"), "must be an http(s) URL"),
        (lambda d: d["states"][1]["status"].update(signed_on="25/10/2025"), "expected a date"),
        (lambda d: d["states"][1]["status"].update(consent_kind="signature"), "consent_kind"),
        (lambda d: d["states"].append(d["states"][0]), "a State appears twice"),
        (
            lambda d: d["changes"].append({"state": "VNM", "what": "x", "change": "moved"}),
            "added, removed or changed",
        ),
    ],
)
def test_malformed_documents_name_the_field(mutate: object, message: str) -> None:
    document = json.loads(json.dumps(register_to_json(sample_register())))
    mutate(document)  # type: ignore[operator]
    with pytest.raises(
        RegisterFormatError,
        match=message.replace("(", r"\(")
        .replace(")", r"\)")
        .replace("[", r"\[")
        .replace("]", r"\]"),
    ):
        register_from_json(document)


def test_diff_names_what_changed() -> None:
    old = sample_register(1)
    vnm, _khm = old.states
    assert vnm.node is not None
    new_node = replace(vnm.node, endpoint="https://new.example/", keys=node_entry().keys)
    new = replace(
        old,
        serial=2,
        states=(replace(vnm, node=new_node), StateEntry(code="FRA", name="France")),
    )
    changes = {(c.state, c.what, c.change) for c in diff_registers(old, new)}
    assert changes == {
        ("FRA", "state", "added"),
        ("KHM", "state", "removed"),
        ("VNM", "node.endpoint", "changed"),
        ("VNM", "node.keys", "changed"),
    }
    assert {(c.what, c.change) for c in diff_registers(None, old)} == {("state", "added")}
    dropped = replace(new, states=(replace(new.states[0], node=None),))
    assert ("VNM", "node", "removed") in {
        (c.state, c.what, c.change) for c in diff_registers(new, dropped)
    }
    assert ("VNM", "node", "added") in {
        (c.state, c.what, c.change) for c in diff_registers(dropped, new)
    }


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_garbage_is_always_a_register_error(garbage: str) -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(RegisterError):
        verify_register(garbage, trusted(key), now=NOW)
