from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hanoinet.node.accounts.access import signed_in_user
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.cases.access import cases_for_user
from hanoinet.node.cases.models import Case
from hanoinet.node.oncall.access import pages_for_user
from hanoinet.node.oncall.models import Page

RECENT = 5


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    user = signed_in_user(request)
    context: dict[str, object] = {
        "roles": [Role(role).label for role in sorted(user.role_set())],
        "open_pages": pages_for_user(actor).filter(status=Page.Status.OPEN)[:20],
    }
    if user.works_on_cases:
        cases = cases_for_user(actor)
        context["open_case_count"] = cases.filter(status=Case.Status.OPEN).count()
        context["recent_cases"] = list(cases[:RECENT])
    if user.has_role(Role.AUDITOR):
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        context["audit_today"] = AuditEvent.objects.filter(at__gte=midnight).count()
    return render(request, "web/dashboard.html", context)


@login_not_required
@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers without touching case data."""
    return JsonResponse({"status": "ok"})
