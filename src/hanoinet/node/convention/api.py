"""``/api/v1/convention``: the request kinds and a check of a draft request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from hanoinet.core.convention import (
    KINDS,
    MODEL_VERSION,
    TEXT_REFERENCE,
    UnknownKindError,
    kind_for,
    validate,
)
from hanoinet.core.jsonio import JsonError, loads_strict
from hanoinet.node.convention.text import problem_json, translate

router = Router()
MAX_BYTES = 1024 * 1024


@router.get("/kinds", summary="Request kinds and their elements, in the caller's language")
def kinds(request: HttpRequest) -> dict[str, Any]:
    return {
        "model": MODEL_VERSION,
        "text": TEXT_REFERENCE,
        "kinds": [
            {
                "kind": kind.code,
                "article": kind.article,
                "title": translate(kind.title),
                "summary": translate(kind.summary),
                "elements": [
                    {
                        "name": element.name,
                        "required": element.required,
                        "article": element.article,
                        "type": str(element.value_type),
                        "label": translate(element.label),
                        "why": translate(element.why),
                        "none_available_allowed": element.accepts_none_available,
                    }
                    for element in kind.elements
                ],
            }
            for kind in KINDS.values()
        ],
    }


@router.post(
    "/check/{kind}",
    summary="Check a draft request: every problem names the element and the article",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}
    },
)
def check(request: HttpRequest, kind: str) -> HttpResponse | dict[str, Any]:
    from hanoinet.node.api import api

    try:
        request_kind = kind_for(kind)
    except UnknownKindError as exc:
        return api.create_response(
            request, {"error": "unknown kind", "detail": str(exc)}, status=404
        )
    if len(request.body) > MAX_BYTES:
        return api.create_response(
            request, {"error": "too large", "detail": "at most 1 MiB"}, status=413
        )
    try:
        fields = loads_strict(request.body)
    except JsonError as exc:
        return api.create_response(
            request, {"error": "invalid JSON", "detail": str(exc)}, status=400
        )
    problems = validate(request_kind, fields)
    return {
        "kind": request_kind.code,
        "article": request_kind.article,
        "complete": not problems,
        "model": MODEL_VERSION,
        "problems": [problem_json(problem) for problem in problems],
    }
