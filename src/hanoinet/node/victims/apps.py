from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimsConfig(AppConfig):
    name = "hanoinet.node.victims"
    label = "victims"
    verbose_name = _("Victim reports")
