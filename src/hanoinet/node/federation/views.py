from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanoinet.core.envelope import EnvelopeError, Rejection
from hanoinet.core.jsonio import JsonError, loads_strict
from hanoinet.node.audit.actor import Actor, actor_from_request, client_ip
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.audit.record import record
from hanoinet.node.federation import access, actions
from hanoinet.node.federation.forms import NoteForm
from hanoinet.node.federation.health import health
from hanoinet.node.federation.inbox import receive, receive_batch
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.federation.transport import BATCH_CONTENT_TYPE

PROBLEM_STATUS = {Rejection.TOO_LARGE: 413}


def problem(code: Rejection | str, detail: str, status: int = 400) -> JsonResponse:
    """An RFC 9457 problem document with our stable code."""
    return JsonResponse(
        {
            "type": f"urn:hanoinet:problem:{code}",
            "title": str(code).replace("_", " "),
            "status": status,
            "detail": detail,
            "code": str(code),
        },
        status=status,
        content_type="application/problem+json",
    )


def refuse(actor: Actor, code: Rejection, detail: str, status: int = 400) -> JsonResponse:
    """Refusals decided before an envelope is opened: audited like the others."""
    record(
        actor,
        "federation.rejected",
        outcome=AuditEvent.Outcome.DENIED,
        reason=detail[:500],
        object_type="federation.envelope",
        extra={"code": str(code)},
    )
    return problem(code, detail, status)


def _inbox_actor(request: HttpRequest) -> Actor:
    return Actor(user=None, label="federation:inbox", client_ip=client_ip(request))


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """At most ``limit`` bytes, or None when the body is larger (read no further)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    data = request.read(limit + 1)
    return None if len(data) > limit else data


@csrf_exempt
@login_not_required
@require_POST
def inbox_view(request: HttpRequest) -> HttpResponse:
    """``POST /federation/v1/inbox``: one envelope (application/jose) or a batch (JSON)."""
    actor = _inbox_actor(request)
    content_type = request.content_type or ""
    max_bytes = settings.HANOINET_FEDERATION_MAX_BYTES
    if content_type == BATCH_CONTENT_TYPE:
        limit = max_bytes * 4 + 1024
        body = _read_body(request, limit)
        if body is None:
            return refuse(actor, Rejection.TOO_LARGE, f"a batch is at most {limit} bytes", 413)
        return _batch(body, actor)
    body = _read_body(request, max_bytes)
    if body is None:
        return refuse(actor, Rejection.TOO_LARGE, f"an envelope is at most {max_bytes} bytes", 413)
    try:
        accepted = receive(body, actor)
    except EnvelopeError as exc:
        return problem(exc.code, exc.detail, PROBLEM_STATUS.get(exc.code, 400))
    return JsonResponse(
        {
            "message_id": accepted.message_id,
            "digest": accepted.digest,
            "receipt": accepted.receipt,
            "duplicate": accepted.duplicate,
        }
    )


def _batch(body: bytes, actor: Actor) -> HttpResponse:
    try:
        parsed = loads_strict(body)
    except JsonError as exc:
        return refuse(actor, Rejection.MALFORMED, f"batch: {exc}")
    envelopes = parsed.get("envelopes") if isinstance(parsed, dict) else None
    if not isinstance(envelopes, list) or not all(isinstance(item, str) for item in envelopes):
        return refuse(actor, Rejection.MALFORMED, 'batch: expected {"envelopes": [string, ...]}')
    if len(envelopes) > settings.HANOINET_FEDERATION_MAX_BATCH:
        return refuse(
            actor,
            Rejection.TOO_LARGE,
            f"batch: at most {settings.HANOINET_FEDERATION_MAX_BATCH} envelopes",
            413,
        )
    results: list[dict[str, object]] = []
    for outcome in receive_batch(envelopes, actor):
        if outcome is None:
            results.append({"deferred": "an earlier message of this thread was refused"})
        elif isinstance(outcome, EnvelopeError):
            results.append({"problem": {"code": str(outcome.code), "detail": outcome.detail}})
        else:
            results.append(
                {
                    "message_id": outcome.message_id,
                    "digest": outcome.digest,
                    "receipt": outcome.receipt,
                }
            )
    return JsonResponse({"results": results})


@require_GET
def threads_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(request, "federation/threads.html", {"threads": access.list_threads(actor)})


@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_read_messages(actor.user):
        raise PermissionDenied
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.do_send_note(actor, **form.cleaned_data)
        except actions.SendError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Message queued for delivery."))
            return redirect("federation:thread", thread_id=sent.thread_id)
    return render(request, "federation/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def thread_view(request: HttpRequest, thread_id: str) -> HttpResponse:
    actor = actor_from_request(request)
    thread = access.get_thread(actor, thread_id)
    if request.method == "GET":
        # Showing the thread shows its messages in full: that is the officer opening them.
        for entry in thread.entries:
            if isinstance(entry, InboxMessage) and entry.retrieved_at is None:
                actions.do_mark_retrieved(actor, entry)
    form = NoteForm(request.POST or None, fixed_recipient=thread.peer)
    if request.method == "POST" and form.is_valid():
        last_in = next((e for e in reversed(thread.entries) if isinstance(e, InboxMessage)), None)
        try:
            actions.do_send_note(
                actor,
                **{**form.cleaned_data, "recipient": thread.peer},
                thread_id=thread_id,
                in_reply_to=last_in.message_id if last_in else "",
            )
        except actions.SendError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Reply queued for delivery."))
            return redirect("federation:thread", thread_id=thread_id)
    entries = [
        {
            "outgoing": isinstance(e, OutboxMessage),
            "row": e,
            "body_json": json.dumps(e.body, indent=2, ensure_ascii=False),
        }
        for e in thread.entries
        if not e.message_type.startswith("delivery.")
    ]
    return render(
        request, "federation/thread.html", {"thread": thread, "entries": entries, "form": form}
    )


@require_GET
def message_view(request: HttpRequest, message_id: str) -> HttpResponse:
    """A received message, by id (the link in pages): shown in its thread."""
    actor = actor_from_request(request)
    message = access.get_inbox_message(actor, message_id)
    url = reverse("federation:thread", kwargs={"thread_id": message.thread_id})
    return redirect(f"{url}#m-{message.message_id}")


@require_GET
def status_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = access.delivery_status(actor)
    from hanoinet.node.register.models import RegisterState

    peers = [
        health(code)
        for code in RegisterState.objects.exclude(endpoint="")
        .exclude(code=settings.HANOINET_STATE)
        .values_list("code", flat=True)
    ]
    return render(request, "federation/status.html", {**status, "peers": peers})
