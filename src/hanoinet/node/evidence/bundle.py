"""Building a court bundle of chosen items: their content, custody events with inclusion
proofs, the signed checkpoint and the key to check it, the same provenance as a CASE/UCO
graph, the federation receipts of any transfer that took them across a border, and the
secretariat's signed register that ties every key to a State (see hanoinet.core.bundle,
hanoinet.core.provenance, hanoinet.node.evidence.receipts and
hanoinet.core.register.court)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from hanoinet.core.bundle import Payload, write_bundle
from hanoinet.core.evidence.transfer import pack
from hanoinet.core.keys import public_jwk
from hanoinet.core.ledger import consistency_proof
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.evidence import ledger
from hanoinet.node.evidence.actions import ItemError, _custody
from hanoinet.node.evidence.models import EvidenceItem, LedgerCheckpoint, LedgerLeaf
from hanoinet.node.evidence.receipts import delivery_receipts
from hanoinet.node.evidence.store import evidence_store
from hanoinet.node.evidence.witness import witness_name
from hanoinet.node.federation.keyring import own_signer
from hanoinet.node.register.access import signed_register
from hanoinet.node.register.models import RegisterKey


def do_build_bundle(actor: Actor, items: list[EvidenceItem], folder: Path, reason: str) -> Path:
    """Write the bundle into ``folder``; exporting is itself a custody event of each item,
    recorded before the checkpoint so that the bundle proves it too."""
    if not items:
        raise ItemError("choose at least one item")
    if not reason.strip():
        raise ItemError("say why the bundle is made (kept on the custody ledger)")
    if folder.exists():
        raise ItemError(f"{folder} exists already: choose a new folder")
    for item in items:
        _custody(actor, item, "exported", reason.strip()[:500])
    checkpoint = ledger.checkpoint()
    hashes = ledger.leaf_hashes(checkpoint.size)
    leaves = LedgerLeaf.objects.filter(item__in=items).order_by("index")
    custody = ledger.custody_entries(leaves, checkpoint.size, hashes)
    witnessed, witness_keys = _witnessed(checkpoint, hashes)
    store = evidence_store()
    payloads = [
        Payload(
            name=f"{item.exhibit_number or item.code}/{item.filename}",
            chunks=store.open(item.digest),
            item={
                "code": str(item.code),
                "exhibit_number": item.exhibit_number,
                "description": item.description,
                "source": item.source,
                "acquired_by": item.acquired_by,
                "acquired_at": item.acquired_at.isoformat(),
                "method": item.method,
                "tool": item.tool,
                "size": item.size,
                "media_type": item.media_type,
            },
        )
        for item in items
    ]
    # A lone node holds no register: its bundle says so, and a court decides whether the
    # custody proofs alone are enough (verify-bundle --require-register).
    register = signed_register()
    written = write_bundle(
        folder,
        payloads=payloads,
        custody=custody,
        checkpoint=checkpoint.note,
        keys={ledger.origin(): public_jwk(own_signer().key.public_key())["x"], **witness_keys},
        witnessed=witnessed,
        receipts=delivery_receipts(items),
        register=register.token if register else "",
        register_signers=register.signers if register else [],
        key_rotations=register.rotations if register else [],
        info={
            "Source-Organization": f"hanoinet node of {settings.HANOINET_STATE}",
            "Bagging-Date": timezone.now().date().isoformat(),
            "External-Description": reason.strip()[:500].replace("\n", " "),
            "Bag-Software-Agent": "hanoinet",
        },
        seal_key=own_signer().key,
    )
    for item in items:
        record(actor, "evidence.export", item, reason=reason.strip()[:500])
    return written


def do_build_bundle_archive(
    actor: Actor, items: list[EvidenceItem], archive: Path, reason: str
) -> Path:
    """The bundle as one archive file (uncompressed tar) at ``archive``, a new path: built
    as a folder beside it and packed; the folder is removed, and the archive takes its
    name only once complete (nothing half-written is left under it)."""
    folder = archive.with_name(f".{archive.name}.bag")
    partial = archive.with_name(f".{archive.name}.partial")
    shutil.rmtree(folder, ignore_errors=True)  # left by an earlier run that was stopped
    try:
        do_build_bundle(actor, items, folder, reason)
        with partial.open("wb") as out:
            pack(folder, out)
        partial.replace(archive)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return archive


def _witnessed(
    checkpoint: LedgerCheckpoint, hashes: list[bytes]
) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The latest checkpoint co-signed by witnesses, no larger than the bundle's, each
    co-signed note with the proof that the bundle's log extends it; and the witnesses'
    keys as the register gives them."""
    earlier = ledger.latest_witnessed(at_most=checkpoint.size)
    if earlier is None:
        return [], {}
    proof = [h.hex() for h in consistency_proof(earlier.size, checkpoint.size, hashes)]
    entries: list[dict[str, object]] = []
    keys: dict[str, str] = {}
    for cosigned in earlier.witnessed:
        state = str(cosigned.get("state", ""))
        key = (
            RegisterKey.objects.filter(state__code=state, use=RegisterKey.Use.SIGNING)
            .order_by("-valid_from")
            .first()
        )
        if key is None:
            continue
        keys[witness_name(state)] = key.x
        entries.append({"note": cosigned.get("note", ""), "consistency": proof})
    return entries, keys
