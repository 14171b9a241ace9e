from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "hanoinet.node.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        # Importing registers the node's system checks and periodic jobs.
        from hanoinet.node import checks, housekeeping  # noqa: F401
