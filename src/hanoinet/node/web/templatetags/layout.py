"""``{% main_navigation %}`` and ``{% language_options %}``: the parts of every page's
header that depend only on the officer's roles, the page and the language.

Each page drew both with template loops (about a tenth of the inbox's time, which
refreshes itself every 15 seconds). They are rendered from their partial templates once
per process for each combination and then reused; what differs per request (CSRF token,
user name, current path) stays in base.html.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from hanoinet.node.web.context import NAVIGATION

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> SafeString:
    items = context.get("nav_items") or ()
    names = tuple(item.url_name for item in items)
    current = str(context.get("current_url_name") or "")
    current = current if current in names else ""  # one entry for every page outside the menu
    if settings.DEBUG:  # templates may change under the development server
        return _navigation(names, current)
    return _cached_navigation(names, current, get_language(), get_script_prefix(), get_urlconf())


@register.simple_tag
def language_options() -> SafeString:
    if settings.DEBUG:
        return _language_options()
    return _cached_language_options(get_language())


def _navigation(names: tuple[str, ...], current: str) -> SafeString:
    items = [item for item in NAVIGATION if item.url_name in names]
    context: dict[str, Any] = {"nav_items": items, "current_url_name": current}
    return mark_safe(render_to_string("web/partials/nav.html", context))  # noqa: S308 - rendered with autoescape


def _language_options() -> SafeString:
    return mark_safe(  # noqa: S308 - rendered with autoescape
        render_to_string("web/partials/language_options.html", {"LANGUAGE_CODE": get_language()})
    )


# The language, script prefix and URLconf are part of the key: the labels are translated
# and the URLs reversed under them.
@functools.lru_cache(maxsize=1024)
def _cached_navigation(
    names: tuple[str, ...], current: str, language: str, prefix: str, urlconf: str | None
) -> SafeString:
    return _navigation(names, current)


@functools.lru_cache(maxsize=64)
def _cached_language_options(language: str) -> SafeString:
    return _language_options()
