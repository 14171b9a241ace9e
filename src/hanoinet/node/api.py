"""The JSON API: token-authenticated, OpenAPI document at /api/openapi.json.

Errors are ``{"error": "...", "detail": ...}`` bodies with a 4xx status, never a 500
for bad input.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

import hanoinet
from hanoinet.node.accounts.api_auth import ApiTokenAuth
from hanoinet.node.cases.api import router as cases_router
from hanoinet.node.convention.api import router as convention_router
from hanoinet.node.evidence.api import router as evidence_router
from hanoinet.node.providers.api import router as providers_router
from hanoinet.node.register.api import router as register_router
from hanoinet.node.requests.api import router as requests_router
from hanoinet.node.requests.api import statistics_router

api = NinjaAPI(
    title="hanoinet node API",
    version=hanoinet.__version__,
    description=(
        "JSON API of a hanoinet national node. "
        "Authenticate with `Authorization: Bearer hn_…` (tokens: Account → API tokens)."
    ),
    auth=ApiTokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)


def _error(request: HttpRequest, status: int, error: str, detail: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"error": error}
    if detail is not None:
        body["detail"] = detail
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": _field_name(err.get("loc", ())), "message": err.get("msg")} for err in exc.errors
    ]
    return _error(request, 422, "invalid input", problems)


def _field_name(location: Any) -> str:
    """("body", "payload", "reference") → "reference": name the field, not the plumbing."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"] and len(parts) > 2:
        parts = parts[2:]
    elif parts[:1] in (["query"], ["path"], ["body"]):
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(
        request, 413, "too large", f"the body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes"
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "missing, unknown, expired or revoked API token")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not found")


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "your roles do not allow this")


api.add_router("/v1/cases", cases_router, tags=["cases"])
api.add_router("/v1/register", register_router, tags=["register"])
api.add_router("/v1/convention", convention_router, tags=["convention"])
api.add_router("/v1/requests", requests_router, tags=["requests"])
api.add_router("/v1/statistics", statistics_router, tags=["statistics"])
api.add_router("/v1/evidence", evidence_router, tags=["evidence"])
api.add_router("/v1/providers", providers_router, tags=["providers"])


@api.get("/v1/whoami", tags=["accounts"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "username": user.get_username(),
        "unit": str(getattr(user, "unit", "") or ""),
        "roles": sorted(getattr(user, "role_set", frozenset)()),
    }
