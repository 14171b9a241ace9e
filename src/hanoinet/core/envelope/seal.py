"""Sealing (sign, then encrypt) and opening (decrypt, verify, check) an envelope.

Wire form of ``hanoinet/1`` (see docs/protocol.md): a JWE compact serialisation
(ECDH-ES+A256KW, A256GCM) to the recipient's X25519 key, whose plaintext is a JWS compact
serialisation (Ed25519, RFC 9864 name) of the canonical JSON ``{"header", "body"}``.
The digest of a message is the SHA-256 of that canonical JSON: it does not depend on the
encryption's randomness, so sender, receiver and receipts agree on it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from hanoinet.core.envelope.errors import EnvelopeError, Rejection
from hanoinet.core.envelope.jose import (
    CONTENT_ENC,
    KEY_AGREEMENT_ALG,
    REFUSED_PARAMETERS,
    JoseError,
    b64d,
    ed25519_verify,
    jwe_decrypt,
    jwe_encrypt,
    jws_sign,
    jws_verify,
)
from hanoinet.core.envelope.model import (
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    Message,
    message_from_json,
)
from hanoinet.core.jsonio import JsonError, canonical, loads_strict


@dataclass(frozen=True, slots=True)
class Suite:
    signature: str
    key_agreement: str
    encryption: str


SUITES: Final = {"hanoinet/1": Suite("Ed25519", "ECDH-ES+A256KW", "A256GCM")}
MESSAGE_TYP = "hanoinet-msg+jws"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


DEFAULT_MAX_SKEW = timedelta(minutes=5)


class SigningKey:
    """A node's private signing key."""

    def __init__(self, kid: str, key: Ed25519PrivateKey) -> None:
        self.kid = kid
        self.key = key


class VerifyKey:
    def __init__(self, kid: str, key: Ed25519PublicKey) -> None:
        self.kid = kid
        self.key = key


class EncryptionKey:
    """A recipient's public X25519 key as published in the register."""

    def __init__(self, kid: str, key: X25519PublicKey) -> None:
        self.kid = kid
        self.key = key


class DecryptionKey:
    def __init__(self, kid: str, key: X25519PrivateKey) -> None:
        self.kid = kid
        self.key = key


# (sender State, key id, signing time) -> the key valid then, or None: old keys keep
# verifying what they signed before their end date.
SenderKeyLookup = Callable[[str, str, datetime], VerifyKey | None]


@dataclass(frozen=True, slots=True)
class Opened:
    message: Message
    digest: str  # hex SHA-256 of the canonical signed message
    signed: bytes  # the inner JWS, kept as evidence of what the sender signed


def message_digest(message: Message) -> str:
    return hashlib.sha256(canonical(message.to_json())).hexdigest()


def sign_message(message: Message, signer: SigningKey) -> bytes:
    return _sign(message, canonical(message.to_json()), signer)


def _sign(message: Message, payload: bytes, signer: SigningKey) -> bytes:
    suite = SUITES[message.header.version]
    if message.header.sender_kid != signer.kid:
        raise ValueError("the header must name the key that signs it")
    header: dict[str, object] = {"alg": suite.signature, "kid": signer.kid, "typ": MESSAGE_TYP}
    return jws_sign(header, payload, signer.key)


@dataclass(frozen=True, slots=True)
class Sealed:
    token: str
    digest: str  # what ``message_digest`` gives, and the receipt must name


def seal(message: Message, signer: SigningKey, recipient: EncryptionKey) -> str:
    """Sign with the sender's key, then encrypt to the recipient's key."""
    return seal_with_digest(message, signer, recipient).token


def seal_with_digest(message: Message, signer: SigningKey, recipient: EncryptionKey) -> Sealed:
    """``seal``, with the message's digest from the same canonical encoding (the outbox
    checks each receipt against it; encoding the message twice cost a tenth of sending)."""
    version = message.header.version
    suite = SUITES[version]
    if (suite.key_agreement, suite.encryption) != (KEY_AGREEMENT_ALG, CONTENT_ENC):
        raise ValueError(f"{version}: no JWE implementation for its suite")
    protected: dict[str, object] = {
        "kid": recipient.kid,
        "cty": MESSAGE_TYP,
        # The protocol version, authenticated as the JWE's additional data: no one can
        # downgrade it in transit.
        "ver": version,
        # The thread in clear (a random id, no content): a batch receiver defers later
        # messages of a thread whose earlier message it refused, so order holds.
        "thr": message.header.thread,
    }
    payload = canonical(message.to_json())
    token = jwe_encrypt(protected, _sign(message, payload, signer), recipient.key)
    return Sealed(token, hashlib.sha256(payload).hexdigest())


