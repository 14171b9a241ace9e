"""``/api/v1/evidence``: take in, describe, download and verify evidence; the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, cast

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.evidence import access, actions, ledger
from hanoinet.node.evidence.models import EvidenceItem, Transfer
from hanoinet.node.evidence.transfer import do_send_evidence
from hanoinet.node.http import attachment
from hanoinet.node.requests.access import get_request

router = Router()


def as_json(item: EvidenceItem) -> dict[str, Any]:
    checkpoint = ledger.checkpoint()
    custody = ledger.custody_entries(item.custody.order_by("index"), checkpoint.size)
    return {
        "code": str(item.code),
        "exhibit_number": item.exhibit_number,
        "description": item.description,
        "source": item.source,
        "sha256": item.digest,
        "size": item.size,
        "filename": item.filename,
        "media_type": item.media_type,
        "acquired_by": item.acquired_by,
        "acquired_at": item.acquired_at.isoformat(),
        "method": item.method,
        "tool": item.tool,
        "custody": custody,
        "checkpoint": {"size": checkpoint.size, "root": checkpoint.root, "note": checkpoint.note},
    }


def _actor(request: HttpRequest) -> Any:
    actor = actor_from_request(request)
    if not access.may_handle_evidence(actor):
        raise HttpError(
            403, "evidence is for the 24/7, central authority, investigators and analysts"
        )
    return actor


@router.post("", summary="Take in a file as evidence: stored encrypted, custody events recorded")
def ingest(  # noqa: PLR0917 - one form field per fact of acquisition
    request: HttpRequest,
    file: File[UploadedFile],
    description: Form[str],
    source: Form[str],
    acquired_by: Form[str],
    acquired_at: Form[datetime | None] = None,
    exhibit_number: Form[str] = "",
    method: Form[str] = "",
    tool: Form[str] = "",
) -> HttpResponse | dict[str, Any]:
    actor = _actor(request)
    try:
        item = actions.do_ingest_item(
            actor,
            cast(BinaryIO, file),  # Django's UploadedFile reads like a binary file
            filename=file.name or "upload",
            description=description,
            source_kind=source,
            acquired_by=acquired_by,
            acquired_at=acquired_at,
            exhibit_number=exhibit_number,
            method=method,
            tool=tool,
            media_type=file.content_type or "",
        )
    except actions.ItemError as exc:
        status = 413 if exc.code == "too_large" else 507 if exc.code == "disk_full" else 400
        raise HttpError(status, str(exc)) from None
    return as_json(item)


@router.get("/ledger/checkpoint", summary="The custody ledger's latest signed checkpoint")
def checkpoint(request: HttpRequest) -> dict[str, Any]:
    _actor(request)
    latest = ledger.checkpoint()
    witnessed = ledger.latest_witnessed()
    return {
        "origin": ledger.origin(),
        "size": latest.size,
        "root": latest.root,
        "note": latest.note,
        # What peers vouched for: a court bundle carries it with a consistency proof.
        "witnessed": None
        if witnessed is None
        else {
            "size": witnessed.size,
            "by": sorted(str(w.get("state", "")) for w in witnessed.witnessed),
        },
    }


class SendIn(Schema):
    request: str
    items: list[str]
    reason: str


def transfer_json(transfer: Transfer) -> dict[str, Any]:
    return {
        "transfer": str(transfer.code),
        "direction": transfer.direction,
        "peer": transfer.peer,
        "request": str(transfer.request.code),
        "status": transfer.status,
        "bytes": transfer.offer.get("size"),
        "sha256": transfer.offer.get("sha256"),
        "chunks": len(transfer.offer.get("chunks", [])),
        "received_chunks": transfer.received_chunks,
        "items": [str(item.code) for item in transfer.items.all()],
        "bundle_item": str(transfer.bundle_item.code) if transfer.bundle_item else None,
        "report": transfer.report,
        "problem": transfer.problem,
        "created_at": transfer.created_at.isoformat(),
        "completed_at": transfer.completed_at.isoformat() if transfer.completed_at else None,
    }


@router.post("/transfers", summary="Send a court bundle of items to the other State of a request")
def send(request: HttpRequest, payload: SendIn) -> dict[str, Any]:
    actor = _actor(request)
    thread = get_request(actor, payload.request)
    if len(payload.items) > 200:
        raise HttpError(400, "at most 200 items in one bundle")
    items = [access.get_item(actor, code) for code in dict.fromkeys(payload.items)]
    try:
        transfer = do_send_evidence(actor, thread, items, payload.reason)
    except actions.ItemError as exc:
        raise HttpError(400, str(exc)) from None
    return transfer_json(transfer)


@router.get("/transfers", summary="Bundles sent or received on a request's thread")
def transfers(request: HttpRequest, request_code: str) -> list[dict[str, Any]]:
    actor = _actor(request)
    thread = get_request(actor, request_code)
    rows = Transfer.objects.filter(request=thread).select_related("bundle_item", "request")
    return [transfer_json(t) for t in rows]


@router.get("/{code}", summary="An item with its custody events and their inclusion proofs")
def detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return as_json(access.get_item(_actor(request), code))


class ReasonIn(Schema):
    reason: str


@router.get("/{code}/content", summary="Download the content (a custody event: opened)")
def content(request: HttpRequest, code: str, reason: str = "") -> StreamingHttpResponse:
    actor = _actor(request)
    item = access.get_item(actor, code)
    try:
        chunks = actions.do_open_item(actor, item, reason)
    except actions.ItemError as exc:
        raise HttpError(400, str(exc)) from None
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Length"] = str(item.size)
    response["Digest"] = f"sha-256={item.digest}"
    response["Content-Disposition"] = attachment(item.filename)
    return response


@router.post("/{code}/verify", summary="Check the stored object end to end (a custody event)")
def verify(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = _actor(request)
    item = access.get_item(actor, code)
    try:
        actions.do_verify_item(actor, item)
    except actions.ItemError as exc:
        raise HttpError(409, str(exc)) from None
    return as_json(item)
