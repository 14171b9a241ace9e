"""Signed receipts: the receiver's proof that it stored a message, with its digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hanoinet.core.envelope.errors import EnvelopeError, Rejection
from hanoinet.core.envelope.jose import JoseError, jws_header, jws_sign, jws_verify
from hanoinet.core.envelope.model import UTC_TIME, parse_utc_time
from hanoinet.core.envelope.seal import SigningKey, VerifyKey
from hanoinet.core.jsonio import JsonError, canonical, loads_strict

RECEIPT_TYP = "hanoinet-receipt+jws"


@dataclass(frozen=True, slots=True)
class Receipt:
    message_id: str
    digest: str
    received_at: datetime
    receiver: str
    sender: str
    receiver_kid: str
    token: str

    @property
    def payload(self) -> dict[str, str]:
        return {
            "type": "receipt",
            "message_id": self.message_id,
            "digest": self.digest,
            "received_at": self.received_at.astimezone(UTC).strftime(UTC_TIME),
            "receiver": self.receiver,
            "sender": self.sender,
        }


def sign_receipt(
    *,
    message_id: str,
    digest: str,
    received_at: datetime,
    receiver: str,
    sender: str,
    signer: SigningKey,
) -> Receipt:
    payload = {
        "type": "receipt",
        "message_id": message_id,
        "digest": digest,
        "received_at": received_at.astimezone(UTC).strftime(UTC_TIME),
        "receiver": receiver,
        "sender": sender,
    }
    header: dict[str, object] = {"alg": "Ed25519", "kid": signer.kid, "typ": RECEIPT_TYP}
    token = jws_sign(header, canonical(payload), signer.key).decode("ascii")
    return Receipt(
        message_id,
        digest,
        received_at.astimezone(UTC).replace(microsecond=0),
        receiver,
        sender,
        signer.kid,
        token,
    )


def receipt_key_id(token: str) -> str:
    try:
        kid = jws_header(token.encode("ascii")).get("kid")
    except (JoseError, UnicodeError):
        raise EnvelopeError(Rejection.MALFORMED, "the receipt is not a JWS") from None
    if not isinstance(kid, str):
        raise EnvelopeError(Rejection.MALFORMED, "the receipt names no key")
    return kid


def verify_receipt(token: str, key: VerifyKey, *, message_id: str, digest: str) -> Receipt:
    """Check a receipt signed by ``key`` acknowledges exactly this message and digest."""
    try:
        protected, signed = jws_verify(token.encode("ascii"), key.key)
        payload = loads_strict(signed)
    except (JoseError, UnicodeError, JsonError):
        raise EnvelopeError(
            Rejection.BAD_SIGNATURE, "the receipt's signature does not verify"
        ) from None
    if protected.get("typ") != RECEIPT_TYP or not isinstance(payload, dict):
        raise EnvelopeError(Rejection.MALFORMED, "not a hanoinet receipt")
    if payload.get("message_id") != message_id or payload.get("digest") != digest:
        raise EnvelopeError(
            Rejection.MALFORMED, "the receipt acknowledges another message or other content"
        )
    try:
        received_at = parse_utc_time(str(payload.get("received_at")))
    except ValueError:
        raise EnvelopeError(Rejection.MALFORMED, "the receipt has no valid received_at") from None
    return Receipt(
        message_id,
        digest,
        received_at,
        str(payload.get("receiver")),
        str(payload.get("sender")),
        key.kid,
        token,
    )
