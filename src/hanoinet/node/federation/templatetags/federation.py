"""``{% peer_health code %}``: a peer's reachability, for pages of other apps (the register)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from hanoinet.node.federation.health import health

register = template.Library()


@register.simple_tag
def peer_health(code: str) -> SafeString | str:
    if not code or code == settings.HANOINET_STATE:
        return ""
    return render_to_string("federation/partials/health.html", {"h": health(code)})
