"""Evidence across the border, on a request's thread (protocol: hanoinet.core.evidence.transfer).

Sender: ``do_send_evidence`` builds the court bundle of the chosen items (each export is a
custody event), packs and seals it chunk by chunk next to the data folder, and offers it
to the other State in a federation message (``evidence.offer``). It then serves the
sealed chunks at ``/federation/v1/transfers/<code>/chunks/<n>`` to whoever shows the
offer's token — only the receiving node has it.

Receiver: the worker's ``evidence-transfers`` job fetches the chunks, resuming where it
stopped, checks each against the offer, and once all are in, unpacks the bundle and
verifies it offline as a court would (``verify_bundle``). A verified bundle's items are
taken in as evidence from a foreign State, with a ``received`` custody event naming the
transfer and the bundle's SHA-256, and the bundle itself is kept as received. Either way
the sender is told (``evidence.received``) and records, on a success, a ``transferred``
custody event for each item it sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import shutil
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hanoinet.core.bundle import verify_bundle
from hanoinet.core.evidence.transfer import (
    CHUNK_SIZE,
    Offer,
    TransferError,
    new_secrets,
    open_chunk,
    parse_offer,
    read_chunks,
    seal_chunk,
    unpack,
)
from hanoinet.node.audit.actor import Actor, system_actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.evidence.actions import ItemError, _custody, do_ingest_item
from hanoinet.node.evidence.bundle import do_build_bundle_archive
from hanoinet.node.evidence.models import EvidenceItem, Transfer
from hanoinet.node.federation.handlers import handles
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.federation.transport import TransportError, get
from hanoinet.node.jobs import register_job
from hanoinet.node.register.models import RegisterState
from hanoinet.node.requests.models import CooperationRequest

logger = logging.getLogger(__name__)

OFFER_TYPE = "evidence.offer"
RECEIVED_TYPE = "evidence.received"
TAG = 16  # AES-GCM's tag on each sealed chunk
CHUNKS_PER_RUN = 64
RETRY = timedelta(seconds=30)


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "transfers"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _sealed_path(code: str) -> Path:
    return _folder() / f"{code}.sealed"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# Sending ------------------------------------------------------------------------------


def do_send_evidence(
    actor: Actor, request: CooperationRequest, items: list[EvidenceItem], reason: str
) -> Transfer:
    """Offer a court bundle of ``items`` to the other State of ``request``."""
    peer = RegisterState.objects.filter(code=request.counterpart).exclude(endpoint="").first()
    if peer is None:
        raise ItemError(f"{request.counterpart} has no node in the register to send to")
    code = str(uuid.uuid4())
    key, token = new_secrets()
    work = Path(tempfile.mkdtemp(prefix="hanoinet-transfer-", dir=_folder()))
    sealed = _sealed_path(code)
    try:
        with transaction.atomic():
            # The plaintext bag is gone once packed: at rest, only the sealed archive
            # stays, as the evidence store keeps everything sealed.
            archive = do_build_bundle_archive(actor, items, work / "bundle.tar", reason)
            hashes: list[str] = []
            whole, size = hashlib.sha256(), 0
            with archive.open("rb") as source, sealed.open("wb") as out:
                for index, chunk in enumerate(read_chunks(source, CHUNK_SIZE)):
                    hashes.append(hashlib.sha256(chunk).hexdigest())
                    whole.update(chunk)
                    size += len(chunk)
                    out.write(seal_chunk(key, code, index, chunk))
            offer = Offer(
                transfer=code,
                size=size,
                sha256=whole.hexdigest(),
                chunk_size=CHUNK_SIZE,
                chunks=tuple(hashes),
                key=key,
                token=token,
                items=tuple(
                    {
                        "code": str(item.code),
                        "exhibit_number": item.exhibit_number,
                        "sha256": item.digest,
                        "size": item.size,
                        "filename": item.filename,
                    }
                    for item in items
                ),
                reason=reason.strip()[:500],
            )
            body = {**offer.to_json(), "request": str(request.code)}
            transfer = Transfer.objects.create(
                code=code,
                direction=Transfer.Direction.SENT,
                peer=request.counterpart,
                request=request,
                status=Transfer.Status.OFFERED,
                offer={k: v for k, v in body.items() if k not in ("key", "token")},
                token_digest=hashlib.sha256(token).hexdigest(),
                created_by=actor.user,
            )
            transfer.items.set(items)
            enqueue(
                recipient_state=request.counterpart,
                message_type=OFFER_TYPE,
                body=body,
                thread_id=request.thread_id,
            )
            record(
                actor,
                "evidence.send",
                transfer,
                extra={"to": request.counterpart, "items": len(items), "bytes": size},
            )
    except BaseException:
        sealed.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return transfer


def _problem(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": f"urn:hanoinet:problem:{code}", "title": code, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


@login_not_required
@require_GET
def chunk_view(request: HttpRequest, code: uuid.UUID, index: int) -> HttpResponse:
    """One sealed chunk of a transfer we sent, to the holder of the offer's token."""
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    try:
        digest = hashlib.sha256(base64.urlsafe_b64decode(supplied + "=" * (-len(supplied) % 4)))
    except ValueError:
        digest = hashlib.sha256(b"")
    transfer = Transfer.objects.filter(code=code, direction=Transfer.Direction.SENT).first()
    if transfer is None or not hmac.compare_digest(digest.hexdigest(), transfer.token_digest):
        record(
            system_actor("transfer"),
            "evidence.chunk",
            outcome=Outcome.DENIED,
            object_type="evidence.transfer",
            object_id=str(code),
            reason="unknown transfer or wrong token",
        )
        return _problem(404, "not_found", "no such transfer for this token")
    chunks = len(transfer.offer.get("chunks", []))
    if not 0 <= index < chunks:
        return _problem(404, "not_found", f"chunk {index} of {chunks}")
    stride = int(transfer.offer["chunk_size"]) + TAG
    with _sealed_path(str(transfer.code)).open("rb") as sealed:
        sealed.seek(index * stride)
        data = sealed.read(stride)
    if transfer.status == Transfer.Status.OFFERED:
        Transfer.objects.filter(pk=transfer.pk, status=Transfer.Status.OFFERED).update(
            status=Transfer.Status.FETCHING
        )
    return HttpResponse(data, content_type="application/octet-stream")


