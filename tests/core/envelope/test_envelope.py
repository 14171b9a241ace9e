"""The envelope as a peer meets it: every way to get it wrong has its own code."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.envelope import (
    DecryptionKey,
    EncryptionKey,
    EnvelopeError,
    Message,
    Opened,
    Rejection,
    SigningKey,
    VerifyKey,
    message_digest,
    negotiate,
    new_message,
    open_envelope,
    seal,
    sign_receipt,
    verify_receipt,
    verify_signed_message,
)
from hanoinet.core.envelope.seal import sign_message
from hanoinet.core.jsonio import canonical
from hanoinet.core.keys import NodeKeys, generate_node_keys
from tests.core.envelope.joserfc_oracle import REGISTRY, okp

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
VNM = generate_node_keys()
KHM = generate_node_keys()
INTRUDER = generate_node_keys()


def signer(keys: NodeKeys) -> SigningKey:
    return SigningKey(keys.signing_key_id(), keys.signing)


def encryption(keys: NodeKeys) -> EncryptionKey:
    return EncryptionKey(keys.encryption_key_id(), keys.encryption.public_key())


def registered(state: str, kid: str, at: datetime) -> VerifyKey | None:
    """The register as KHM sees it: VNM's key only."""
    if state == "VNM" and kid == VNM.signing_key_id():
        return VerifyKey(kid, VNM.signing.public_key())
    return None


def message(**overrides: object) -> Message:
    options: dict[str, object] = {
        "sender": "VNM",
        "sender_kid": VNM.signing_key_id(),
        "recipient": "KHM",
        "type": "request.preservation",
        "body": {"text": "Preserve the data of +85512345678", "n": 1},
        "now": NOW,
        **overrides,
    }
    return new_message(**options)  # type: ignore[arg-type]


def open_at_khm(token: str | bytes, now: datetime = NOW, **options: object) -> Opened:
    return open_envelope(
        token,
        state="KHM",
        keys={KHM.encryption_key_id(): DecryptionKey(KHM.encryption_key_id(), KHM.encryption)},
        sender_key=registered,
        now=now,
        **options,  # type: ignore[arg-type]
    )


def rejected(token: str | bytes, now: datetime = NOW, **options: object) -> Rejection:
    with pytest.raises(EnvelopeError) as caught:
        open_at_khm(token, now, **options)
    return caught.value.code


def test_a_sealed_message_opens_with_its_header_body_and_digest() -> None:
    sent = message()
    opened = open_at_khm(seal(sent, signer(VNM), encryption(KHM)))
    assert opened.message == sent
    assert opened.digest == message_digest(sent)


def test_two_seals_of_one_message_differ_but_share_the_digest() -> None:
    sent = message()
    first, second = (
        seal(sent, signer(VNM), encryption(KHM)),
        seal(sent, signer(VNM), encryption(KHM)),
    )
    assert first != second
    assert open_at_khm(first).digest == open_at_khm(second).digest


def test_unknown_sender() -> None:
    forged = message(sender="FRA", sender_kid=INTRUDER.signing_key_id())
    assert rejected(seal(forged, signer(INTRUDER), encryption(KHM))) is Rejection.UNKNOWN_SENDER


def test_forged_sender_signing_with_its_own_key_but_naming_vnm_key() -> None:
    forged = message()
    # The intruder claims VNM's key id but signs with its own key.
    impostor = SigningKey(VNM.signing_key_id(), INTRUDER.signing)
    assert rejected(seal(forged, impostor, encryption(KHM))) is Rejection.BAD_SIGNATURE


def test_message_for_another_state() -> None:
    other = message(recipient="FRA")
    assert rejected(seal(other, signer(VNM), encryption(KHM))) is Rejection.NOT_FOR_US


def test_message_encrypted_to_another_node() -> None:
    assert rejected(seal(message(), signer(VNM), encryption(INTRUDER))) is Rejection.NOT_FOR_US


def test_expired_and_replay_after_the_window() -> None:
    token = seal(message(lifetime=timedelta(hours=1)), signer(VNM), encryption(KHM))
    open_at_khm(token, NOW + timedelta(minutes=59))
    assert rejected(token, NOW + timedelta(hours=1)) is Rejection.EXPIRED
    assert rejected(token, NOW + timedelta(days=30)) is Rejection.EXPIRED


