from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanoinet.node.accounts.access import signed_in_user
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.oncall import access, actions
from hanoinet.node.oncall.forms import ShiftForm
from hanoinet.node.oncall.models import Page


@require_http_methods(["GET", "POST"])
def oncall_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    user = signed_in_user(request)
    if user.unit is None:
        raise PermissionDenied
    form = ShiftForm(request.POST or None, unit=user.unit)
    if request.method == "POST" and form.is_valid():
        actions.do_add_shift(actor, user.unit, **form.cleaned_data)
        messages.success(request, _("Shift added."))
        return redirect("oncall:home")
    now = timezone.now()
    shifts = access.shifts_for_user(actor).filter(ends_at__gt=now)[:50]
    pages = access.pages_for_user(actor)
    return render(
        request,
        "oncall/home.html",
        {
            "form": form,
            "shifts": shifts,
            "open_pages": pages.filter(status=Page.Status.OPEN),
            "recent_pages": pages.exclude(status=Page.Status.OPEN)[:20],
            "now": now,
        },
    )


@require_GET
def page_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    page = access.get_page_for_user(actor_from_request(request), code)
    return render(
        request,
        "oncall/page.html",
        {"page": page, "deliveries": page.deliveries.select_related("recipient")},
    )


@require_POST
def acknowledge_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    page = access.get_page_for_user(actor, code)
    page = actions.do_acknowledge_page(actor, page)
    if page.acknowledged_by_id == signed_in_user(request).pk:
        messages.success(request, _("Acknowledged. Escalation stopped."))
    else:
        messages.error(request, _("This page was already handled."))
    return redirect(page.link or "oncall:home")


@require_GET
def open_pages_fragment(request: HttpRequest) -> HttpResponse:
    """Polled by the dashboard (htmx) so a new page shows without reloading."""
    pages = access.pages_for_user(actor_from_request(request)).filter(status=Page.Status.OPEN)
    return render(request, "oncall/partials/open_pages.html", {"open_pages": pages[:20]})
