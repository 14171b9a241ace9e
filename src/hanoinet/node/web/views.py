from __future__ import annotations

from datetime import timedelta

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
from hanoinet.node.requests.access import kinds_for, visible_requests

RECENT = 5
# Preservations ending within this many days are shown on the dashboard.
PRESERVATION_WARNING_DAYS = 14


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
    if kinds_for(user):
        soon = timezone.now() + timedelta(days=PRESERVATION_WARNING_DAYS)
        preservations = visible_requests(actor).filter(kind="preservation")
        context["preservations_ending"] = list(
            preservations.filter(
                preserved_until__gt=timezone.now(), preserved_until__lte=soon
            ).order_by("preserved_until")[:20]
        )
        context["preservations_held"] = preservations.filter(held_pending_mla=True).count()
        context["incoming_open"] = (
            visible_requests(actor)
            .filter(direction="incoming", status__in=["delivered", "acknowledged", "in_progress"])
            .count()
        )
    if user.has_role(Role.AUDITOR):
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        context["audit_today"] = AuditEvent.objects.filter(at__gte=midnight).count()
    return render(request, "web/dashboard.html", context)


@login_not_required
@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers without touching case data."""
    return JsonResponse({"status": "ok"})
