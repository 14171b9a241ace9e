"""Nodes refresh the register from the secretariat on a schedule."""

from __future__ import annotations

import logging

from django.conf import settings

from hanoinet.core.register.errors import RegisterError
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.jobs import register_job
from hanoinet.node.register.actions import do_import_register
from hanoinet.node.register.fetch import SourceError, parse_bundle, read_source
from hanoinet.node.register.models import RegisterImport

logger = logging.getLogger("hanoinet.register")


@register_job("register-refresh", every_seconds=300)
def refresh_register() -> int:
    """Fetch and import the register if this node follows a secretariat URL."""
    url = settings.HANOINET_REGISTER_URL
    if settings.HANOINET_MODE != "node" or not url:
        return 0
    try:
        bundle = parse_bundle(read_source(url))
    except (SourceError, RegisterError) as exc:
        RegisterImport.objects.create(
            source=url[:500],
            outcome=RegisterImport.Outcome.REFUSED,
            code="unreachable",
            message=str(exc),
        )
        logger.warning("register refresh from %s failed: %s", url, exc)
        return 0
    result = do_import_register(system_actor("register-refresh"), bundle, source=url)
    if result.error is not None:
        logger.warning("register from %s refused: %s", url, result.error)
    return 1 if result.outcome == "accepted" else 0
