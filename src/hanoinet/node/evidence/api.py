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
from hanoinet.node.evidence.models import EvidenceItem
from hanoinet.node.http import attachment

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
    return {
        "origin": ledger.origin(),
        "size": latest.size,
        "root": latest.root,
        "note": latest.note,
    }


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
