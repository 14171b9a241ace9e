"""Navigation by role: each officer sees the parts of the node their roles open."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hanoinet.node.accounts.access import is_verified
from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import CASE_ROLES, Role


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None  # None: every signed-in, verified user

    @property
    def url(self) -> str:
        return _reverse(self.url_name, get_script_prefix(), get_urlconf())


@functools.cache
def _reverse(url_name: str, prefix: str, urlconf: str | None) -> str:
    # Every page draws the navigation: its URLs change only with the script prefix or
    # the URLconf, so each is reversed once per process, not once per page.
    return reverse(url_name, urlconf=urlconf)


NAVIGATION = (
    NavItem(_("Dashboard"), "web:dashboard", None),
    NavItem(_("Cases"), "cases:list", frozenset(CASE_ROLES)),
    NavItem(_("On call"), "oncall:home", None),
    NavItem(
        _("Requests"),
        "requests:list",
        frozenset({Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY, Role.INVESTIGATOR}),
    ),
    NavItem(_("Evidence"), "evidence:list", frozenset(CASE_ROLES)),
    NavItem(
        _("Provider orders"),
        "providers:overview",
        frozenset({Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY, Role.INVESTIGATOR}),
    ),
    NavItem(_("Orders"), "providers:orders", frozenset({Role.PROVIDER_LIAISON})),
    NavItem(
        _("Victim reports"),
        "victims:queue",
        frozenset({Role.VICTIM_SUPPORT, Role.ANALYST, Role.INVESTIGATOR}),
    ),
    NavItem(_("Linked reports"), "linking:clusters", frozenset({Role.ANALYST, Role.INVESTIGATOR})),
    NavItem(
        _("Messages"),
        "federation:threads",
        frozenset({Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY}),
    ),
    NavItem(_("Delivery status"), "federation:status", frozenset({Role.NODE_ADMIN})),
    NavItem(_("Register"), "register:list", None),
    NavItem(_("Audit trail"), "audit:list", frozenset({Role.AUDITOR})),
    NavItem(_("API tokens"), "accounts:tokens", None),
    NavItem(_("Preferences"), "accounts:preferences", None),
)


def items_for(user: User) -> list[NavItem]:
    roles = user.role_set()
    return [item for item in NAVIGATION if item.roles is None or roles & item.roles]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    verified = isinstance(user, User) and user.is_authenticated and is_verified(user)
    return {
        "nav_items": items_for(user) if isinstance(user, User) and verified else [],
        "node_state": settings.HANOINET_STATE,
        "node_mode": settings.HANOINET_MODE,
        "demo_mode": settings.HANOINET_DEMO,
        "current_url_name": getattr(request.resolver_match, "view_name", ""),
    }
