"""The two JOSE forms ``hanoinet/1`` uses, written directly on ``cryptography``.

* JWS compact (RFC 7515) with ``alg`` ``Ed25519`` (RFC 9864): the signed message and the
  receipt.
* JWE compact (RFC 7516) with ``alg`` ``ECDH-ES+A256KW`` to an X25519 key (RFC 7518 4.6,
  RFC 8037) and ``enc`` ``A256GCM``: the envelope.

Why not a general JOSE library: these are the only algorithms the protocol allows, and a
general library's key objects, header registries and algorithm look-ups cost more per
message than the cryptography itself (the inbox and the outbox worker do this for every
message). The tokens are standard and interoperate with any JOSE implementation; the
tests check both directions against ``joserfc``.

Only what the protocol allows is accepted: no other algorithm, no ``crit`` (so no
extension can change how a token is read, e.g. RFC 7797 ``b64``), no ``zip``.
Base64url is read strictly (no padding, no other characters).

>>> from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
>>> key = Ed25519PrivateKey.generate()
>>> token = jws_sign({"alg": "Ed25519"}, b"hello", key)
>>> jws_verify(token, key.public_key())[1]
b'hello'
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from nacl.bindings import (
    crypto_scalarmult,
    crypto_scalarmult_base,
    crypto_sign,
    crypto_sign_open,
    crypto_sign_seed_keypair,
)
from nacl.exceptions import BadSignatureError

from hanoinet.core.errors import CoreError

# Ed25519 and X25519 themselves run in libsodium (the pinned PyNaCl's; ISC licence): here
# its Ed25519 signs in half the time of OpenSSL's through ``cryptography`` and verifies in
# under half, and every message is signed and verified twice (the message and its
# receipt). The keys stay ``cryptography`` objects; the tokens are the same bytes
# (Ed25519 is deterministic), checked in the tests against ``cryptography`` and joserfc.

SIGNATURE_ALG = "Ed25519"
KEY_AGREEMENT_ALG = "ECDH-ES+A256KW"
CONTENT_ENC = "A256GCM"
# Header parameters that would change how a token is read: the protocol uses none.
REFUSED_PARAMETERS = frozenset({"crit", "zip", "b64"})

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class JoseError(CoreError):
    """Not a token of the expected form, or its signature or encryption does not hold."""


def b64e(data: bytes) -> str:
    """base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str | bytes) -> bytes:
    """Strict base64url without padding: any other character is an error."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    # With only these characters and a possible length, decoding cannot fail.
    if _B64URL.fullmatch(text) is None or len(text) % 4 == 1:
        raise JoseError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _header_json(header: dict[str, object]) -> bytes:
    return json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _read_header(segment: str | bytes) -> dict[str, object]:
    try:
        value = json.loads(b64d(segment))
    except (ValueError, RecursionError):
        raise JoseError("the protected header is not JSON") from None
    if not isinstance(value, dict):
        raise JoseError("the protected header is not a JSON object")
    refused = REFUSED_PARAMETERS.intersection(value)
    if refused:
        raise JoseError(f"header parameter {sorted(refused)[0]!r} is not allowed")
    return value


@functools.lru_cache(maxsize=64)
def _sodium_secret(seed: bytes) -> bytes:
    return crypto_sign_seed_keypair(seed)[1]


def ed25519_sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The RFC 8032 signature of ``data`` (what ``key.sign`` gives, in half the time)."""
    return crypto_sign(data, _sodium_secret(key.private_bytes_raw()))[:64]