def _strict_json(segment: str | bytes, what: str) -> tuple[dict[str, object], bytes | None]:
    """The segment's JSON object, and its bytes if its base64url was strict. The JOSE checks
    read it strictly; reading it once here, strictly when it is, spares reading it again
    (the inbox does this for every envelope). Loose base64url is read as before, and the
    JOSE checks then refuse it."""
    try:
        raw = b64d(segment)
    except JoseError:
        text = segment.decode("ascii", "replace") if isinstance(segment, bytes) else segment
        return _b64_json(text, what), None
    try:
        value = loads_strict(raw)
    except JsonError as exc:
        raise EnvelopeError(Rejection.MALFORMED, f"{what} is not base64url JSON ({exc})") from None
    if not isinstance(value, dict):
        raise EnvelopeError(Rejection.MALFORMED, f"{what} is not a JSON object")
    return value, raw


def _b64_json(segment: str, what: str) -> dict[str, object]:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = loads_strict(raw)
    except (ValueError, JsonError) as exc:
        raise EnvelopeError(Rejection.MALFORMED, f"{what} is not base64url JSON ({exc})") from None
    if not isinstance(value, dict):
        raise EnvelopeError(Rejection.MALFORMED, f"{what} is not a JSON object")
    return value


def open_envelope(
    token: str | bytes,
    *,
    state: str,
    keys: Mapping[str, DecryptionKey],
    sender_key: SenderKeyLookup,
    now: datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
) -> Opened:
    """Decrypt, verify and check an envelope addressed to ``state``.

    Raises ``EnvelopeError`` with the first reason to refuse it. Replays are the caller's
    to detect (it holds the memory of message ids), using ``Opened.message.header.id``
    and ``Opened.digest``.
    """
    if len(token) > max_bytes:
        raise EnvelopeError(
            Rejection.TOO_LARGE, f"envelope of {len(token)} bytes; the limit is {max_bytes}"
        )
    try:
        text = token.decode("ascii") if isinstance(token, bytes) else token
        text.encode("ascii")
    except UnicodeError:
        raise EnvelopeError(
            Rejection.MALFORMED, "an envelope is ASCII (JWE compact serialisation)"
        ) from None
    text = text.strip()
    parts = text.split(".")
    if len(parts) != 5:
        raise EnvelopeError(Rejection.MALFORMED, "expected a JWE compact serialisation (5 parts)")
    outer, strict = _strict_json(parts[0], "JWE protected header")
    version = str(outer.get("ver"))
    suite = SUITES.get(version) if version in SUPPORTED_VERSIONS else None
    if suite is None:
        raise EnvelopeError(
            Rejection.UNSUPPORTED_VERSION,
            f"protocol version {version!r}; this node speaks {', '.join(SUPPORTED_VERSIONS)}",
        )
    if outer.get("alg") != suite.key_agreement or outer.get("enc") != suite.encryption:
        raise EnvelopeError(
            Rejection.UNSUPPORTED_VERSION,
            f"{version} uses {suite.key_agreement} with {suite.encryption}",
        )
    kid = outer.get("kid")
    decryption = keys.get(kid) if isinstance(kid, str) else None
    if decryption is None:
        raise EnvelopeError(Rejection.NOT_FOR_US, "encrypted to a key this node does not hold")
    # A header read strictly and free of refused parameters is the one decryption reads.
    known = strict is not None and not REFUSED_PARAMETERS.intersection(outer)
    try:
        plaintext = jwe_decrypt(text, decryption.key, header=outer if known else None)[1]
    except JoseError as exc:
        raise EnvelopeError(
            Rejection.BAD_SIGNATURE, f"decryption failed: the envelope was altered ({exc})"
        ) from None
    opened = _verify_inner(
        plaintext, suite, version, state=state, sender_key=sender_key, now=now, max_skew=max_skew
    )
    if outer.get("thr") != opened.message.header.thread:
        raise EnvelopeError(
            Rejection.MALFORMED, "the envelope's thread differs from the signed one"
        )
    return opened


def outer_thread(token: str | bytes) -> str | None:
    """The thread an envelope claims in its protected header, without opening it (or None)."""
    try:
        text = token.decode("ascii") if isinstance(token, bytes) else token
        head = text.split(".", 1)[0]
        thread = _b64_json(head, "JWE protected header").get("thr")
    except (UnicodeError, EnvelopeError):
        return None
    return thread if isinstance(thread, str) else None