def test_clock_skew() -> None:
    token = seal(message(now=NOW + timedelta(minutes=6)), signer(VNM), encryption(KHM))
    assert rejected(token) is Rejection.CLOCK_SKEW
    open_at_khm(token, NOW + timedelta(minutes=2))  # within 5 minutes: accepted


def test_oversized_envelope() -> None:
    big = message(body={"blob": "x" * 50_000})
    token = seal(big, signer(VNM), encryption(KHM))
    assert rejected(token, max_bytes=40_000) is Rejection.TOO_LARGE


def _with_outer_header(token: str, **changes: object) -> str:
    head, rest = token.split(".", 1)
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    header.update(changes)
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{rest}"


def test_unknown_version() -> None:
    token = seal(message(), signer(VNM), encryption(KHM))
    assert rejected(_with_outer_header(token, ver="hanoinet/9")) is Rejection.UNSUPPORTED_VERSION
    assert rejected(_with_outer_header(token, enc="A128CBC-HS256")) is Rejection.UNSUPPORTED_VERSION


def test_an_altered_protected_header_breaks_the_encryption() -> None:
    token = seal(message(), signer(VNM), encryption(KHM))
    assert rejected(_with_outer_header(token, extra="x")) is Rejection.BAD_SIGNATURE


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TOKEN = seal(message(lifetime=timedelta(days=7)), signer(VNM), encryption(KHM))


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.sampled_from(ALPHABET))
def test_a_changed_character_anywhere_is_refused_with_a_code(
    position: int, replacement: str
) -> None:
    original = TOKEN[position]
    if original in {".", replacement}:
        return
    altered = TOKEN[:position] + replacement + TOKEN[position + 1 :]
    try:
        open_at_khm(altered, NOW + timedelta(days=1))
    except EnvelopeError as exc:
        code = exc.code
        assert code in {
            Rejection.MALFORMED,
            Rejection.BAD_SIGNATURE,
            Rejection.UNSUPPORTED_VERSION,
            Rejection.NOT_FOR_US,
        }
    else:
        # Only the unused low bits of the last base64 character of a segment can change
        # without changing the bytes; then the message must be the very same.
        assert (
            open_at_khm(altered, NOW + timedelta(days=1)).digest == open_at_khm(TOKEN, NOW).digest
        )


@settings(max_examples=500)
@given(st.binary(max_size=600) | st.text(max_size=600))
def test_garbage_is_malformed_never_a_crash(garbage: bytes | str) -> None:
    with pytest.raises(EnvelopeError):
        open_at_khm(garbage)


def test_a_signed_message_in_non_canonical_form_is_refused() -> None:
    sent = message()
    inner = sign_message(sent, signer(VNM)).decode()
    head, _payload, _sig = inner.split(".")
    loose = json.dumps(sent.to_json(), indent=1).encode()
    assert loose != canonical(sent.to_json())
    # Re-sign the loose form properly so only canonical form is at stake.
    from joserfc import jwe, jws

    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    resigned = jws.serialize_compact(header, loose, okp(signer(VNM).key), algorithms=["Ed25519"])
    protected = {
        "alg": "ECDH-ES+A256KW",
        "enc": "A256GCM",
        "kid": KHM.encryption_key_id(),
        "cty": "hanoinet-msg+jws",
        "ver": "hanoinet/1",
        "thr": sent.header.thread,
    }
    token = jwe.encrypt_compact(
        protected, resigned.encode(), okp(encryption(KHM).key), registry=REGISTRY
    )
    assert rejected(token) is Rejection.MALFORMED


def test_header_fields_are_checked_strictly() -> None:
    with pytest.raises(EnvelopeError, match=r"header\.sender"):
        message(sender="Viet Nam")
    with pytest.raises(EnvelopeError, match=r"header\.type"):
        message(type="Request Preservation")


def test_lifetime_is_capped_at_seven_days() -> None:
    header = message(lifetime=timedelta(days=30)).header
    assert header.expires_at - header.created_at == timedelta(days=7)


