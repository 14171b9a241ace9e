from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "hanoinet.node.register"
    label = "register"
    verbose_name = _("Register of States Parties")

    def ready(self) -> None:
        from hanoinet.node.register import jobs  # noqa: F401  (registers the refresh job)
