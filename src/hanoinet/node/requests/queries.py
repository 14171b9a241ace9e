"""Status queries on a thread: the requesting State asks where its request stands.

The requested node answers at once with the status and the last step on its copy (a
machine answer: no one has to be awake for it), and its officers may add an answer in
words. Both travel as signed messages on the request's thread.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hanoinet.core.convention.lifecycle import Side, Status
from hanoinet.node.audit.actor import Actor, system_actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.requests.actions import RequestError, _event, _locked
from hanoinet.node.requests.models import CooperationRequest

QUERY_TYPE = "request.query"
UNSENT = frozenset({Status.DRAFT, Status.AWAITING_APPROVAL})


def _send(request: CooperationRequest, body: dict[str, Any]) -> None:
    enqueue(
        recipient_state=request.counterpart,
        message_type=QUERY_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), **body},
    )


@transaction.atomic
def do_query_status(actor: Actor, request: CooperationRequest, text: str = "") -> None:
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.OUTGOING or request.status in UNSENT:
        raise RequestError("a status query is sent on a request we sent")
    details = {"text": text.strip()[:2000]}
    _send(request, {"action": "query", **details})
    _event(request, "status_query", Side.REQUESTING, request.status, actor, details)
    record(actor, "request.status_query", request)


@transaction.atomic
def do_answer_query(actor: Actor, request: CooperationRequest, text: str) -> None:
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("the requested State answers status queries")
    if not text.strip():
        raise RequestError("the answer is empty")
    details = _state_of(request) | {"text": text.strip()[:5000]}
    _send(request, {"action": "answer", **details})
    _event(request, "status_answer", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.status_answer", request)


def _state_of(request: CooperationRequest) -> dict[str, Any]:
    last = request.events.exclude(event__startswith="status_").order_by("-at", "-id").first()
    return {
        "status": request.status,
        "last_step": last.event if last else "",
        "last_step_at": last.at.isoformat() if last else "",
        "answered_at": timezone.now().isoformat(),
    }


def receive_query(request: CooperationRequest, body: dict[str, Any], actor: Actor) -> None:
    text = str(body.get("text", ""))[:5000]
    if body.get("action") == "query" and request.direction == "incoming":
        _event(request, "status_query", Side.REQUESTING, request.status, actor, {"text": text})
        answer = _state_of(request)
        _send(request, {"action": "answer", **answer})
        _event(
            request,
            "status_answer",
            Side.SYSTEM,
            request.status,
            system_actor("automatic status answer"),
            answer,
        )
    elif body.get("action") == "answer" and request.direction == "outgoing":
        status = str(body.get("status", ""))
        details = {
            "status": status if status in set(Status) else "",
            "last_step": str(body.get("last_step", ""))[:40],
            "last_step_at": str(body.get("last_step_at", ""))[:40],
            "text": text,
        }
        _event(request, "status_answer", Side.REQUESTED, request.status, actor, details)
