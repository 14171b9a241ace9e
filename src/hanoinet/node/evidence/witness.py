"""Witnessing custody ledgers across the network.

Each node announces its ledger's latest checkpoint to its peers in a signed federation
message, with a consistency proof from the size that peer last co-signed. The peer, as
witness, co-signs only if the new checkpoint extends the one it accepted before
(:func:`hanoinet.core.ledger.witness`). A node that rewrote its history cannot obtain a
co-signature for it: the witness records an alarm, audits it and pages its 24/7 unit,
and answers with the refusal, which the log's own node records too.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hanoinet.core.ledger import (
    LedgerError,
    MalformedError,
    UnknownSignerError,
    consistency_proof,
    parse_checkpoint,
    verify_checkpoint,
    witness,
)
from hanoinet.node.accounts.models import Unit
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.evidence import ledger
from hanoinet.node.evidence.models import LedgerCheckpoint, LedgerWitness, WitnessedLog
from hanoinet.node.federation.handlers import handles
from hanoinet.node.federation.keyring import own_signer
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.jobs import register_job
from hanoinet.node.register.models import RegisterKey, RegisterState

CHECKPOINT_TYPE = "ledger.checkpoint"
COSIGNATURE_TYPE = "ledger.cosignature"


def log_origin(state: str) -> str:
    return f"hanoinet.{state.lower()}/custody"


def witness_name(state: str) -> str:
    return f"hanoinet.{state.lower()}/witness"


def _signing_keys(state: str) -> list[Ed25519PublicKey]:
    """The State's node signing keys in the register, newest first."""
    keys = RegisterKey.objects.filter(state__code=state, use=RegisterKey.Use.SIGNING)
    result = []
    for key in keys.order_by("-valid_from"):
        padded = key.x + "=" * (-len(key.x) % 4)
        result.append(Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(padded)))
    return result


# The log's side ---------------------------------------------------------------------


@register_job("ledger-announce", every_seconds=float(settings.HANOINET_LEDGER_ANNOUNCE_SECONDS))
def announce_checkpoint() -> int:
    """Send the latest checkpoint to every peer that has not co-signed it yet."""
    checkpoint = ledger.checkpoint()
    if checkpoint.size == 0:
        return 0
    peers = (
        RegisterState.objects.exclude(code=settings.HANOINET_STATE)
        .exclude(endpoint="")
        .values_list("code", flat=True)
    )
    hashes: list[bytes] | None = None
    sent = 0
    for state in peers:
        seen, _ = LedgerWitness.objects.get_or_create(state=state)
        if checkpoint.size in (seen.acknowledged_size, seen.sent_size):
            continue
        hashes = hashes if hashes is not None else ledger.leaf_hashes(checkpoint.size)
        proof = consistency_proof(seen.acknowledged_size, checkpoint.size, hashes)
        with transaction.atomic():
            enqueue(
                recipient_state=state,
                message_type=CHECKPOINT_TYPE,
                body={
                    "note": checkpoint.note,
                    "from_size": seen.acknowledged_size,
                    "proof": [h.hex() for h in proof],
                },
            )
            seen.sent_size, seen.updated_at = checkpoint.size, timezone.now()
            seen.save(update_fields=["sent_size", "updated_at"])
        sent += 1
    return sent


