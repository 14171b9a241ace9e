"""``/api/v1/providers``: a provider's systems fetch their orders and upload responses."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile

from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.audit.record import record
from hanoinet.node.providers import access, actions
from hanoinet.node.providers.models import ProviderOrder, ProviderResponse

router = Router()


def _liaison(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if access.provider_of(actor) is None:
        raise HttpError(403, "the provider portal is for service providers' liaison officers")
    return actor


def response_json(response: ProviderResponse) -> dict[str, Any]:
    return {
        "code": str(response.code),
        "statement": response.statement,
        "submitted_at": response.submitted_at.isoformat(),
        "items": [
            {"filename": i.filename, "size": i.size, "sha256": i.digest}
            for i in response.items.all()
        ],
    }


def order_json(order: ProviderOrder, *, full: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": str(order.code),
        "kind": order.kind,
        "status": order.status,
        "overdue": order.is_overdue,
        "due_at": order.due_at.isoformat(),
        "created_at": order.created_at.isoformat(),
        "article": order.article,
        "what": order.what,
        "instructions": order.instructions,
    }
    if full:
        body["responses"] = [response_json(r) for r in order.responses.all()]
    return body


@router.get("/orders", summary="The orders addressed to your provider, open ones first")
def orders(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _liaison(request)
    rows = list(access.orders_for_provider(actor)[:500])
    record(actor, "provider.order.list", object_type="providers.providerorder")
    return [order_json(order) for order in rows]


@router.get("/orders/{code}", summary="One order with the responses sent so far")
def order(request: HttpRequest, code: str) -> dict[str, Any]:
    found = access.get_order_for_provider(_liaison(request), code)
    return order_json(found, full=True)


@router.post("/orders/{code}/acknowledge", summary="Acknowledge receipt of an order")
def acknowledge(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = _liaison(request)
    found = access.get_order_for_provider(actor, code)
    try:
        found = actions.do_acknowledge_order(actor, found)
    except actions.OrderError as exc:
        raise HttpError(409, str(exc)) from None
    return order_json(found)


@router.post(
    "/orders/{code}/responses",
    summary="Respond: a statement and files (multipart), each file stored as evidence",
)
def respond(
    request: HttpRequest,
    code: str,
    statement: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # none: a statement alone
) -> dict[str, Any]:
    actor = _liaison(request)
    found = access.get_order_for_provider(actor, code)
    uploads = [
        actions.Upload(name=f.name or "upload", stream=cast(BinaryIO, f), size=f.size or 0)
        for f in files or []
    ]
    try:
        response = actions.do_respond(actor, found, statement=statement, files=uploads)
    except actions.OrderError as exc:
        raise HttpError(400, str(exc)) from None
    return response_json(response)