# Receiving ----------------------------------------------------------------------------


def _body(message: InboxMessage) -> dict[str, Any]:
    return message.body if isinstance(message.body, dict) else {}


@handles(OFFER_TYPE)
def offer_received(message: InboxMessage) -> None:
    body = _body(message)
    actor = system_actor(f"federation:{message.sender_state}")
    try:
        request_code = uuid.UUID(str(body.get("request", "")))
    except ValueError:
        request_code = None
    request = (
        CooperationRequest.objects.filter(
            code=request_code, counterpart=message.sender_state
        ).first()
        if request_code
        else None
    )
    try:
        if request is None:
            raise TransferError("unknown_request", "no request of ours with that State")
        offer = parse_offer(body)
    except TransferError as exc:
        record(
            actor,
            "evidence.offer",
            outcome=Outcome.DENIED,
            object_type="evidence.transfer",
            reason=str(exc)[:300],
        )
        return
    if Transfer.objects.filter(code=offer.transfer).exists():
        return
    transfer = Transfer.objects.create(
        code=offer.transfer,
        direction=Transfer.Direction.RECEIVED,
        peer=message.sender_state,
        request=request,
        status=Transfer.Status.OFFERED,
        offer=body,
    )
    record(
        actor,
        "evidence.offer",
        transfer,
        extra={"from": message.sender_state, "bytes": offer.size, "items": len(offer.items)},
    )


def _fetch(transfer: Transfer) -> bool:
    """Fetch the next chunks; True once every chunk is in (resumes after any stop)."""
    offer = parse_offer(transfer.offer)
    peer = RegisterState.objects.get(code=transfer.peer)
    part = _folder() / f"{transfer.code}.part"
    stride = offer.chunk_size + TAG
    base = peer.endpoint.rstrip("/")
    with part.open("ab") as out:
        # A crash between writing a chunk and counting it leaves extra bytes: cut them.
        out.truncate(transfer.received_chunks * stride)
        for index in range(transfer.received_chunks, len(offer.chunks))[:CHUNKS_PER_RUN]:
            url = f"{base}/federation/v1/transfers/{offer.transfer}/chunks/{index}"
            answer = get(url, {"Authorization": f"Bearer {_b64(offer.token)}"})
            if answer.status != 200:
                raise TransportError(f"chunk {index}: HTTP {answer.status}")
            open_chunk(offer, index, answer.body)  # authentic and the offer's own, or raises
            out.write(answer.body)
            out.flush()
            transfer.received_chunks = index + 1
            transfer.save(update_fields=["received_chunks"])
    return transfer.received_chunks == len(offer.chunks)


