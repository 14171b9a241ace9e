from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "hanoinet.node.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        # Registers the delivery and ping jobs and the built-in message handlers.
        from hanoinet.node.federation import handlers, jobs  # noqa: F401
