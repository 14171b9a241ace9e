"""Telling administrators that messages could not be delivered."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail

from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.federation.models import OutboxMessage

logger = logging.getLogger("hanoinet.federation")


def administrators_to_alert() -> list[str]:
    return sorted(
        set(
            User.objects.filter(is_active=True, role_grants__role=Role.NODE_ADMIN)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def alert_dead_letters(rows: Sequence[OutboxMessage], error: str) -> None:
    """E-mail the node administrators; the federation status page lists dead letters too."""
    logger.error("%d message(s) undeliverable: %s", len(rows), error)
    recipients = administrators_to_alert()
    if not recipients:
        return
    lines = [
        f"- {row.message_type} to {row.recipient_state}, id {row.message_id}" for row in rows[:50]
    ]
    try:
        send_mail(
            subject=(
                f"[hanoinet {settings.HANOINET_STATE}] "
                f"{len(rows)} message(s) could not be delivered"
            ),
            message="\n".join(
                [
                    "These messages reached their maximum age or were refused for good:",
                    *lines,
                    "",
                    f"Reason: {error}",
                    "See Federation > Delivery status on the node.",
                ]
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        logger.exception("could not e-mail the dead-letter alert")
