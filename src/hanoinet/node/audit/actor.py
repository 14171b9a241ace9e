"""Who is acting: the user (if any) and where the request came from.

Every action and every audited read takes an :class:`Actor`, built once per request
by :func:`actor_from_request`, or by :func:`system_actor` for the CLI and workers.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from hanoinet.node.accounts.models import User

USER_AGENT_MAX = 300


@dataclass(frozen=True, slots=True)
class Actor:
    user: User | None
    label: str
    client_ip: str | None = None
    user_agent: str = ""


def system_actor(label: str) -> Actor:
    """The node itself acting (CLI command, worker job)."""
    return Actor(user=None, label=f"system:{label}")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; X-Forwarded-For is believed only behind trusted proxies.

    With N trusted proxies the client is the N-th address from the right: anything
    further left was written by the client itself and can be forged.
    """
    address = request.META.get("REMOTE_ADDR")
    hops = settings.HANOINET_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            address = chain[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def actor_for(request: HttpRequest, user: User | None) -> Actor:
    return Actor(
        user=user,
        label=user.get_username() if user is not None else "anonymous",
        client_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
    )


def actor_from_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return actor_for(request, None)
    return actor_for(request, user)
