"""Evidence pages: the items, taking one in, its custody timeline, verifying, downloading."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanoinet.core.ledger import CustodyEvent
from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.audit.record import record
from hanoinet.node.evidence import access, actions, ledger
from hanoinet.node.evidence.bundle import do_build_bundle_archive
from hanoinet.node.evidence.models import EvidenceItem
from hanoinet.node.evidence.picture import draw
from hanoinet.node.http import attachment

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if not access.may_handle_evidence(actor):
        raise PermissionDenied
    return actor


@require_http_methods(["GET", "POST"])
def list_view(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    problem = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise actions.ItemError(_("Choose a file."))
            item = actions.do_ingest_item(
                actor,
                upload,  # type: ignore[arg-type]  # an UploadedFile reads like a binary file
                filename=upload.name or "upload",
                description=request.POST.get("description", "")[:20000],
                source_kind=request.POST.get("source", ""),
                acquired_by=request.POST.get("acquired_by", "")[:150],
                exhibit_number=request.POST.get("exhibit_number", "")[:60],
                method=request.POST.get("method", "")[:5000],
                tool=request.POST.get("tool", "")[:200],
                media_type=upload.content_type or "",
            )
        except actions.ItemError as exc:
            problem = str(exc)
        else:
            messages.success(request, _("The item is stored, encrypted, with its custody events."))
            return redirect("evidence:detail", code=item.code)
    record(actor, "evidence.list", object_type="evidence.evidenceitem")
    return render(
        request,
        "evidence/list.html",
        {
            "items": access.items(actor)[:PAGE_SIZE],
            "sources": EvidenceItem.Source.choices,
            "problem": problem,
        },
    )


@require_http_methods(["GET", "POST"])
def detail_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    item = access.get_item(actor, code)
    if request.method == "POST":
        try:
            actions.do_verify_item(actor, item)
        except actions.ItemError as exc:
            messages.error(request, _("Verification failed: %(error)s") % {"error": exc})
        else:
            messages.success(request, _("Verified: every chunk intact, SHA-256 matches."))
        return redirect("evidence:detail", code=item.code)
    checkpoint = ledger.checkpoint()
    custody = [
        (leaf, CustodyEvent.from_leaf_bytes(leaf.data.encode("utf-8")))
        for leaf in item.custody.order_by("index")
    ]
    picture = draw([(leaf.index, event.kind, event.at, event.actor) for leaf, event in custody])
    return render(
        request,
        "evidence/detail.html",
        {"item": item, "custody": custody, "checkpoint": checkpoint, "picture": picture},
    )


@require_http_methods(["POST"])
def bundle_view(request: HttpRequest, code: str) -> HttpResponseBase:
    """A court bundle of this one item, as a tar of the BagIt folder (an export: custody)."""
    actor = _actor(request)
    item = access.get_item(actor, code)
    work = Path(tempfile.mkdtemp(prefix="hanoinet-bundle-"))
    archive = work / "bundle.tar"
    try:
        do_build_bundle_archive(actor, [item], archive, request.POST.get("reason", ""))
    except actions.ItemError as exc:
        shutil.rmtree(work, ignore_errors=True)
        messages.error(request, _("No bundle: %(why)s") % {"why": exc})
        return redirect("evidence:detail", code=item.code)

    def stream() -> Iterator[bytes]:
        try:
            with archive.open("rb") as source:
                yield from iter(lambda: source.read(1024 * 1024), b"")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    response = StreamingHttpResponse(stream(), content_type="application/x-tar")
    response["Content-Length"] = str(archive.stat().st_size)
    response["Content-Disposition"] = attachment(f"bundle-{item.exhibit_number or item.code}.tar")
    return response


@require_GET
def content_view(request: HttpRequest, code: str) -> HttpResponseBase:
    actor = _actor(request)
    item = access.get_item(actor, code)
    try:
        chunks = actions.do_open_item(actor, item, request.GET.get("reason", "")[:500])
    except actions.ItemError as exc:
        messages.error(request, str(exc))
        return redirect("evidence:detail", code=item.code)
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Length"] = str(item.size)
    response["Content-Disposition"] = attachment(item.filename)
    return response
