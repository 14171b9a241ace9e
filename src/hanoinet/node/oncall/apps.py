from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OncallConfig(AppConfig):
    name = "hanoinet.node.oncall"
    label = "oncall"
    verbose_name = _("On-call paging")

    def ready(self) -> None:
        from hanoinet.node.oncall import jobs  # noqa: F401  (registers the escalation job)
