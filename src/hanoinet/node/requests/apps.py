from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "hanoinet.node.requests"
    label = "requests"
    verbose_name = _("Cooperation requests")

    def ready(self) -> None:
        # The federation handlers for request messages and the deadline reminders job.
        from hanoinet.node.requests import deadlines, handlers  # noqa: F401
