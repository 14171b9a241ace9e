"""Signing a register (secretariat) and deciding whether to trust one (node).

The document travels as a JWS compact serialisation (RFC 7515) signed with Ed25519
(RFC 8037; algorithm name "Ed25519" as RFC 9864 asks); the protected header names the
signing key by its RFC 7638 thumbprint (``kid``) and has ``typ`` =
``hanoinet-register+jws``.

A node trusts a register when, in this order: the signer's ``kid`` is a secretariat
key it trusts (pinned at ``init`` or reached by following rotation announcements); the
signature verifies; the payload is a well-formed register; its serial is higher than
the one in force (an equal serial is accepted only for the very same document: a
re-fetch); it has not expired. Anything else raises a :class:`RegisterError` and the
caller keeps the copy in force.

A **key rotation** is announced by a JWS of type ``hanoinet-key-rotation+jws`` signed
by the old key, whose payload names the new public key. Rotations chain: each one is
followed only if signed by a key already trusted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from hanoinet.core.jsonio import canonical
from hanoinet.core.keys import b64url, jwk_thumbprint
from hanoinet.core.register import fields as f
from hanoinet.core.register.errors import (
    RegisterExpiredError,
    RegisterFormatError,
    RegisterSignatureError,
    RollbackError,
    UnknownSignerError,
)
from hanoinet.core.register.model import Register, register_from_json, register_to_json

REGISTER_TYP = "hanoinet-register+jws"
ROTATION_TYP = "hanoinet-key-rotation+jws"
# RFC 9864 fully-specified algorithm name (the polymorphic "EdDSA" is deprecated).
ALGORITHMS = ["Ed25519"]
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


def canonical_bytes(payload: Mapping[str, object]) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8: the same register, the same bytes."""
    return canonical(payload)


def public_jwk(key: Ed25519PrivateKey) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    return {**jwk, "kid": jwk_thumbprint(jwk)}


def _sign(payload: Mapping[str, object], key: Ed25519PrivateKey, typ: str) -> str:
    jwk = public_jwk(key)
    private = OKPKey.import_key(key)
    header = {"alg": "Ed25519", "kid": jwk["kid"], "typ": typ}
    return jws.serialize_compact(header, canonical_bytes(payload), private, algorithms=ALGORITHMS)


def sign_register(register: Register, key: Ed25519PrivateKey) -> str:
    return _sign(register_to_json(register), key, REGISTER_TYP)


def _open(token: str, typ: str, trusted: Mapping[str, Mapping[str, str]]) -> object:
    """Verify a JWS from a trusted key; return its decoded JSON payload."""
    if len(token) > MAX_DOCUMENT_BYTES:
        raise RegisterFormatError("document larger than 8 MiB")
    try:
        extracted = jws.extract_compact(token.strip().encode("ascii"))
    except (JoseError, ValueError, UnicodeError) as exc:
        raise RegisterFormatError(f"not a JWS compact serialisation ({exc})") from None
    header = extracted.headers()
    if header.get("typ") != typ:
        raise RegisterFormatError(f"JWS type is {header.get('typ')!r}, expected {typ!r}")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in trusted:
        raise UnknownSignerError(f"signed by key {kid!r}, which is not a trusted secretariat key")
    try:
        key = OKPKey.import_key(dict(trusted[kid]))
        if not jws.validate_compact(extracted, key, algorithms=ALGORITHMS):
            raise RegisterSignatureError(f"the signature by key {kid} does not verify")
    except JoseError as exc:
        raise RegisterSignatureError(
            f"the signature by key {kid} does not verify ({exc})"
        ) from None
    try:
        return json.loads(extracted.payload)
    except (ValueError, UnicodeError):
        raise RegisterFormatError("the signed payload is not JSON") from None


def verify_register(
    token: str,
    trusted: Mapping[str, Mapping[str, str]],
    *,
    now: datetime,
    in_force: Register | None = None,
    in_force_token: str | None = None,
) -> Register:
    """The register in ``token`` if it may replace ``in_force``; else a RegisterError."""
    register = register_from_json(_open(token, REGISTER_TYP, trusted))
    if in_force is not None:
        if register.serial < in_force.serial:
            raise RollbackError(
                f"serial {register.serial} is older than serial {in_force.serial} in force"
            )
        if register.serial == in_force.serial and token.strip() != (in_force_token or "").strip():
            raise RollbackError(
                f"serial {register.serial} is already in force with different content"
            )
    if register.expires_at <= now:
        raise RegisterExpiredError(
            f"the register expired at {f.timestamp_text(register.expires_at)}"
        )
    return register


@dataclass(frozen=True, slots=True)
class KeyRotation:
    old_kid: str
    new_key: dict[str, str]
    issued_at: datetime


def sign_key_rotation(old: Ed25519PrivateKey, new: Ed25519PrivateKey, issued_at: datetime) -> str:
    payload = {
        "type": "hanoinet.key-rotation",
        "old_kid": public_jwk(old)["kid"],
        "new_key": public_jwk(new),
        "issued_at": f.timestamp_text(issued_at),
    }
    return _sign(payload, old, ROTATION_TYP)


def follow_rotations(
    tokens: Iterable[str], trusted: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    """Trusted keys after following every rotation signed by a key already trusted.

    Announcements from unknown keys are ignored (they may concern another chain); a
    forged announcement claiming a trusted key fails its signature and raises.
    """
    keys = {kid: dict(jwk) for kid, jwk in trusted.items()}
    pending = [token.strip() for token in tokens]
    progress = True
    while pending and progress:
        progress = False
        for token in list(pending):
            try:
                payload = _open(token, ROTATION_TYP, keys)
            except UnknownSignerError:
                continue
            rotation = _rotation_from_json(payload)
            keys[rotation.new_key["kid"]] = rotation.new_key
            pending.remove(token)
            progress = True
    return keys


def _rotation_from_json(value: object) -> KeyRotation:
    obj = f.as_object(value, "rotation", ("type", "old_kid", "new_key", "issued_at"))
    if obj.get("type") != "hanoinet.key-rotation":
        raise RegisterFormatError("rotation.type: expected 'hanoinet.key-rotation'")
    jwk = f.as_object(
        f.required(obj, "new_key", "rotation"), "rotation.new_key", ("kty", "crv", "x", "kid")
    )
    x = f.as_str(jwk.get("x"), "rotation.new_key.x", max_length=64)
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise RegisterFormatError("rotation.new_key: must be an OKP Ed25519 key")
    new_key = {"kty": "OKP", "crv": "Ed25519", "x": x}
    kid = jwk_thumbprint(new_key)
    if jwk.get("kid") != kid:
        raise RegisterFormatError("rotation.new_key.kid: is not the RFC 7638 thumbprint of the key")
    return KeyRotation(
        old_kid=f.as_str(obj.get("old_kid"), "rotation.old_kid", max_length=64),
        new_key={**new_key, "kid": kid},
        issued_at=f.as_timestamp(f.required(obj, "issued_at", "rotation"), "rotation.issued_at"),
    )


def read_stored(token: str) -> tuple[str, Register]:
    """The signer's kid and the register of a document **verified when it was stored**.

    No signature check: use it only on this node's own history, never on input.
    """
    try:
        extracted = jws.extract_compact(token.strip().encode("ascii"))
        kid = extracted.headers().get("kid")
        payload = json.loads(extracted.payload)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise RegisterFormatError(f"stored register is unreadable ({exc})") from None
    return str(kid), register_from_json(payload)
