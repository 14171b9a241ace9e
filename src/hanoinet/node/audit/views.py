from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hanoinet.node.audit.access import search_events_for_user
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.forms import AuditFilterForm

PAGE_SIZE = 100


@require_GET
def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = search_events_for_user(actor_from_request(request), **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/partials/table.html" if request.htmx else "audit/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page})
