from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "hanoinet.node.evidence"
    label = "evidence"
    verbose_name = _("Electronic evidence")

    def ready(self) -> None:
        # The ledger's announce job and the witness message handlers.
        from hanoinet.node.evidence import transfer, witness  # noqa: F401