def _verify_inner(
    signed: bytes,
    suite: Suite,
    version: str,
    *,
    state: str,
    sender_key: SenderKeyLookup,
    now: datetime,
    max_skew: timedelta,
) -> Opened:
    payload_bytes, payload = _authenticate(signed, suite, sender_key)
    message = message_from_json(payload)
    if canonical(message.to_json()) != payload_bytes:
        raise EnvelopeError(Rejection.MALFORMED, "the signed message is not in canonical form")
    header = message.header
    if header.version != version:
        raise EnvelopeError(Rejection.MALFORMED, "the signed version differs from the envelope's")
    if header.recipient != state:
        raise EnvelopeError(
            Rejection.NOT_FOR_US, f"addressed to {header.recipient}, this node serves {state}"
        )
    if header.created_at > now + max_skew:
        raise EnvelopeError(
            Rejection.CLOCK_SKEW,
            f"created {header.to_json()['created_at']}, ahead of this node's clock by more "
            f"than {int(max_skew.total_seconds())} s",
        )
    if header.expires_at <= now:
        raise EnvelopeError(Rejection.EXPIRED, f"expired at {header.to_json()['expires_at']}")
    return Opened(message, hashlib.sha256(payload_bytes).hexdigest(), signed)


def verify_signed_message(signed: bytes, sender_key: SenderKeyLookup) -> Opened:
    """Check a stored signed message (the inner JWS kept as evidence) on its own, as a court
    does long after it expired: the sender's signature and the canonical form, so that
    ``Opened.digest`` is the digest the receiver's receipt names. No clock and no
    recipient are checked: those were the receiving node's to check on arrival."""
    # Every protocol version so far signs with the same suite; the signed header names
    # the version, checked against SUITES below once the signature holds.
    payload_bytes, payload = _authenticate(signed, SUITES[PROTOCOL_VERSION], sender_key)
    message = message_from_json(payload)
    if message.header.version not in SUITES:
        raise EnvelopeError(
            Rejection.UNSUPPORTED_VERSION, f"protocol version {message.header.version!r}"
        )
    if canonical(message.to_json()) != payload_bytes:
        raise EnvelopeError(Rejection.MALFORMED, "the signed message is not in canonical form")
    return Opened(message, hashlib.sha256(payload_bytes).hexdigest(), signed)


def _authenticate(
    signed: bytes, suite: Suite, sender_key: SenderKeyLookup
) -> tuple[bytes, dict[str, object]]:
    """Verify the inner JWS against the sender's registered key; return the signed bytes
    and their JSON (read strictly, before the signature is checked, to find the key)."""
    parts = signed.split(b".")
    if len(parts) != 3:
        raise EnvelopeError(
            Rejection.MALFORMED, "the signed message is not a JWS compact serialisation"
        )
    inner, strict_header = _strict_json(parts[0], "JWS protected header")
    if REFUSED_PARAMETERS.intersection(inner):
        raise EnvelopeError(Rejection.MALFORMED, "the signed message uses a refused parameter")
    if inner.get("alg") != suite.signature or inner.get("typ") != MESSAGE_TYP:
        raise EnvelopeError(
            Rejection.MALFORMED,
            f"the signed message must use {suite.signature} and typ {MESSAGE_TYP}",
        )
    payload, strict_payload = _strict_json(parts[1], "signed message")
    header = payload.get("header")
    fields = ("sender", "sender_kid", "created_at")
    if not isinstance(header, dict) or not all(isinstance(header.get(k), str) for k in fields):
        raise EnvelopeError(Rejection.MALFORMED, "the signed message has no sender, key id or time")
    sender, sender_kid = str(header["sender"]), str(header["sender_kid"])
    if inner.get("kid") != sender_kid:
        raise EnvelopeError(
            Rejection.MALFORMED, "header.sender_kid differs from the signature's key id"
        )
    try:
        signed_at = datetime.fromisoformat(str(header["created_at"]))
    except ValueError:
        signed_at = None
    if signed_at is None or signed_at.tzinfo is None:
        raise EnvelopeError(Rejection.MALFORMED, "header.created_at: expected a UTC time")
    key = sender_key(sender, sender_kid, signed_at)
    if key is None:
        raise EnvelopeError(
            Rejection.UNKNOWN_SENDER,
            f"no key {sender_kid} of {sender} valid at {header['created_at']} in the register",
        )
    bad_signature = EnvelopeError(
        Rejection.BAD_SIGNATURE, f"the signature does not verify with {sender}'s key {sender_kid}"
    )
    if strict_header is None or strict_payload is None:
        try:
            return jws_verify(signed, key.key)[1], payload  # refuses the loose base64url
        except JoseError:
            raise bad_signature from None
    # Both segments read strictly, alg and parameters checked above: what jws_verify
    # checks, less reading them again.
    try:
        signature = b64d(parts[2])
    except JoseError:
        raise bad_signature from None
    if not ed25519_verify(key.key, signature, parts[0] + b"." + parts[1]):
        raise bad_signature
    return strict_payload, payload


def dumps_problem(code: Rejection, detail: str) -> str:
    """An RFC 9457 problem document for a refused envelope."""
    return json.dumps(
        {
            "type": f"urn:hanoinet:problem:{code}",
            "title": str(code),
            "status": 400,
            "detail": detail,
            "code": str(code),
        }
    )
