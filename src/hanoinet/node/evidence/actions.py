"""Taking in, opening and verifying evidence; each step a custody event on the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hanoinet.core.evidence.stream import EvidenceError
from hanoinet.core.ledger import CustodyEvent, CustodyKind
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.evidence.ledger import append
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf
from hanoinet.node.evidence.store import evidence_store


class ItemError(ValueError):
    """The item cannot be taken in or used; the message names the field or the check."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def _custody(actor: Actor, item: EvidenceItem, kind: CustodyKind, reason: str) -> LedgerLeaf:
    event = CustodyEvent(
        kind=kind,
        actor=actor.label[:150] or "system",
        at=timezone.now(),
        item_digest=item.digest,
        reason=reason,
        reference=item.exhibit_number or None,
    )
    return append(event, item)


def do_ingest_item(
    actor: Actor,
    source: BinaryIO,
    *,
    filename: str,
    description: str,
    source_kind: str,
    acquired_by: str,
    acquired_at: datetime | None = None,
    exhibit_number: str = "",
    method: str = "",
    tool: str = "",
    media_type: str = "",
) -> EvidenceItem:
    """Store the file (one pass: hashed, encrypted, content-addressed), then record the
    item and its first custody events: acquired, hashed, sealed."""
    problems = [
        name
        for name, value in (
            ("description", description),
            ("filename", filename),
            ("acquired_by", acquired_by),
        )
        if not value.strip()
    ]
    if problems:
        raise ItemError(f"missing: {', '.join(problems)}")
    if source_kind not in EvidenceItem.Source.values:
        raise ItemError(f"source must be one of: {', '.join(EvidenceItem.Source.values)}")
    moment = acquired_at or timezone.now()
    if moment.tzinfo is None:
        raise ItemError("acquired_at must carry a time zone")
    if moment > timezone.now():
        raise ItemError("acquired_at is in the future")
    try:
        stored = evidence_store().ingest(source, max_bytes=settings.HANOINET_EVIDENCE_MAX_BYTES)
    except EvidenceError as exc:
        record(
            actor,
            "evidence.ingest",
            outcome="failed",
            object_type="evidence.item",
            reason=f"{exc.code}: {exc}",
        )
        raise ItemError(str(exc), exc.code) from None
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            exhibit_number=exhibit_number.strip()[:60],
            description=description.strip()[:20000],
            source=source_kind,
            digest=stored.digest,
            size=stored.size,
            filename=filename.strip()[:255],
            media_type=media_type[:100],
            acquired_by=acquired_by.strip()[:150],
            acquired_at=moment,
            method=method.strip()[:5000],
            tool=tool.strip()[:200],
            created_by=actor.user,
        )
        _custody(actor, item, "acquired", method.strip()[:500] or f"acquired by {item.acquired_by}")
        _custody(actor, item, "hashed", f"SHA-256 {stored.digest}, {stored.size} bytes")
        _custody(actor, item, "sealed", "encrypted at rest, AES-256-GCM, per-item key")
        record(
            actor,
            "evidence.ingest",
            item,
            extra={
                "digest": stored.digest,
                "size": stored.size,
                "deduplicated": stored.deduplicated,
            },
        )
    return item


def do_open_item(actor: Actor, item: EvidenceItem, reason: str) -> Iterator[bytes]:
    """The content, each chunk checked as it is read; the opening is a custody event."""
    if not reason.strip():
        raise ItemError("say why the item is opened (kept on the custody ledger)")
    _custody(actor, item, "opened", reason.strip()[:500])
    record(actor, "evidence.open", item, reason=reason.strip()[:500])
    return evidence_store().open(item.digest)


def do_verify_item(actor: Actor, item: EvidenceItem) -> LedgerLeaf:
    """Decrypt and hash the whole stored object; a ``verified`` event if every check passes."""
    try:
        evidence_store().verify(item.digest)
    except EvidenceError as exc:
        record(actor, "evidence.verify", item, outcome="failed", reason=f"{exc.code}: {exc}")
        raise ItemError(f"verification failed ({exc.code}): {exc}", exc.code) from None
    leaf = _custody(actor, item, "verified", f"SHA-256 {item.digest} matches; every chunk intact")
    record(actor, "evidence.verify", item)
    return leaf
