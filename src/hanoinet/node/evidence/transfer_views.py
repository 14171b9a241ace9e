"""The evidence on a request's thread: bundles sent and received, and sending one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.evidence import access
from hanoinet.node.evidence.actions import ItemError
from hanoinet.node.evidence.models import Transfer
from hanoinet.node.evidence.transfer import do_send_evidence
from hanoinet.node.requests.access import get_request

MAX_CHOICES = 100


@require_http_methods(["GET", "POST"])
def request_evidence_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_handle_evidence(actor):
        raise PermissionDenied
    thread = get_request(actor, code)
    recent = timezone.now() - timedelta(days=30)
    # Items of the request's case, and those this officer took in lately.
    choices = access.items(actor).filter(
        Q(case_id=thread.case_id, case__isnull=False)
        | Q(created_by=actor.user, created_at__gte=recent)
    )[:MAX_CHOICES]
    if request.method == "POST":
        wanted = request.POST.getlist("items")
        chosen = [item for item in choices if str(item.code) in wanted]
        try:
            if not chosen:
                raise ItemError("choose at least one item")
            do_send_evidence(actor, thread, chosen, request.POST.get("reason", ""))
        except ItemError as exc:
            messages.error(request, _("Not sent: %(why)s") % {"why": exc})
        else:
            messages.success(
                request,
                _("The bundle was offered to %(state)s; its node fetches and verifies it.")
                % {"state": thread.counterpart},
            )
        return redirect("evidence:request", code=thread.code)
    transfers = Transfer.objects.filter(request=thread).select_related("bundle_item")
    context = {"thread": thread, "transfers": transfers, "choices": choices}
    return render(request, "evidence/request.html", context)
