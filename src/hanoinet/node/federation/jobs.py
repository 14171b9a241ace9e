"""Background jobs of the federation: delivery, dead letters, pings."""

from __future__ import annotations

from django.conf import settings

from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.federation.health import ping_all, prune_pings
from hanoinet.node.jobs import register_job


# Runs again at once while it finds work; the worker idles only when nothing is due.
@register_job("federation-deliver", every_seconds=0.0)
def deliver_job() -> int:
    return deliver_due()


@register_job("federation-ping", every_seconds=float(settings.HANOINET_FEDERATION_PING_SECONDS))
def ping_job() -> int:
    ping_all()
    return 0  # pings are not work that should keep the worker from idling


@register_job("federation-prune-pings", every_seconds=3600)
def prune_job() -> int:
    prune_pings()
    return 0