def _take_in(transfer: Transfer) -> None:
    """All chunks are in: unpack, verify as a court would, take the items in."""
    offer = parse_offer(transfer.offer)
    part = _folder() / f"{transfer.code}.part"
    work = Path(tempfile.mkdtemp(prefix="hanoinet-received-", dir=_folder()))
    actor = system_actor(f"transfer:{transfer.peer}")
    try:
        archive = work / "bundle.tar"
        whole = hashlib.sha256()
        stride = offer.chunk_size + TAG
        with part.open("rb") as sealed, archive.open("wb") as out:
            for index in range(len(offer.chunks)):
                plain = open_chunk(offer, index, sealed.read(stride))
                whole.update(plain)
                out.write(plain)
        if whole.hexdigest() != offer.sha256:
            raise TransferError("tampered", "the archive does not match the offer's SHA-256")
        unpack(archive, work / "bag")
        report = verify_bundle(work / "bag")
        transfer.report = report.as_json()
        if not report.ok:
            failed = [c.name for c in report.checks if not c.ok]
            raise TransferError("not_verified", f"the bundle fails: {', '.join(failed)}"[:280])
        with transaction.atomic():
            received = []
            data = work / "bag" / "data"
            for payload in sorted(data.rglob("*")):
                if not payload.is_file():
                    continue
                with payload.open("rb") as content:
                    item = do_ingest_item(
                        actor,
                        content,
                        filename=payload.name,
                        description=f"Received from {transfer.peer}: {payload.relative_to(data)}",
                        source_kind=EvidenceItem.Source.FOREIGN_STATE,
                        acquired_by=f"{transfer.peer} (transfer {transfer.code})",
                        method=f"court bundle received on request {transfer.request.code}",
                        tool="hanoinet evidence transfer",
                    )
                item.case_id = transfer.request.case_id
                item.save(update_fields=["case"])
                _custody(
                    actor,
                    item,
                    "received",
                    f"from {transfer.peer}, transfer {transfer.code}, bundle {offer.sha256}",
                )
                _custody(actor, item, "verified", "court bundle verified offline on arrival")
                received.append(item)
            with archive.open("rb") as content:
                bundle = do_ingest_item(
                    actor,
                    content,
                    filename=f"bundle-{transfer.peer}-{transfer.code}.tar",
                    description=f"Court bundle as received from {transfer.peer}",
                    source_kind=EvidenceItem.Source.FOREIGN_STATE,
                    acquired_by=f"{transfer.peer} (transfer {transfer.code})",
                    method="received through the federation, verified with verify-bundle",
                    tool="hanoinet evidence transfer",
                    media_type="application/x-tar",
                )
            _custody(actor, bundle, "received", f"from {transfer.peer}, transfer {transfer.code}")
            transfer.items.set(received)
            transfer.bundle_item = bundle
            _finish(transfer, Transfer.Status.VERIFIED, "")
            record(actor, "evidence.receive", transfer, extra={"items": len(received)})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _finish(transfer: Transfer, status: str, problem: str) -> None:
    transfer.status = status
    transfer.problem = problem[:300]
    transfer.completed_at = timezone.now()
    # The secrets are of no use any more: the chunks are in, or will never be.
    transfer.offer = {k: v for k, v in transfer.offer.items() if k not in ("key", "token")}
    transfer.save()
    enqueue(
        recipient_state=transfer.peer,
        message_type=RECEIVED_TYPE,
        body={
            "transfer": str(transfer.code),
            "verified": status == Transfer.Status.VERIFIED,
            "problem": transfer.problem,
            "report": transfer.report,
        },
        thread_id=transfer.request.thread_id,
    )
    (_folder() / f"{transfer.code}.part").unlink(missing_ok=True)


@register_job("evidence-transfers", every_seconds=float(settings.HANOINET_TRANSFER_POLL_SECONDS))
def fetch_transfers() -> int:
    """Move every offered transfer forward: fetch, then verify and take in."""
    handled = 0
    due = Transfer.objects.filter(
        direction=Transfer.Direction.RECEIVED,
        status__in=[Transfer.Status.OFFERED, Transfer.Status.FETCHING],
        next_attempt_at__lte=timezone.now(),
    )
    for transfer in due[:5]:
        try:
            complete = _fetch(transfer)
            if complete:
                _take_in(transfer)
        except (TransportError, OSError) as exc:
            transfer.attempts += 1
            transfer.status = Transfer.Status.FETCHING
            transfer.problem = str(exc)[:300]
            transfer.next_attempt_at = timezone.now() + RETRY * min(transfer.attempts, 20)
            transfer.save(update_fields=["attempts", "status", "problem", "next_attempt_at"])
            logger.info("transfer %s: %s; retrying", transfer.code, exc)
        except (TransferError, ItemError) as exc:
            with transaction.atomic():
                _finish(transfer, Transfer.Status.FAILED, str(exc))
                record(
                    system_actor(f"transfer:{transfer.peer}"),
                    "evidence.receive",
                    transfer,
                    outcome=Outcome.FAILED,
                    reason=str(exc)[:300],
                )
        handled += 1
    return handled


@handles(RECEIVED_TYPE)
def receipt_received(message: InboxMessage) -> None:
    body = _body(message)
    code = body.get("transfer")
    transfer = (
        Transfer.objects.filter(
            code=str(code), peer=message.sender_state, direction=Transfer.Direction.SENT
        ).first()
        if _is_uuid(code)
        else None
    )
    if transfer is None or transfer.completed_at is not None:
        return
    actor = system_actor(f"federation:{message.sender_state}")
    verified = body.get("verified") is True
    transfer.report = body.get("report") if isinstance(body.get("report"), dict) else {}
    transfer.status = Transfer.Status.CONFIRMED if verified else Transfer.Status.FAILED
    transfer.problem = "" if verified else str(body.get("problem", ""))[:300]
    transfer.completed_at = timezone.now()
    transfer.save()
    if verified:
        for item in transfer.items.all():
            _custody(
                actor,
                item,
                "transferred",
                f"received and verified by {transfer.peer}, transfer {transfer.code}",
            )
    record(
        actor,
        "evidence.transferred",
        transfer,
        outcome=Outcome.OK if verified else Outcome.FAILED,
        reason=transfer.problem,
    )
    _sealed_path(str(transfer.code)).unlink(missing_ok=True)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
