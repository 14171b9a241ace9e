"""The public victim portal: report, get a reference and a secret, come back to follow
the case and add information. No account; works without JavaScript."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.contrib.auth.decorators import login_not_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hanoinet.core.reporting import UPDATE_LABELS, Update
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.victims import access, actions
from hanoinet.node.victims.forms import (
    IDENTIFIER_BOXES,
    AdditionForm,
    ReportForm,
    StatusLoginForm,
)
from hanoinet.node.victims.models import VictimReport

SESSION_KEY = "victim_report"
FIELD_OF_PROBLEM = {"identifiers": "phones", "text": "text"}


def _uploads(files: list[UploadedFile]) -> list[actions.Upload]:
    return [
        actions.Upload(
            name=upload.name or "upload", stream=cast(BinaryIO, upload), size=upload.size or 0
        )
        for upload in files
    ]


def _problem_text(code: str) -> str:
    texts = {
        "missing": _("Please fill this in."),
        "too_long": _("This is too long."),
        "bad_amount": _("Write the amount with digits only, for example 12500000."),
        "bad_currency": _("Give the currency in three letters, for example VND."),
        "no_consent": _("We need your agreement to use the report."),
        "too_many": _("Too many entries."),
    }
    return texts.get(code, code)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_bot:
        # Silent but logged: the bot sees the usual thanks, nothing is stored.
        record(
            actor,
            "victim.report",
            outcome=Outcome.DENIED,
            object_type="victims.report",
            reason="honeypot field filled",
        )
        return render(request, "victims/thanks.html", {"reference": None, "secret": None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = actions.do_submit_report(
                actor,
                actions.ReportInput(
                    category=data["category"],
                    what_happened=data["what_happened"],
                    language=get_language() or "en",
                    happened_on=data["happened_on"],
                    amount=data["amount"],
                    currency=data["currency"],
                    payment=data["payment"],
                    transaction_hash=data["transaction_hash"],
                    contact=data["contact"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    consent=data["consent"],
                    identifiers=form.identifiers(),
                    files=_uploads(data["attachments"]),
                ),
            )
        except actions.ReportError as exc:
            for problem in exc.problems:
                name = FIELD_OF_PROBLEM.get(problem.field, problem.field)
                form.add_error(name if name in form.fields else None, _problem_text(problem.code))
        except actions.UploadError as exc:
            form.add_error("attachments", _("This file was refused: %(why)s") % {"why": exc})
        except actions.FloodError:
            return render(request, "victims/flood.html", status=429)
        else:
            request.session[SESSION_KEY] = str(submitted.report.code)
            return render(
                request,
                "victims/thanks.html",
                {"reference": submitted.report.reference, "secret": submitted.secret},
            )
    boxes = [form[name] for name, _kind, _label in IDENTIFIER_BOXES]
    status = 400 if request.method == "POST" else 200
    return render(request, "victims/report.html", {"form": form, "boxes": boxes}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_login_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    form = StatusLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = access.report_for_victim(
                actor, form.cleaned_data["reference"], form.cleaned_data["secret"]
            )
        except access.LookupThrottledError:
            return render(request, "victims/flood.html", status=429)
        if report is not None:
            request.session.cycle_key()
            request.session[SESSION_KEY] = str(report.code)
            return redirect("victims:status")
        form.add_error(None, _("This reference and secret code do not match a report."))
    return render(request, "victims/status_login.html", {"form": form})


def _status_lines(report: VictimReport) -> list[dict[str, Any]]:
    lines = []
    for update in report.updates.all():
        label = _(UPDATE_LABELS[Update(update.kind)])
        lines.append({"when": update.shared_at, "text": label % {"state": update.state}})
    return lines


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    from hanoinet.node.linking.access import linked_report_count

    actor = actor_from_request(request)
    report = access.report_in_session(actor, request.session.get(SESSION_KEY))
    if report is None:
        return redirect("victims:status_login")
    form = AdditionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_information(
                actor,
                report,
                text=form.cleaned_data["text"],
                identifiers=form.identifiers(),
                files=_uploads(form.cleaned_data["attachments"]),
            )
        except actions.ReportError as exc:
            for problem in exc.problems:
                name = FIELD_OF_PROBLEM.get(problem.field, problem.field)
                form.add_error(name if name in form.fields else None, _problem_text(problem.code))
        except actions.UploadError as exc:
            form.add_error("attachments", _("This file was refused: %(why)s") % {"why": exc})
        else:
            return redirect("victims:status")
    context = {
        "report": report,
        "lines": _status_lines(report),
        "linked": linked_report_count(report),
        "form": form,
        "boxes": [form[name] for name, _kind, _label in IDENTIFIER_BOXES],
    }
    return render(request, "victims/status.html", context)


@login_not_required
@require_http_methods(["POST"])
def status_logout_view(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("victims:report")


@login_not_required
@require_http_methods(["GET"])
def privacy_view(request: HttpRequest) -> HttpResponse:
    return render(request, "victims/privacy.html")
