"""The direct JOSE code reads and writes the same tokens as a general JOSE library."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from joserfc import jwe, jws
from joserfc.jwk import OKPKey

from hanoinet.core.envelope import (
    DecryptionKey,
    EncryptionKey,
    SigningKey,
    VerifyKey,
    message_digest,
    new_message,
    open_envelope,
    seal,
    sign_receipt,
    verify_receipt,
)
from hanoinet.core.envelope.jose import (
    JoseError,
    _concat_kdf,
    b64d,
    b64e,
    jwe_decrypt,
    jwe_encrypt,
    jws_header,
    jws_sign,
    jws_verify,
)
from hanoinet.core.keys import generate_node_keys
from tests.core.envelope.joserfc_oracle import REGISTRY, okp

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SIGNER = Ed25519PrivateKey.generate()
RECIPIENT = X25519PrivateKey.generate()
HEADER: dict[str, object] = {"kid": "k", "cty": "x", "ver": "hanoinet/1", "thr": "t"}


def _segment(value: dict[str, object]) -> str:
    return b64e(json.dumps(value).encode())


def test_our_envelope_opens_with_joserfc() -> None:
    vnm, khm = generate_node_keys(), generate_node_keys()
    message = new_message(
        sender="VNM",
        sender_kid=vnm.signing_key_id(),
        recipient="KHM",
        type="message.note",
        body={"text": "é"},
        now=NOW,
    )
    encryption = EncryptionKey(khm.encryption_key_id(), khm.encryption.public_key())
    token = seal(message, SigningKey(vnm.signing_key_id(), vnm.signing), encryption)
    decryption = DecryptionKey(khm.encryption_key_id(), khm.encryption)
    inner = jwe.decrypt_compact(token, okp(decryption.key), registry=REGISTRY).plaintext
    assert inner is not None
    verify = VerifyKey(vnm.signing_key_id(), vnm.signing.public_key())
    signed = jws.deserialize_compact(inner, okp(verify.key), algorithms=["Ed25519"])
    opened = open_envelope(
        token,
        state="KHM",
        keys={decryption.kid: decryption},
        sender_key=lambda *_: verify,
        now=NOW,
    )
    assert opened.signed == inner
    assert opened.digest == message_digest(message)
    assert json.loads(signed.payload)["body"] == {"text": "é"}


@pytest.mark.parametrize("party_info", [{}, {"apu": b64e(b"Alice"), "apv": b64e(b"Bob")}])
def test_joserfc_envelopes_decrypt_here(party_info: dict[str, object]) -> None:
    """Including the optional party information that goes into the key derivation."""
    token = jwe.encrypt_compact(
        {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", **HEADER, **party_info},
        b"secret",
        OKPKey.import_key(RECIPIENT.public_key()),
        registry=REGISTRY,
    )
    header, plaintext = jwe_decrypt(token, RECIPIENT)
    assert plaintext == b"secret"
    assert header["thr"] == "t"


def test_our_signatures_verify_with_joserfc_and_theirs_here() -> None:
    ours = jws_sign({"alg": "Ed25519", "typ": "t"}, b'{"a":1}', SIGNER)
    public = OKPKey.import_key(SIGNER.public_key())
    assert jws.deserialize_compact(ours, public, algorithms=["Ed25519"]).payload == b'{"a":1}'
    theirs = jws.serialize_compact(
        {"alg": "Ed25519"}, b"x", OKPKey.import_key(SIGNER), algorithms=["Ed25519"]
    )
    assert jws_verify(theirs.encode(), SIGNER.public_key()) == ({"alg": "Ed25519"}, b"x")


def test_receipts_verify_with_joserfc() -> None:
    key = generate_node_keys()
    receipt = sign_receipt(
        message_id="m",
        digest="d",
        received_at=NOW,
        receiver="KHM",
        sender="VNM",
        signer=SigningKey(key.signing_key_id(), key.signing),
    )
    verify = VerifyKey(key.signing_key_id(), key.signing.public_key())
    assert jws.deserialize_compact(receipt.token, okp(verify.key), algorithms=["Ed25519"])
    assert verify_receipt(receipt.token, verify, message_id="m", digest="d").received_at == NOW


@pytest.mark.parametrize("parameter", ["crit", "zip", "b64"])
def test_parameters_that_change_how_a_token_is_read_are_refused(parameter: str) -> None:
    signed = jws_sign({"alg": "Ed25519", parameter: ["b64"]}, b"x", SIGNER)
    with pytest.raises(JoseError, match=parameter):
        jws_verify(signed, SIGNER.public_key())
    sealed = jwe_encrypt({parameter: "DEF"}, b"x", RECIPIENT.public_key())
    with pytest.raises(JoseError, match=parameter):
        jwe_decrypt(sealed, RECIPIENT)


@pytest.mark.parametrize("alg", ["EdDSA", "none", "HS256", None])
def test_only_ed25519_signatures(alg: str | None) -> None:
    _head, payload, signature = jws_sign({"alg": "Ed25519"}, b"x", SIGNER).split(b".")
    forged = _segment({"alg": alg}).encode() + b"." + payload + b"." + signature
    with pytest.raises(JoseError, match="alg must be Ed25519"):
        jws_verify(forged, SIGNER.public_key())


@pytest.mark.parametrize(
    "change",
    [
        {"alg": "ECDH-ES"},
        {"enc": "A128GCM"},
        {"epk": {"kty": "EC", "crv": "P-256", "x": "AA"}},
        {"epk": "key"},
        # A small-order point: the shared secret would be all zeros.
        {"epk": {"kty": "OKP", "crv": "X25519", "x": b64e(bytes(32))}},
    ],
)
def test_only_x25519_key_agreement_with_aes_gcm(change: dict[str, object]) -> None:
    token = jwe_encrypt(HEADER, b"x", RECIPIENT.public_key())
    head, rest = token.split(".", 1)
    header = json.loads(b64d(head))
    altered = f"{_segment({**header, **change})}.{rest}"
    with pytest.raises(JoseError):
        jwe_decrypt(altered, RECIPIENT)


def test_another_key_cannot_decrypt() -> None:
    token = jwe_encrypt(HEADER, b"x", RECIPIENT.public_key())
    with pytest.raises(JoseError, match="decryption failed"):
        jwe_decrypt(token, X25519PrivateKey.generate())


@pytest.mark.parametrize("text", ["YQ==", "Y+E", "Y/E", "Y E", "Y", "ä"])
def test_base64url_is_read_strictly(text: str) -> None:
    with pytest.raises(JoseError):
        b64d(text)


def test_base64url_round_trip() -> None:
    data = bytes(range(256))
    assert b64d(b64e(data)) == data
    assert b64d(base64.urlsafe_b64encode(b"ab").rstrip(b"=")) == b"ab"


@pytest.mark.parametrize(
    "token",
    [b"a.b", b"a.b.c.d", b"bm90IGpzb24.e30.AA", b"WzFd.e30.AA", b"e30.e30.AA"],
    ids=["two parts", "four parts", "header not JSON", "header not an object", "no alg"],
)
def test_malformed_signatures_are_refused(token: bytes) -> None:
    with pytest.raises(JoseError):
        jws_verify(token, SIGNER.public_key())
    if token.count(b".") != 2:
        with pytest.raises(JoseError):
            jws_header(token)


def test_signing_needs_ed25519_named() -> None:
    with pytest.raises(ValueError, match="alg"):
        jws_sign({"alg": "EdDSA"}, b"x", SIGNER)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda parts: parts[:4],
        lambda parts: [parts[0], parts[1][:-4], *parts[2:]],
        lambda parts: [*parts[:2], parts[2][:-2], *parts[3:]],
        lambda parts: [*parts[:4], parts[4][:-2]],
        lambda parts: [_segment({**json.loads(b64d(parts[0])), "apu": 1}), *parts[1:]],
    ],
    ids=["four parts", "short key", "short IV", "short tag", "apu not a string"],
)
def test_malformed_envelopes_are_refused(mangle: object) -> None:
    parts = jwe_encrypt(HEADER, b"x", RECIPIENT.public_key()).split(".")
    with pytest.raises(JoseError):
        jwe_decrypt(".".join(mangle(parts)), RECIPIENT)  # type: ignore[operator]


@pytest.mark.parametrize(
    "header",
    [{}, {"apu": "", "apv": ""}, {"apu": "QWxpY2U", "apv": "Qm9i"}, {"apv": "Qm9i"}],
)
def test_key_derivation_is_the_concat_kdf(header: dict[str, object]) -> None:
    import os
    import struct

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

    def field(value: bytes) -> bytes:
        return struct.pack(">I", len(value)) + value

    shared = os.urandom(32)
    other = (
        field(b"ECDH-ES+A256KW")
        + field(base64.urlsafe_b64decode(str(header.get("apu", "")) + "=="))
        + field(base64.urlsafe_b64decode(str(header.get("apv", "")) + "=="))
        + struct.pack(">I", 256)
    )
    expected = ConcatKDFHash(hashes.SHA256(), 32, otherinfo=other).derive(shared)
    assert _concat_kdf(shared, header) == expected


def test_signatures_are_openssls_bytes_and_verify_alike() -> None:
    """Ed25519 runs in libsodium: the same deterministic signature as OpenSSL's, and the
    same verdicts, on good, altered and foreign signatures."""
    import os

    from hanoinet.core.envelope.jose import ed25519_sign, ed25519_verify

    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    for size in (0, 1, 64, 1000):
        data = os.urandom(size)
        signature = ed25519_sign(key, data)
        assert signature == key.sign(data)
        assert ed25519_verify(key.public_key(), signature, data)
        flipped = bytes([signature[0] ^ 1]) + signature[1:]
        assert not ed25519_verify(key.public_key(), flipped, data)
        assert not ed25519_verify(other.public_key(), signature, data)
        assert not ed25519_verify(key.public_key(), signature, data + b"x")
        assert not ed25519_verify(key.public_key(), signature[:63], data)


def test_key_agreement_is_openssls() -> None:
    import os

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    from hanoinet.core.envelope.jose import _x25519

    for _ in range(5):
        ours, theirs = X25519PrivateKey.generate(), X25519PrivateKey.generate()
        public = theirs.public_key().public_bytes_raw()
        assert _x25519(ours.private_bytes_raw(), public) == ours.exchange(theirs.public_key())
        scalar = os.urandom(32)  # unclamped: both sides clamp the same way
        from_scalar = X25519PrivateKey.from_private_bytes(scalar)
        assert _x25519(scalar, public) == from_scalar.exchange(
            X25519PublicKey.from_public_bytes(public)
        )
    with pytest.raises(ValueError, match="small-order"):
        _x25519(os.urandom(32), bytes(32))
    with pytest.raises(ValueError, match="32 bytes"):
        _x25519(os.urandom(32), bytes(31))


def test_remembered_headers_keep_their_json_types() -> None:
    key = Ed25519PrivateKey.generate()
    for extra in (True, 1, 1.0, "1", None):
        token = jws_sign({"alg": "Ed25519", "x": extra}, b"p", key)
        assert jws_verify(token, key.public_key())[0]["x"] == extra
        assert type(jws_verify(token, key.public_key())[0]["x"]) is type(extra)
    nested = jws_sign({"alg": "Ed25519", "x": {"y": [1]}}, b"p", key)
    assert jws_verify(nested, key.public_key())[0]["x"] == {"y": [1]}
