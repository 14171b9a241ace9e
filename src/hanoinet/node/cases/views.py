from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.cases import access, actions
from hanoinet.node.cases.forms import CaseForm

PAGE_SIZE = 50


@require_http_methods(["GET"])
def case_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    query = request.GET.get("q", "").strip()[:200]
    cases = access.list_cases_for_user(actor, query=query)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "cases/partials/table.html" if request.htmx else "cases/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
def case_new_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if actor.user is None or not actor.user.works_on_cases:
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_open_case(actor, **form.cleaned_data)
        except actions.DuplicateReferenceError:
            form.add_error("reference", _("Your unit already has a case with this reference."))
        else:
            return redirect("cases:detail", code=case.code)
    return render(request, "cases/new.html", {"form": form})


@require_http_methods(["GET"])
def case_detail_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    case = access.get_case_for_user(actor_from_request(request), code)
    return render(request, "cases/detail.html", {"case": case})
