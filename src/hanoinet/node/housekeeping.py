"""Periodic clean-up that every node needs."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from hanoinet.node.accounts.models import LoginThrottle
from hanoinet.node.jobs import register_job


@register_job("clear-expired-sessions", every_seconds=3600)
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@register_job("prune-login-throttle", every_seconds=3600)
def prune_login_throttle() -> int:
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = LoginThrottle.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
