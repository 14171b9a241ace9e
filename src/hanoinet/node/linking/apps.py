from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkingConfig(AppConfig):
    name = "hanoinet.node.linking"
    label = "linking"
    verbose_name = _("Linking of reports")

    def ready(self) -> None:
        # The cross-border matching's message handlers and worker jobs.
        from hanoinet.node.linking import matching  # noqa: F401
