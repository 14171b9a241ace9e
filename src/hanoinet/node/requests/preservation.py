"""Extending a preservation (Art. 42): the requesting State asks for more time before the
term ends, the requested State extends it; both copies then show the new end, and the
reminders start again for the new term."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hanoinet.core.convention.lifecycle import Side, Status
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.requests.actions import RequestError, _event, _locked
from hanoinet.node.requests.models import CooperationRequest

PRESERVATION_TYPE = "request.preservation"
MAX_EXTENSION_DAYS = 365
PRESERVED = frozenset({Status.EXECUTED, Status.PARTIALLY_EXECUTED})


def _days(days: int) -> int:
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise RequestError(f"an extension is between 1 and {MAX_EXTENSION_DAYS} days")
    return days


def _running(request: CooperationRequest) -> None:
    if request.kind != "preservation" or request.status not in PRESERVED:
        raise RequestError("only a preservation that was executed can be extended")
    if request.held_pending_mla:
        raise RequestError(
            "the data is held until the mutual legal assistance request is decided: "
            "no extension is needed"
        )
    if request.preserved_until is None or request.preserved_until <= timezone.now():
        raise RequestError("this preservation has ended; send a new preservation request")


def _send(request: CooperationRequest, body: dict[str, Any]) -> None:
    enqueue(
        recipient_state=request.counterpart,
        message_type=PRESERVATION_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), **body},
    )


@transaction.atomic
def do_ask_extension(
    actor: Actor, request: CooperationRequest, *, days: int, reasons: str
) -> CooperationRequest:
    """The requesting State asks for the preservation to last longer."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.OUTGOING:
        raise RequestError("the requesting State asks for an extension")
    _running(request)
    details = {"days": _days(days), "reasons": reasons.strip()[:2000]}
    _send(request, {"action": "ask", **details})
    _event(request, "extension_requested", Side.REQUESTING, request.status, actor, details)
    record(actor, "request.ask_extension", request, extra={"days": days})
    return request


@transaction.atomic
def do_extend_preservation(
    actor: Actor, request: CooperationRequest, *, days: int, note: str = ""
) -> CooperationRequest:
    """The requested State extends the term by ``days`` from its current end."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("the requested State extends the preservation it carries out")
    _running(request)
    assert request.preserved_until is not None  # noqa: S101 - _running checked it
    request.preserved_until += timedelta(days=_days(days))
    request.reminders_sent = [
        m for m in request.reminders_sent if not m.startswith("preservation:")
    ]
    request.save(update_fields=["preserved_until", "reminders_sent"])
    details = {
        "days": days,
        "preserved_until": request.preserved_until.isoformat(),
        "note": note.strip()[:2000],
    }
    _send(request, {"action": "extend", **details})
    _event(request, "preservation_extended", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.extend_preservation", request, extra={"days": days})
    return request


def receive_preservation(request: CooperationRequest, body: dict[str, Any], actor: Actor) -> None:
    action = body.get("action")
    days = body.get("days")
    if not isinstance(days, int) or isinstance(days, bool):
        return
    if action == "ask" and request.direction == CooperationRequest.Direction.INCOMING:
        details = {"days": days, "reasons": str(body.get("reasons", ""))[:2000]}
        _event(request, "extension_requested", Side.REQUESTING, request.status, actor, details)
    elif action == "extend" and request.direction == CooperationRequest.Direction.OUTGOING:
        until = parse_datetime(str(body.get("preserved_until", "")))
        if until is None or request.kind != "preservation" or request.held_pending_mla:
            return
        request.preserved_until = until
        request.reminders_sent = [
            m for m in request.reminders_sent if not m.startswith("preservation:")
        ]
        request.save(update_fields=["preserved_until", "reminders_sent"])
        details = {"days": days, "preserved_until": until.isoformat()}
        _event(request, "preservation_extended", Side.REQUESTED, request.status, actor, details)
