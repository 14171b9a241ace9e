"""How a page reaches a person: in the application, by e-mail, through a gateway.

The outgoing webhook carries JSON signed with HMAC-SHA256 (header
``X-Hanoinet-Signature: sha256=<hex>``) so that the SMS or chat gateway can check it
came from this node.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail

from hanoinet.node.accounts.models import User
from hanoinet.node.oncall.models import Page, PageDelivery

WEBHOOK_TIMEOUT_SECONDS = 5


class ChannelError(Exception):
    pass


def _message(page: Page) -> str:
    return (
        f"[hanoinet {settings.HANOINET_STATE}] {page.get_urgency_display()}: {page.subject}\n"
        f"Acknowledge: {settings.HANOINET_BASE_URL}/oncall/{page.code}/"
    )


def send_in_app(page: Page, person: User) -> None:
    """Nothing to send: the page shows on the officer's dashboard and on-call screen."""


def send_email(page: Page, person: User) -> None:
    if not person.email:
        raise ChannelError("no e-mail address")
    send_mail(
        subject=f"[hanoinet] {page.get_urgency_display()}: {page.subject}"[:200],
        message=_message(page),
        from_email=None,
        recipient_list=[person.email],
    )


def send_webhook(page: Page, person: User) -> None:
    url = settings.HANOINET_PAGING_WEBHOOK_URL
    if not url:
        raise ChannelError("no webhook configured")
    body = json.dumps(
        {
            "page": str(page.code),
            "urgency": page.urgency,
            "to": {"username": person.get_username(), "email": person.email},
            "text": _message(page),
        }
    ).encode()
    secret = settings.HANOINET_PAGING_WEBHOOK_SECRET
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310  (operator-configured gateway URL)
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Hanoinet-Signature": f"sha256={signature}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise ChannelError(f"gateway answered HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"gateway answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"gateway unreachable: {getattr(exc, 'reason', exc)}") from None


CHANNELS: dict[str, Callable[[Page, User], None]] = {
    PageDelivery.Channel.IN_APP: send_in_app,
    PageDelivery.Channel.EMAIL: send_email,
    PageDelivery.Channel.WEBHOOK: send_webhook,
}


def deliver(page: Page, person: User, level: int) -> list[PageDelivery]:
    """Try every configured channel; each attempt is recorded, failures included."""
    deliveries = []
    for channel in settings.HANOINET_PAGING_CHANNELS:
        send = CHANNELS[channel]
        try:
            send(page, person)
        except ChannelError as exc:
            deliveries.append(
                PageDelivery(
                    page=page,
                    recipient=person,
                    level=level,
                    channel=channel,
                    ok=False,
                    error=str(exc)[:500],
                )
            )
        except Exception as exc:  # a broken mail relay must not stop the other channels
            deliveries.append(
                PageDelivery(
                    page=page,
                    recipient=person,
                    level=level,
                    channel=channel,
                    ok=False,
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
            )
        else:
            deliveries.append(
                PageDelivery(page=page, recipient=person, level=level, channel=channel)
            )
    return PageDelivery.objects.bulk_create(deliveries)
