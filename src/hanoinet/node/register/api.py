"""Register API: browse (any officer), edit and publish (secretariat administrators),
import (node administrators). States travel in the register document's own JSON form,
checked by the same strict parser, so an error names the exact field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Body, Router, Schema

from hanoinet.core.register.errors import RegisterFormatError
from hanoinet.core.register.model import state_from_json, state_to_json
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.register import access, actions, convert
from hanoinet.node.register.fetch import parse_bundle

router = Router()


class ErrorOut(Schema):
    error: str


class PublishedOut(Schema):
    serial: int
    issued_at: str
    expires_at: str
    changes: list[dict[str, str]]


class ImportOut(Schema):
    outcome: str
    serial: int | None
    changes: list[dict[str, str]]


@router.get("/states", response=list[dict[str, Any]])
def list_states(
    request: HttpRequest, q: str = "", language: str = "", capability: str = ""
) -> list[dict[str, Any]]:
    states = access.search_states(
        actor_from_request(request),
        query=q[:100],
        language=language[:10],
        capability=capability[:64],
    )
    return [state_to_json(convert.entry_from_row(state)) for state in states]


@router.get("/states/{code}", response=dict[str, Any])
def get_state(request: HttpRequest, code: str) -> dict[str, Any]:
    return state_to_json(
        convert.entry_from_row(access.get_state(actor_from_request(request), code))
    )


@router.put("/states/{code}", response={200: dict[str, Any], 400: ErrorOut})
def put_state(
    request: HttpRequest,
    code: str,
    payload: Body[dict[str, Any]],
) -> tuple[int, Any]:
    try:
        entry = state_from_json(payload, "state")
    except RegisterFormatError as exc:
        return 400, ErrorOut(error=str(exc))
    if entry.code != code.upper():
        return 400, ErrorOut(error=f"state.code: {entry.code} does not match the URL ({code})")
    reason = str(request.GET.get("reason", ""))[:500]
    row = actions.do_save_state(actor_from_request(request), entry, reason=reason)
    return 200, state_to_json(convert.entry_from_row(row))


@router.post("/publish", response={201: PublishedOut})
def publish(request: HttpRequest, days: int = 30) -> tuple[int, PublishedOut]:
    try:
        document = actions.do_publish_register(actor_from_request(request), validity_days=days)
    except ValueError as exc:
        raise PermissionDenied(str(exc)) from None
    return 201, PublishedOut(
        serial=document.serial,
        issued_at=document.issued_at.isoformat(),
        expires_at=document.expires_at.isoformat(),
        changes=document.changes,
    )


@router.post("/import", response={200: ImportOut, 400: ErrorOut, 422: ErrorOut})
def import_register(
    request: HttpRequest,
    payload: Body[dict[str, Any]],
) -> tuple[int, Any]:
    import json

    try:
        bundle = parse_bundle(json.dumps(payload).encode())
    except RegisterFormatError as exc:
        return 400, ErrorOut(error=str(exc))
    result = actions.do_import_register(actor_from_request(request), bundle, source="api")
    if result.error is not None:
        return 422, ErrorOut(error=f"{result.error.code}: {result.error}")
    changes = [{"state": c.state, "what": c.what, "change": c.change} for c in result.changes]
    return 200, ImportOut(outcome=result.outcome, serial=result.serial, changes=changes)
