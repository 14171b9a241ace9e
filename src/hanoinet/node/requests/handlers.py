"""Request messages arriving from other nodes, and receipts for ours."""

from __future__ import annotations

import uuid
from typing import Any

from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from hanoinet.core.convention import KINDS, validate
from hanoinet.core.convention.lifecycle import Event, Side, Status
from hanoinet.node.audit.actor import system_actor
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


@handles(STATUS_TYPE)
def request_status(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    request = CooperationRequest.objects.filter(
        code=str(body.get("request", "")), counterpart=message.sender_state
    ).first()
    event = body.get("event")
    if request is None or event not in set(Event):
        return
    receive_status(
        request, Event(str(event)), body, system_actor(f"federation:{message.sender_state}")
    )


@handles(PROVIDER_TYPE)
def third_country_provider(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is not None:
        receive_third_country_provider(
            request, body, system_actor(f"federation:{message.sender_state}")
        )


@handles(CONDITIONS_TYPE)
def conditions(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is not None:
        receive_conditions(request, body, system_actor(f"federation:{message.sender_state}"))


@handles(MEASURE_TYPE)
def measure(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is not None:
        receive_measure(request, body, system_actor(f"federation:{message.sender_state}"))


@handles(PRESERVATION_TYPE)
def preservation(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is not None:
        receive_preservation(request, body, system_actor(f"federation:{message.sender_state}"))


@handles(QUERY_TYPE)
def status_query(message: InboxMessage) -> None:
    body: dict[str, Any] = message.body if isinstance(message.body, dict) else {}
    code = _uuid(body.get("request"))
    request = (
        CooperationRequest.objects.filter(code=code, counterpart=message.sender_state).first()
        if code
        else None
    )
    if request is not None:
        receive_query(request, body, message.sender_state)


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
