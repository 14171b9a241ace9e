"""The node's custody ledger: events appended as leaves, checkpoints signed by the node.

Appending takes the next index under a unique constraint: two writers that race for the
same index see an integrity error and the loser retries, so the log never has a gap or
two leaves at one place, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hanoinet.core.ledger import (
    Checkpoint,
    CustodyEvent,
    inclusion_proof,
    leaf_hash,
    root,
    sign_checkpoint,
)
from hanoinet.node.evidence.models import EvidenceItem, LedgerCheckpoint, LedgerLeaf
from hanoinet.node.federation.keyring import own_signer

RETRIES = 20


def origin() -> str:
    """The log's name in its checkpoints."""
    return f"hanoinet.{settings.HANOINET_STATE.lower()}/custody"


def append(event: CustodyEvent, item: EvidenceItem | None) -> LedgerLeaf:
    data = event.to_leaf_bytes()
    for _ in range(RETRIES):
        last = LedgerLeaf.objects.order_by("-index").values_list("index", flat=True).first()
        try:
            with transaction.atomic():
                return LedgerLeaf.objects.create(
                    index=0 if last is None else last + 1,
                    leaf_hash=leaf_hash(data).hex(),
                    data=data.decode("utf-8"),
                    kind=event.kind,
                    item=item,
                )
        except IntegrityError:
            continue  # another writer took this index: read the end again
    raise RuntimeError("the custody ledger is too busy to append; try again")


def leaf_hashes(size: int | None = None) -> list[bytes]:
    rows = LedgerLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    return [bytes.fromhex(h) for h in (rows[:size] if size is not None else rows)]


def checkpoint(now: datetime | None = None) -> LedgerCheckpoint:
    """The latest checkpoint, signed anew if the log grew since."""
    hashes = leaf_hashes()
    latest = LedgerCheckpoint.objects.first()
    if latest is not None and latest.size == len(hashes):
        return latest
    signed = Checkpoint(origin(), len(hashes), root(hashes), now or timezone.now())
    note = sign_checkpoint(signed, origin(), own_signer().key)
    return LedgerCheckpoint.objects.create(size=signed.size, root=signed.root.hex(), note=note)


def custody_entries(
    leaves: Iterable[LedgerLeaf], size: int, hashes: list[bytes] | None = None
) -> list[dict[str, Any]]:
    """The events as they are shown and bundled: leaf bytes, index and inclusion proof in
    the tree of ``size`` leaves. The leaf hashes are read once for all of them, and a
    leaf appended after the checkpoint is left out (it has no proof in it yet)."""
    hashes = leaf_hashes(size) if hashes is None else hashes
    return [
        {
            "index": leaf.index,
            "kind": leaf.kind,
            "leaf": leaf.data,
            "leaf_hash": leaf.leaf_hash,
            "inclusion_proof": [h.hex() for h in inclusion_proof(leaf.index, size, hashes)],
        }
        for leaf in leaves
        if leaf.index < size
    ]


def latest_witnessed(at_most: int | None = None) -> LedgerCheckpoint | None:
    """The largest checkpoint that peers co-signed as witnesses (of at most ``at_most``
    leaves), if any."""
    found = LedgerCheckpoint.objects.filter(size__gt=0).exclude(witnessed=[])
    if at_most is not None:
        found = found.filter(size__lte=at_most)
    return found.order_by("-size").first()
