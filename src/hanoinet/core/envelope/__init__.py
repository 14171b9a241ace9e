"""The federation envelope: signed, encrypted messages between nodes, and signed receipts.

Pure Python (no Django). ``seal`` and ``open_envelope`` implement protocol ``hanoinet/1``
as documented in docs/protocol.md; every refusal is an ``EnvelopeError`` with a stable
``Rejection`` code.
"""

from hanoinet.core.envelope.errors import EnvelopeError, Rejection
from hanoinet.core.envelope.model import (
    MAX_LIFETIME,
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    Header,
    Message,
    negotiate,
    new_message,
)
from hanoinet.core.envelope.receipt import Receipt, receipt_key_id, sign_receipt, verify_receipt
from hanoinet.core.envelope.seal import (
    DecryptionKey,
    EncryptionKey,
    Opened,
    Sealed,
    SenderKeyLookup,
    SigningKey,
    VerifyKey,
    message_digest,
    open_envelope,
    outer_thread,
    seal,
    seal_with_digest,
    verify_signed_message,
)

__all__ = [
    "MAX_LIFETIME",
    "PROTOCOL_VERSION",
    "SUPPORTED_VERSIONS",
    "DecryptionKey",
    "EncryptionKey",
    "EnvelopeError",
    "Header",
    "Message",
    "Opened",
    "Receipt",
    "Rejection",
    "Sealed",
    "SenderKeyLookup",
    "SigningKey",
    "VerifyKey",
    "message_digest",
    "negotiate",
    "new_message",
    "open_envelope",
    "outer_thread",
    "receipt_key_id",
    "seal",
    "seal_with_digest",
    "sign_receipt",
    "verify_receipt",
    "verify_signed_message",
]