def ed25519_verify(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is ``key``'s on ``data``. libsodium is stricter than OpenSSL
    (it also refuses small-order keys and R): no honest signature differs."""
    if len(signature) != 64:
        return False
    try:
        crypto_sign_open(signature + data, key.public_bytes_raw())
    except BadSignatureError:
        return False
    return True


def jws_sign(header: dict[str, object], payload: bytes, key: Ed25519PrivateKey) -> bytes:
    """A JWS compact serialisation; ``header`` must name ``alg`` ``Ed25519``."""
    if header.get("alg") != SIGNATURE_ALG:
        raise ValueError(f"alg must be {SIGNATURE_ALG}")
    signing_input = f"{_encoded_header(header)}.{b64e(payload)}".encode("ascii")
    return signing_input + b"." + b64e(ed25519_sign(key, signing_input)).encode("ascii")


def _encoded_header(header: dict[str, object]) -> str:
    """The header's base64url JSON; a node signs with few headers (its key id and the
    token type), so they are remembered."""
    try:
        # The type is part of the key: True and 1 are equal, their JSON is not.
        return _encoded_flat_header(tuple((k, type(v), v) for k, v in header.items()))
    except TypeError:  # a value that cannot be hashed (e.g. a nested object)
        return b64e(_header_json(header))


@functools.lru_cache(maxsize=256)
def _encoded_flat_header(items: tuple[tuple[str, type, object], ...]) -> str:
    return b64e(_header_json({k: v for k, _type, v in items}))


def jws_header(token: bytes) -> dict[str, object]:
    """The protected header of a JWS compact serialisation, unverified (to find the key)."""
    parts = token.split(b".")
    if len(parts) != 3:
        raise JoseError("not a JWS compact serialisation (3 parts)")
    return _read_header(parts[0])


def jws_verify(token: bytes, key: Ed25519PublicKey) -> tuple[dict[str, object], bytes]:
    """Verify an Ed25519 JWS compact serialisation; return its header and payload."""
    parts = token.split(b".")
    if len(parts) != 3:
        raise JoseError("not a JWS compact serialisation (3 parts)")
    header = _read_header(parts[0])
    if header.get("alg") != SIGNATURE_ALG:
        raise JoseError(f"alg must be {SIGNATURE_ALG}")
    payload, signature = b64d(parts[1]), b64d(parts[2])
    if not ed25519_verify(key, signature, parts[0] + b"." + parts[1]):
        raise JoseError("the signature does not verify")
    return header, payload


def _concat_kdf(shared: bytes, header: dict[str, object]) -> bytes:
    """RFC 7518 4.6.2: the key-wrapping key, with the ``alg`` as AlgorithmID."""

    def field(value: bytes) -> bytes:
        return struct.pack(">I", len(value)) + value

    apu, apv = header.get("apu", ""), header.get("apv", "")
    if not isinstance(apu, str) or not isinstance(apv, str):
        raise JoseError("apu and apv are base64url strings")
    other = (
        _NO_PARTY_INFO
        if not apu and not apv
        else field(KEY_AGREEMENT_ALG.encode("ascii"))
        + field(b64d(apu))
        + field(b64d(apv))
        + struct.pack(">I", 256)
    )
    # NIST SP 800-56A Concat KDF for a 256-bit key with SHA-256 is one round:
    # SHA-256(counter 1 || Z || OtherInfo). Written out because building the
    # ``ConcatKDFHash`` object cost more than the hash (checked against it in the tests).
    return hashlib.sha256(b"\x00\x00\x00\x01" + shared + other).digest()


# OtherInfo without apu and apv (what hanoinet sends): AlgorithmID, two empty party
# infos, the key length in bits.
_NO_PARTY_INFO = (
    struct.pack(">I", len(KEY_AGREEMENT_ALG))
    + KEY_AGREEMENT_ALG.encode("ascii")
    + struct.pack(">II", 0, 0)
    + struct.pack(">I", 256)
)


def _x25519(private: bytes, public: bytes) -> bytes:
    """The X25519 shared secret; ValueError for a malformed or small-order public key
    (an all-zero secret, which libsodium refuses), as ``cryptography`` does."""
    if len(public) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    try:
        return crypto_scalarmult(private, public)
    except RuntimeError:
        raise ValueError("a small-order X25519 public key") from None


def jwe_encrypt(header: dict[str, object], plaintext: bytes, recipient: X25519PublicKey) -> str:
    """A JWE compact serialisation to ``recipient``; ``header`` gets ``alg``, ``enc``, ``epk``."""
    ephemeral = os.urandom(32)  # an X25519 private key: any 32 bytes (clamped in use)
    epk = crypto_scalarmult_base(ephemeral)
    protected = {
        **header,
        "alg": KEY_AGREEMENT_ALG,
        "enc": CONTENT_ENC,
        "epk": {"crv": "X25519", "kty": "OKP", "x": b64e(epk)},
    }
    kek = _concat_kdf(_x25519(ephemeral, recipient.public_bytes_raw()), protected)
    cek = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    encoded = b64e(_header_json(protected))
    sealed = AESGCM(cek).encrypt(iv, plaintext, encoded.encode("ascii"))
    return ".".join(
        (encoded, b64e(aes_key_wrap(kek, cek)), b64e(iv), b64e(sealed[:-16]), b64e(sealed[-16:]))
    )


def read_protected_header(segment: str | bytes) -> dict[str, object]:
    """A protected header read strictly (base64url, JSON object, no refused parameter)."""
    return _read_header(segment)


def jwe_decrypt(
    token: str, key: X25519PrivateKey, *, header: dict[str, object] | None = None
) -> tuple[dict[str, object], bytes]:
    """Decrypt an ECDH-ES+A256KW / A256GCM JWE compact serialisation. ``header``: its
    protected header as ``read_protected_header`` gave it, when the caller has read it."""
    parts = token.split(".")
    if len(parts) != 5:
        raise JoseError("not a JWE compact serialisation (5 parts)")
    header = _read_header(parts[0]) if header is None else header
    if header.get("alg") != KEY_AGREEMENT_ALG or header.get("enc") != CONTENT_ENC:
        raise JoseError(f"expected {KEY_AGREEMENT_ALG} with {CONTENT_ENC}")
    epk = header.get("epk")
    if not isinstance(epk, dict) or epk.get("kty") != "OKP" or epk.get("crv") != "X25519":
        raise JoseError("epk must be an X25519 public key")
    x = epk.get("x")
    wrapped, iv, ciphertext, tag = (b64d(part) for part in parts[1:])
    if not isinstance(x, str) or len(wrapped) != 40 or len(iv) != 12 or len(tag) != 16:
        raise JoseError("wrong key, IV or tag length")
    try:
        kek = _concat_kdf(_x25519(key.private_bytes_raw(), b64d(x)), header)
        cek = aes_key_unwrap(kek, wrapped)
        return header, AESGCM(cek).decrypt(iv, ciphertext + tag, parts[0].encode("ascii"))
    except (ValueError, InvalidUnwrap, InvalidTag):
        raise JoseError("decryption failed") from None
