"""Peer health: a signed ping to every peer on a schedule, and what it tells over time."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hanoinet.core.envelope import (
    EnvelopeError,
    message_digest,
    new_message,
    receipt_key_id,
    seal,
    verify_receipt,
)
from hanoinet.node.federation.inbox import PING_TYPE
from hanoinet.node.federation.keyring import (
    PeerUnavailableError,
    own_signer,
    peer,
    receipt_verify_key,
)
from hanoinet.node.federation.models import PeerPing, PeerStatus
from hanoinet.node.federation.transport import ENVELOPE_CONTENT_TYPE, TransportError, post
from hanoinet.node.register.models import RegisterState

WINDOW = timedelta(hours=24)


def ping(state: str, now: datetime | None = None) -> PeerPing:
    """Send one signed ping; record whether a valid signed receipt came back and how fast."""
    now = now or timezone.now()
    signer = own_signer()
    ok, rtt = False, None
    try:
        target = peer(state, now)
        message = new_message(
            sender=settings.HANOINET_STATE,
            sender_kid=signer.kid,
            recipient=state,
            type=PING_TYPE,
            body={},
            now=now,
            lifetime=timedelta(minutes=5),
        )
        token = seal(message, signer, target.encryption)
        started = time.perf_counter()
        answer = post(target.inbox_url, token.encode("ascii"), ENVELOPE_CONTENT_TYPE)
        elapsed = (time.perf_counter() - started) * 1000
        result = answer.json() if answer.status == 200 else {}
        receipt = result.get("receipt") if isinstance(result, dict) else None
        if isinstance(receipt, str):
            key = receipt_verify_key(target, receipt_key_id(receipt))
            if key is not None:
                verify_receipt(
                    receipt, key, message_id=message.header.id, digest=message_digest(message)
                )
                ok, rtt = True, elapsed
    except (PeerUnavailableError, TransportError, EnvelopeError, ValueError):
        ok = False
    status, _ = PeerStatus.objects.get_or_create(state=state)
    if ok:
        status.last_success_at = now
    else:
        status.last_failure_at = now
    status.save(update_fields=["last_success_at", "last_failure_at"])
    return PeerPing.objects.create(state=state, at=now, ok=ok, rtt_ms=rtt)


def ping_all(now: datetime | None = None) -> int:
    states = RegisterState.objects.exclude(endpoint="").exclude(code=settings.HANOINET_STATE)
    codes = list(states.values_list("code", flat=True))
    for code in codes:
        ping(code, now)
    return len(codes)


@dataclass(frozen=True, slots=True)
class Health:
    state: str
    reachable: bool | None  # None: never pinged
    availability: float | None  # share of successful pings over the window
    median_ms: float | None
    last_seen: datetime | None
    pings: int


def health(state: str, now: datetime | None = None) -> Health:
    now = now or timezone.now()
    pings = list(
        PeerPing.objects.filter(state=state, at__gte=now - WINDOW)
        .order_by("-at")
        .values_list("ok", "rtt_ms", "at")
    )
    last_seen = (
        PeerStatus.objects.filter(state=state).values_list("last_success_at", flat=True).first()
    )
    if not pings:
        return Health(state, None, None, None, last_seen, 0)
    times = [rtt for ok, rtt, _ in pings if ok and rtt is not None]
    return Health(
        state=state,
        reachable=pings[0][0],
        availability=sum(1 for ok, _, _ in pings if ok) / len(pings),
        median_ms=statistics.median(times) if times else None,
        last_seen=last_seen,
        pings=len(pings),
    )


def prune_pings(now: datetime | None = None, keep: timedelta = timedelta(days=30)) -> int:
    deleted, _ = PeerPing.objects.filter(at__lt=(now or timezone.now()) - keep).delete()
    return deleted
