"""The delivery evidence of the transfers that took items across a border, for a court
bundle's ``hanoinet/receipts.json`` (format and checks: hanoinet.core.envelope.delivery).

For each transfer of a bundled item, sent or received, every message of it this node
holds with a signed receipt: the offer and the receiver's confirmation. A message we
sent carries the peer's receipt; one we received carries our own receipt and the
sender's signed message, kept verbatim on arrival. The keys come from the register (our
own key from our keys folder when the register does not list it), so the bundle can be
checked with nothing else.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from hanoinet.core.envelope import EnvelopeError, receipt_key_id
from hanoinet.core.envelope.delivery import DeliveryEntry, KeyRef
from hanoinet.core.keys import public_jwk
from hanoinet.node.evidence.models import EvidenceItem, Transfer
from hanoinet.node.federation.keyring import own_signer
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.register.models import RegisterKey

# The message types of a transfer (hanoinet.node.evidence.transfer); both carry
# ``body.transfer``. Named here to keep this module free of the transfer's views and jobs.
TRANSFER_TYPES = ("evidence.offer", "evidence.received")


class _Keys:
    """Signing keys by (State, kid), each looked up once per bundle."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], KeyRef | None] = {}

    def get(self, state: str, kid: str) -> KeyRef | None:
        if (state, kid) not in self.known:
            self.known[(state, kid)] = self._find(state, kid)
        return self.known[(state, kid)]

    @staticmethod
    def _find(state: str, kid: str) -> KeyRef | None:
        row = (
            RegisterKey.objects.filter(state__code=state, kid=kid, use=RegisterKey.Use.SIGNING)
            .values_list("kid", "x")
            .first()
        )
        if row is not None:
            return {"kid": row[0], "x": row[1]}
        signer = own_signer()
        if state == settings.HANOINET_STATE and kid == signer.kid:
            return {"kid": kid, "x": public_jwk(signer.key.public_key())["x"]}
        # Left out, not guessed: the bundle then fails its receipts check, naming the
        # message, rather than vouching for a key no register gave.
        return None

    def of_receipt(self, state: str, token: str) -> KeyRef | None:
        try:
            return self.get(state, receipt_key_id(token))
        except EnvelopeError:
            return None


def delivery_receipts(items: list[EvidenceItem]) -> list[DeliveryEntry]:
    """The receipts of every transfer of ``items`` (or of a received bundle among them),
    oldest transfer first and, within one, the offer before the confirmation."""
    ours = settings.HANOINET_STATE
    keys = _Keys()
    entries: list[DeliveryEntry] = []
    transfers = (
        Transfer.objects.filter(Q(items__in=items) | Q(bundle_item__in=items))
        .distinct()
        .order_by("created_at", "id")
    )
    for transfer in transfers:
        code = str(transfer.code)
        found: list[tuple[datetime, str, DeliveryEntry]] = []
        for sent in OutboxMessage.objects.filter(
            recipient_state=transfer.peer,
            message_type__in=TRANSFER_TYPES,
            body__transfer=code,
            status=OutboxMessage.Status.DELIVERED,
        ).exclude(receipt=""):
            entry: DeliveryEntry = {
                "transfer": code,
                "message_id": sent.message_id,
                "type": sent.message_type,
                "sender": ours,
                "recipient": sent.recipient_state,
                "digest": sent.digest,
                "receipt": sent.receipt,
                "receipt_key": keys.of_receipt(sent.recipient_state, sent.receipt),
                # Our node keeps no signed copy of what it sent: the peer's receipt of the
                # digest is the proof, and the items' hashes are in the bundle itself.
                "signed": None,
                "sender_key": None,
            }
            found.append((sent.created_at, sent.message_id, entry))
        for got in InboxMessage.objects.filter(
            sender_state=transfer.peer, message_type__in=TRANSFER_TYPES, body__transfer=code
        ).exclude(receipt=""):
            entry = {
                "transfer": code,
                "message_id": got.message_id,
                "type": got.message_type,
                "sender": got.sender_state,
                "recipient": ours,
                "digest": got.digest,
                "receipt": got.receipt,
                "receipt_key": keys.of_receipt(ours, got.receipt),
                "signed": got.signed or None,
                "sender_key": keys.get(got.sender_state, got.sender_kid) if got.signed else None,
            }
            found.append((got.created_at, got.message_id, entry))
        # The offer before the confirmation: both may carry the same second.
        found.sort(key=lambda made: (TRANSFER_TYPES.index(made[2]["type"]), made[0], made[1]))
        entries.extend(entry for _at, _id, entry in found)
    return entries
