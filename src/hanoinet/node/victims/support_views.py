"""Victim support's screens (Art. 34): the triage queue, a report with its contact
details, notes, protection and referral measures, and what is shared with the victim."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanoinet.core.reporting import UPDATE_LABELS, Update
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.victims import access, actions
from hanoinet.node.victims.forms import NoteForm, ShareForm, TriageForm
from hanoinet.node.victims.models import VictimReport

PAGE_SIZE = 50


@require_http_methods(["GET"])
def queue_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_read_reports(actor):
        raise PermissionDenied
    triage = request.GET.get("triage", "new")
    query = request.GET.get("q", "").strip()[:200]
    reports = access.list_reports_for_user(actor, triage=triage, query=query)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "victims/queue.html",
        {
            "page": page,
            "triage": triage,
            "query": query,
            "triages": VictimReport.Triage.choices,
        },
    )


@require_http_methods(["GET"])
def detail_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    from hanoinet.node.linking.access import cluster_of_report

    actor = actor_from_request(request)
    report = access.get_report_for_user(actor, code)
    updates = [
        {
            "when": update.shared_at,
            "text": _(UPDATE_LABELS[Update(update.kind)]) % {"state": update.state},
            "by": update.shared_by,
        }
        for update in report.updates.select_related("shared_by")
    ]
    context = {
        "report": report,
        "identifiers": report.identifiers.all(),
        "files": report.files.select_related("item"),
        "additions": report.additions.all(),
        "notes": report.notes.select_related("author"),
        "updates": updates,
        "cluster": cluster_of_report(report),
        "note_form": NoteForm(),
        "triage_form": TriageForm(initial={"triage": report.triage}),
        "share_form": ShareForm(),
        "may_support": actor.user is not None and actor.user.has_role(*actions.SUPPORT_ROLES),
    }
    return render(request, "victims/detail.html", context)


@require_http_methods(["POST"])
def note_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    report = access.get_report_for_user(actor, code)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.do_add_note(actor, report, **form.cleaned_data)
        messages.success(request, _("The note was added."))
    else:
        messages.error(request, _("The note was not added: write something."))
    return redirect("victims:detail", code=report.code)


@require_http_methods(["POST"])
def triage_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    report = access.get_report_for_user(actor, code)
    form = TriageForm(request.POST)
    if form.is_valid():
        actions.do_set_triage(actor, report, form.cleaned_data["triage"])
        messages.success(request, _("The triage was changed."))
    else:
        messages.error(request, _("Unknown triage value."))
    return redirect("victims:detail", code=report.code)


@require_http_methods(["POST"])
def share_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    report = access.get_report_for_user(actor, code)
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to tell the victim."))
    else:
        try:
            actions.do_share_update(actor, [report], **form.cleaned_data)
        except ValueError:
            messages.error(request, _("This update names a State: give its three-letter code."))
        else:
            messages.success(request, _("The victim can now see this on their status page."))
    return redirect("victims:detail", code=report.code)
