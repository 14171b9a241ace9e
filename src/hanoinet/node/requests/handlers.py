"""Request messages arriving from other nodes, and receipts for ours."""

from __future__ import annotations

import uuid
from typing import Any

from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from hanoinet.core.convention import KINDS, validate
from hanoinet.core.convention.lifecycle import Event, Side, Status
from hanoinet.node.audit.actor import Actor, system_actor
from hanoinet.node.federation.delivery import message_delivered
from hanoinet.node.federation.handlers import handles
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.requests.actions import (
    CONDITIONS_TYPE,
    PROVIDER_TYPE,
    STATUS_TYPE,
    SUBMIT_TYPE,
    _event,
    hold_preservation_for,
    receive_conditions,
    receive_status,
    receive_third_country_provider,
)
from hanoinet.node.requests.asset_actions import MEASURE_TYPE, receive_measure
from hanoinet.node.requests.models import CooperationRequest
from hanoinet.node.requests.preservation import PRESERVATION_TYPE, receive_preservation
from hanoinet.node.requests.queries import QUERY_TYPE, receive_query


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@handles(SUBMIT_TYPE)
def request_submitted(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    kind = str(body.get("kind", ""))
    code = _uuid(body.get("request"))
    fields = body.get("fields") if isinstance(body.get("fields"), dict) else {}
    if kind not in KINDS or code is None or CooperationRequest.objects.filter(code=code).exists():
        return
    request = CooperationRequest.objects.create(
        code=code,
        direction=CooperationRequest.Direction.INCOMING,
        kind=kind,
        counterpart=message.sender_state,
        status=Status.DELIVERED,
        fields=fields,
        urgency=str(body.get("urgency", "routine"))[:16],
        their_reference=str(body.get("reference", ""))[:100],
        thread_id=message.thread_id,
        model_version=str(body.get("model", ""))[:16],
    )
    _link_followup(request, body, message.sender_state)
    # Checked again here: the requested State sees at once what is missing, by article.
    hold_preservation_for(request)
    problems = [problem.as_dict() for problem in validate(kind, fields)]
    _event(
        request,
        "received",
        Side.REQUESTED,
        "",
        system_actor("federation inbox"),
        {"problems": problems},
    )


def _link_followup(request: CooperationRequest, body: dict[str, Any], sender: str) -> None:
    """The formal request that follows an emergency or a preservation: both copies linked."""
    due = parse_datetime(str(body.get("followup_due", "")))
    if request.kind == "emergency" and due is not None:
        request.followup_due = due
        request.save(update_fields=["followup_due"])
    code = _uuid(body.get("follows"))
    origin = (
        CooperationRequest.objects.filter(
            code=code, counterpart=sender, direction=CooperationRequest.Direction.INCOMING
        ).first()
        if code
        else None
    )
    if origin is None:
        return
    request.follows = origin
    request.save(update_fields=["follows"])
    origin.followup_due = None
    origin.save(update_fields=["followup_due"])
    _event(
        origin,
        "formal_followup",
        Side.REQUESTING,
        origin.status,
        system_actor("federation inbox"),
        {"request": str(request.code), "kind": request.kind},
    )


def _addressed(message: InboxMessage) -> tuple[CooperationRequest, dict[str, Any], Actor] | None:
    """The request a peer's message is about — only a request shared with that peer."""
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is None:
        return None
    return request, body, system_actor(f"federation:{message.sender_state}")


@handles(STATUS_TYPE)
def request_status(message: InboxMessage) -> None:
    if found := _addressed(message):
        request, body, actor = found
        event = body.get("event")
        if event in set(Event):
            receive_status(request, Event(str(event)), body, actor)


@handles(PROVIDER_TYPE)
def third_country_provider(message: InboxMessage) -> None:
    if found := _addressed(message):
        receive_third_country_provider(*found)


@handles(CONDITIONS_TYPE)
def conditions(message: InboxMessage) -> None:
    if found := _addressed(message):
        receive_conditions(*found)


@handles(MEASURE_TYPE)
def measure(message: InboxMessage) -> None:
    if found := _addressed(message):
        receive_measure(*found)


@handles(PRESERVATION_TYPE)
def preservation(message: InboxMessage) -> None:
    if found := _addressed(message):
        receive_preservation(*found)


@handles(QUERY_TYPE)
def status_query(message: InboxMessage) -> None:
    if found := _addressed(message):
        receive_query(*found)


@receiver(message_delivered, dispatch_uid="requests-delivered")
def request_delivered(sender: object, message: OutboxMessage, **kwargs: object) -> None:
    if message.message_type != SUBMIT_TYPE:
        return
    code = str(message.body.get("request", "")) if isinstance(message.body, dict) else ""
    request = (
        CooperationRequest.objects.filter(code=code, status=Status.SENT).first() if code else None
    )
    if request is not None:
        request.status = Status.DELIVERED
        request.save(update_fields=["status"])
        _event(
            request,
            Event.RECEIPT,
            Side.SYSTEM,
            Status.SENT,
            system_actor("federation delivery"),
            {"receipt": message.digest},
        )