@handles(COSIGNATURE_TYPE)
def cosignature_received(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    state = message.sender_state
    seen, _ = LedgerWitness.objects.get_or_create(state=state)
    status = body.get("status")
    if status == "need_proof":
        from_size = body.get("from_size")
        if isinstance(from_size, int) and not isinstance(from_size, bool) and from_size >= 0:
            # The witness last saw another size: prove the extension from there next time.
            seen.acknowledged_size, seen.sent_size = from_size, 0
            seen.save(update_fields=["acknowledged_size", "sent_size"])
        return
    if status == "refused":
        record(
            system_actor(f"federation:{state}"),
            "ledger.witness_refused",
            outcome=Outcome.DENIED,
            object_type="evidence.ledger",
            object_id=state,
            reason=str(body.get("reason", ""))[:500],
        )
        return
    note = str(body.get("note", ""))
    keys = _signing_keys(state)
    try:
        verified = next(
            (
                v
                for v in (_try_verify(note, witness_name(state), key) for key in keys)
                if v is not None
            ),
            None,
        )
    except LedgerError:
        verified = None
    if verified is None:
        return  # not co-signed by that State's key: ignored (the envelope was its, though)
    row = LedgerCheckpoint.objects.filter(size=verified.size, root=verified.root.hex()).first()
    if row is None:
        return
    row.witnessed = [w for w in row.witnessed if w.get("state") != state] + [
        {"state": state, "note": note}
    ]
    row.save(update_fields=["witnessed"])
    seen.acknowledged_size = max(seen.acknowledged_size, verified.size)
    seen.save(update_fields=["acknowledged_size"])


def _try_verify(note: str, name: str, key: Ed25519PublicKey) -> Any:
    try:
        return verify_checkpoint(note, {name: key}).checkpoint
    except LedgerError:
        return None


# The witness's side -----------------------------------------------------------------


def _reply(state: str, body: dict[str, Any]) -> None:
    enqueue(recipient_state=state, message_type=COSIGNATURE_TYPE, body=body)


def _alarm(log: WitnessedLog, state: str, error: LedgerError) -> None:
    from hanoinet.node.oncall.actions import do_page_unit

    log.alarm, log.alarm_at = f"{error.code}: {error.detail}"[:2000], timezone.now()
    log.save(update_fields=["alarm", "alarm_at"])
    actor = system_actor("ledger witness")
    record(
        actor,
        "ledger.witness_alarm",
        outcome=Outcome.DENIED,
        object_type="evidence.ledger",
        object_id=state,
        reason=log.alarm,
    )
    unit = Unit.objects.filter(kind=Unit.Kind.POINT_OF_CONTACT).order_by("id").first()
    if unit is not None:
        do_page_unit(
            actor,
            unit,
            urgency="urgent",
            subject=f"{state}'s custody ledger failed the witness check ({error.code})",
            object_type="evidence.ledger",
            object_id=state,
        )


@handles(CHECKPOINT_TYPE)
def checkpoint_received(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    state = message.sender_state
    with transaction.atomic():
        log, _ = WitnessedLog.objects.select_for_update().get_or_create(state=state)
        previous = parse_checkpoint(log.note).checkpoint if log.note else None
        from_size = body.get("from_size")
        if previous is not None and from_size != previous.size:
            _reply(state, {"status": "need_proof", "from_size": previous.size})
            return
        note = str(body.get("note", ""))
        raw_proof = body.get("proof", [])
        error: LedgerError | None = None
        cosigned = None
        keys = _signing_keys(state)
        if not keys:
            error = UnknownSignerError("the register lists no signing key for this State")
        for key in keys:  # newest first: a checkpoint signed before a rotation still counts
            try:
                if not isinstance(raw_proof, list):
                    raise MalformedError("must be a list of hashes", field="proof")
                proof = [bytes.fromhex(str(h)) for h in raw_proof]
                cosigned = witness(
                    note,
                    proof,
                    previous=previous,
                    origin=log_origin(state),
                    log_keys={log_origin(state): key},
                    name=witness_name(settings.HANOINET_STATE),
                    key=own_signer().key,
                )
                break
            except LedgerError as exc:
                error = exc
            except ValueError:
                error = MalformedError("is not hexadecimal", field="proof")
        if cosigned is None:
            if error is not None and error.code in ("rollback", "fork", "inconsistent"):
                _alarm(log, state, error)
            reason = f"{error.code}: {error.detail}" if error is not None else "unreadable"
            _reply(state, {"status": "refused", "reason": reason[:500]})
            return
        accepted = parse_checkpoint(cosigned).checkpoint
        log.note, log.size, log.checked_at = cosigned, accepted.size, timezone.now()
        log.save(update_fields=["note", "size", "checked_at"])
        _reply(state, {"status": "cosigned", "note": cosigned})
