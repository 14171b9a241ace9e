"""Logins and logouts are audited wherever they happen."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hanoinet.node.audit.actor import Actor, actor_for
from hanoinet.node.audit.record import Outcome, record


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    record(actor_for(request, user), "auth.login", user, reason="password accepted")


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or user is None:
        return
    record(actor_for(request, user), "auth.logout", user)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    actor = actor_for(request, None) if request is not None else Actor(None, "anonymous")
    record(
        actor,
        "auth.login",
        outcome=Outcome.FAILED,
        object_type="accounts.user",
        object_id=username,
        reason="wrong username or password",
    )
