"""Deny by default: a login, then a second factor, before any page of the node."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from hanoinet.node.accounts.access import is_verified

# Machine endpoints authenticate themselves (API tokens, federation signatures):
# they answer 401 with a problem document instead of redirecting to a login page.
MACHINE_PREFIXES = ("/api/",)
STATIC_PREFIX = "/static/"


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(MACHINE_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecondFactorRequiredMiddleware:
    """A signed-in user who has not passed the TOTP step reaches only that step.

    Every role on a node is an officer role, so the rule has no exception by role:
    a user who has no device yet is sent to enrol one.
    """

    allowed_names = (
        "accounts:otp",
        "accounts:logout",
        "set_language",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and not request.path.startswith((*MACHINE_PREFIXES, STATIC_PREFIX))
            and request.path not in {reverse(name) for name in self.allowed_names}
        ):
            return HttpResponseRedirect(resolve_url("accounts:otp"))
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Times are stored in UTC and shown in the signed-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = getattr(request.user, "time_zone", "UTC") or "UTC"
        try:
            timezone.activate(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo("UTC"))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