def test_receipts_prove_the_message_and_digest() -> None:
    sent = message()
    digest = message_digest(sent)
    receipt = sign_receipt(
        message_id=sent.header.id,
        digest=digest,
        received_at=NOW,
        receiver="KHM",
        sender="VNM",
        signer=signer(KHM),
    )
    khm_key = VerifyKey(KHM.signing_key_id(), KHM.signing.public_key())
    checked = verify_receipt(receipt.token, khm_key, message_id=sent.header.id, digest=digest)
    assert checked.received_at == NOW
    with pytest.raises(EnvelopeError, match="another message"):
        verify_receipt(receipt.token, khm_key, message_id=sent.header.id, digest="0" * 64)
    intruder_key = VerifyKey(KHM.signing_key_id(), INTRUDER.signing.public_key())
    with pytest.raises(EnvelopeError, match="signature"):
        verify_receipt(receipt.token, intruder_key, message_id=sent.header.id, digest=digest)


def test_a_stored_signed_message_verifies_on_its_own_long_after_it_expired() -> None:
    """As a court checks the signed message a bundle carries: signature, canonical form
    and version; no clock, no recipient."""
    from dataclasses import replace

    from joserfc import jws

    sent = message()
    inner = sign_message(sent, signer(VNM))
    opened = verify_signed_message(inner, registered)
    assert opened.digest == message_digest(sent)
    assert opened.message.header.expires_at < datetime.now(UTC)
    with pytest.raises(EnvelopeError, match="signature does not verify"):
        verify_signed_message(
            inner,
            lambda state, kid, at: VerifyKey(kid, INTRUDER.signing.public_key()),
        )
    header = {"alg": "Ed25519", "kid": VNM.signing_key_id(), "typ": "hanoinet-msg+jws"}

    def resigned(payload: bytes) -> bytes:
        return jws.serialize_compact(
            header, payload, okp(signer(VNM).key), algorithms=["Ed25519"]
        ).encode()

    loose = resigned(json.dumps(sent.to_json(), indent=1).encode())
    with pytest.raises(EnvelopeError, match="canonical form") as caught:
        verify_signed_message(loose, registered)
    assert caught.value.code is Rejection.MALFORMED
    future = Message(replace(sent.header, version="hanoinet/9"), sent.body)
    with pytest.raises(EnvelopeError) as caught:
        verify_signed_message(resigned(canonical(future.to_json())), registered)
    assert caught.value.code is Rejection.UNSUPPORTED_VERSION


def test_negotiation_picks_the_newest_common_version() -> None:
    assert negotiate(("hanoinet/2", "hanoinet/1"), ("hanoinet/1", "hanoinet/2")) == "hanoinet/2"
    assert negotiate(("hanoinet/1",), ("hanoinet/2",)) is None


@pytest.mark.parametrize("segment", [0, 1, 2])
def test_loose_base64url_inside_a_signed_message_is_refused(segment: int) -> None:
    """Padding in any segment of the signed message: the signature covers the exact
    characters, and base64url in JOSE has no padding, so it cannot count as signed."""
    from hanoinet.core.envelope.jose import jwe_encrypt

    sent = message()
    parts = sign_message(sent, signer(VNM)).decode().split(".")
    # Padding: what a lenient decoder completes, or a whole extra quantum it ignores.
    parts[segment] += "=" * (-len(parts[segment]) % 4) or "===="
    protected: dict[str, object] = {
        "kid": KHM.encryption_key_id(),
        "cty": "hanoinet-msg+jws",
        "ver": "hanoinet/1",
        "thr": sent.header.thread,
    }
    token = jwe_encrypt(protected, ".".join(parts).encode(), KHM.encryption.public_key())
    assert rejected(token) is Rejection.BAD_SIGNATURE
    # The same message, sealed properly, opens.
    assert open_at_khm(seal(sent, signer(VNM), encryption(KHM))).message == sent


def _uuid_round_trips(value: str) -> bool:
    import uuid

    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@settings(max_examples=300)
@given(
    st.uuids().map(str)
    | st.uuids().map(lambda u: str(u).upper())
    | st.uuids().map(lambda u: u.hex)
    | st.uuids().map(lambda u: "{" + str(u) + "}")
    | st.text(alphabet="0123456789abcdefABCDEF-{}:urn \n٣", max_size=45)
)
def test_header_ids_are_exactly_the_canonical_uuids(value: str) -> None:
    from hanoinet.core.envelope.model import CANONICAL_UUID

    assert (CANONICAL_UUID.fullmatch(value) is not None) == _uuid_round_trips(value)
