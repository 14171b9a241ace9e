"""Delivery evidence for a court: one federation message's signed receipt, with the keys
to check it, as a court bundle carries it (``hanoinet/receipts.json``), and its check
offline, long after the message expired and with no register to ask.

One entry (a JSON object)::

    {"transfer": uuid,              the evidence transfer the message is about
     "message_id": uuid, "type": "evidence.offer", "sender": "KHM", "recipient": "VNM",
     "digest": hex,                 SHA-256 of the canonical signed message (protocol.md)
     "receipt": JWS,                the receiving State's signed receipt, verbatim
     "receipt_key": {"kid", "x"},   its Ed25519 signing key, as the register gave it
     "signed": JWS | null,          the sender's signed message, where the node holds it
     "sender_key": {"kid", "x"} | null}

The receipt binds message id, digest, sender and receiver; the signed message, when
present, binds the digest to its content (for an offer: the items' hashes) and to the
transfer. Keys are trusted as the bundle gives them: their source is the register of the
node that made the bundle, at the time it made it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import TypedDict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hanoinet.core.envelope.errors import EnvelopeError
from hanoinet.core.envelope.receipt import Receipt, receipt_key_id, verify_receipt
from hanoinet.core.envelope.seal import VerifyKey, verify_signed_message
from hanoinet.core.errors import CoreError

TEXT_FIELDS = ("transfer", "message_id", "type", "sender", "recipient", "digest", "receipt")


class KeyRef(TypedDict):
    kid: str
    x: str  # the raw Ed25519 public key, base64url without padding (JWK "x")


class DeliveryEntry(TypedDict):
    transfer: str
    message_id: str
    type: str
    sender: str
    recipient: str
    digest: str
    receipt: str
    receipt_key: KeyRef | None
    signed: str | None
    sender_key: KeyRef | None


class DeliveryProofError(CoreError):
    """Why one entry does not prove its delivery (the message is named by the caller)."""


def _text(entry: Mapping[str, object], name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value:
        raise DeliveryProofError(f"{name} is missing or not text")
    return value


def _key(value: object, what: str) -> VerifyKey:
    if not isinstance(value, Mapping):
        raise DeliveryProofError(f"the bundle gives no key for the {what}")
    kid, x = value.get("kid"), value.get("x")
    if not isinstance(kid, str) or not isinstance(x, str):
        raise DeliveryProofError(f"the {what}'s key needs a kid and an x")
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        return VerifyKey(kid, Ed25519PublicKey.from_public_bytes(raw))
    except ValueError:
        raise DeliveryProofError(f"the {what}'s key {kid} is not an Ed25519 key") from None


def check_delivery(entry: object) -> Receipt:
    """Check one entry: the receipt is signed by the key given for its kid and acknowledges
    exactly this message id and digest, from this sender to this receiver; the signed
    message, where present, verifies with the sender's key and has that very digest.

    Raises ``DeliveryProofError`` with the reason, never anything else on bad input.

    >>> check_delivery({"transfer": "7d3c3f8e-0d5a-4c2e-9a4b-2f1d7c9e8a10"})
    Traceback (most recent call last):
    hanoinet.core.envelope.delivery.DeliveryProofError: message_id is missing or not text
    """
    if not isinstance(entry, Mapping):
        raise DeliveryProofError("the entry is not an object")
    text = {name: _text(entry, name) for name in TEXT_FIELDS}
    key = _key(entry.get("receipt_key"), "receipt's signer")
    try:
        kid = receipt_key_id(text["receipt"])
        if kid != key.kid:
            raise DeliveryProofError(f"the receipt names key {kid}, the bundle gives key {key.kid}")
        receipt = verify_receipt(
            text["receipt"], key, message_id=text["message_id"], digest=text["digest"]
        )
    except EnvelopeError as exc:
        raise DeliveryProofError(exc.detail) from None
    if (receipt.sender, receipt.receiver) != (text["sender"], text["recipient"]):
        raise DeliveryProofError(
            f"the receipt is {receipt.receiver}'s for a message of {receipt.sender}, not "
            f"{text['recipient']}'s for a message of {text['sender']}"
        )
    signed = entry.get("signed")
    if signed is not None:
        _check_signed(signed, entry.get("sender_key"), text)
    return receipt


def _check_signed(signed: object, sender_key: object, text: dict[str, str]) -> None:
    if not isinstance(signed, str):
        raise DeliveryProofError("signed is not a JWS")
    key = _key(sender_key, "sender's signature")

    def lookup(state: str, kid: str, _at: datetime) -> VerifyKey | None:
        return key if (state, kid) == (text["sender"], key.kid) else None

    try:
        opened = verify_signed_message(signed.encode("ascii"), lookup)
    except UnicodeError:
        raise DeliveryProofError("signed is not a JWS") from None
    except EnvelopeError as exc:
        raise DeliveryProofError(f"the signed message: {exc.detail}") from None
    header = opened.message.header
    if opened.digest != text["digest"]:
        raise DeliveryProofError("the signed message's digest differs from the receipted one")
    said = (header.id, header.type, header.sender, header.recipient)
    if said != (text["message_id"], text["type"], text["sender"], text["recipient"]):
        raise DeliveryProofError(
            f"the signed message is {header.id} ({header.type}) from {header.sender} to "
            f"{header.recipient}, not what the entry says"
        )
    if opened.message.body.get("transfer") != text["transfer"]:
        raise DeliveryProofError(f"the signed message is not about transfer {text['transfer']}")
