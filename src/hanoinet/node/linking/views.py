"""Analysts' screens: clusters with their picture, merge and split with reasons, flagged
identifiers, the warning list, promote to a case, draft a request, tell the victims."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.cases.actions import DuplicateReferenceError
from hanoinet.node.linking import access, actions, drafting
from hanoinet.node.linking.forms import DraftForm, MergeForm, PromoteForm, SplitForm, WarningForm
from hanoinet.node.linking.models import Cluster, FlaggedIdentifier, WarningEntry
from hanoinet.node.linking.picture import draw
from hanoinet.node.requests.actions import RequestError
from hanoinet.node.victims.actions import do_share_update
from hanoinet.node.victims.forms import ShareForm
from hanoinet.node.victims.models import ReportedIdentifier, VictimReport

PAGE_SIZE = 50
FormT = TypeVar("FormT", bound=forms.Form)


@require_http_methods(["GET"])
def cluster_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_analyse(actor):
        raise PermissionDenied
    clusters = access.clusters_for_user(actor).order_by("-size", "-updated_at")
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    flagged = FlaggedIdentifier.objects.filter(vetted_at__isnull=True).count()
    return render(request, "linking/clusters.html", {"page": page, "flagged": flagged})


@require_http_methods(["GET"])
def cluster_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    cluster = access.get_cluster_for_user(actor, code)
    reports = list(
        VictimReport.objects.filter(membership__cluster=cluster).order_by("submitted_at")
    )
    ids = [report.pk for report in reports]
    reference_of = {report.pk: report.reference for report in reports}
    holdings = [
        (reference_of[report_id], key)
        for report_id, key in ReportedIdentifier.objects.filter(report_id__in=ids)
        .exclude(link_key="")
        .values_list("report_id", "link_key")
        .distinct()
    ]
    listed = actions.warning_list()
    shared = [
        (key, count, listed.matches(key)) for key, count in actions.shared_identifiers(cluster)
    ]
    context = {
        "cluster": cluster,
        "reports": reports,
        "shared": shared,
        "picture": draw([report.reference for report in reports], holdings),
        "decisions": cluster.decisions.select_related("actor"),
        "merge_form": MergeForm(),
        "split_form": SplitForm(),
        "promote_form": PromoteForm(),
        "draft_form": DraftForm(),
        "share_form": ShareForm(),
    }
    return render(request, "linking/cluster.html", context)


def _cluster_post(
    request: HttpRequest, code: uuid.UUID, form_class: type[FormT], problem: str
) -> tuple[Actor, Cluster, FormT | None]:
    """The cluster an analyst acts on and the posted form; None (and a message) if the
    form is wrong, so the view goes back to the cluster."""
    actor = actor_from_request(request)
    cluster = access.get_cluster_for_user(actor, code)
    form = form_class(request.POST)
    if form.is_valid():
        return actor, cluster, form
    messages.error(request, problem)
    return actor, cluster, None


def _back(cluster: Cluster) -> HttpResponse:
    return redirect("linking:cluster", code=cluster.code)


@require_http_methods(["POST"])
def merge_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor, cluster, form = _cluster_post(
        request, code, MergeForm, _("Give the other cluster's code and a reason.")
    )
    if form is None:
        return _back(cluster)
    try:
        other = access.get_cluster_for_user(actor, form.cleaned_data["other"])
        survivor = actions.do_merge_clusters(
            actor, cluster, other, reason=form.cleaned_data["reason"]
        )
    except Http404:
        messages.error(request, _("There is no cluster with this code."))
        return _back(cluster)
    except actions.LinkingActionError as exc:
        messages.error(request, str(exc))
        return _back(cluster)
    messages.success(request, _("The clusters were merged."))
    return redirect("linking:cluster", code=survivor.code)


@require_http_methods(["POST"])
def split_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = actor_from_request(request)
    cluster = access.get_cluster_for_user(actor, code)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the identifier and give a reason."))
    else:
        try:
            parts = actions.do_split_on_identifier(
                actor, cluster, form.cleaned_data["link_key"], reason=form.cleaned_data["reason"]
            )
        except actions.LinkingActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The identifier no longer links; the reports now form %(n)d cluster(s).")
                % {"n": parts},
            )
    return _back(cluster)


@require_http_methods(["POST"])
def promote_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor, cluster, form = _cluster_post(
        request, code, PromoteForm, _("Give the case a reference and a title.")
    )
    if form is None:
        return _back(cluster)
    try:
        case = actions.do_promote_to_case(actor, cluster, **form.cleaned_data)
    except (actions.LinkingActionError, DuplicateReferenceError, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("The case could not be opened."))
        return _back(cluster)
    messages.success(request, _("A case was opened from the cluster."))
    return redirect("cases:detail", code=case.code)


@require_http_methods(["POST"])
def draft_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor, cluster, form = _cluster_post(
        request, code, DraftForm, _("Choose the kind of request and the requested State.")
    )
    if form is None:
        return _back(cluster)
    report_ids = list(
        VictimReport.objects.filter(membership__cluster=cluster).values_list("pk", flat=True)
    )
    try:
        draft = drafting.do_draft_from_reports(
            actor,
            kind=form.cleaned_data["kind"],
            counterpart=form.cleaned_data["counterpart"],
            report_ids=report_ids,
            cluster=cluster,
        )
    except (RequestError, ValueError) as exc:
        messages.error(request, str(exc))
        return _back(cluster)
    except Http404:
        messages.error(request, _("Your roles do not allow drafting this kind of request."))
        return _back(cluster)
    messages.success(request, _("A draft request was prepared from the cluster; complete it."))
    return redirect("requests:detail", code=draft.code)


@require_http_methods(["POST"])
def share_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor, cluster, form = _cluster_post(
        request, code, ShareForm, _("Choose what to tell the victims.")
    )
    if form is None:
        return _back(cluster)
    reports = list(VictimReport.objects.filter(membership__cluster=cluster))
    try:
        told = do_share_update(actor, reports, **form.cleaned_data)
    except ValueError:
        messages.error(request, _("This update names a State: give its three-letter code."))
    else:
        messages.success(request, _("%(n)d victim(s) can now see this update.") % {"n": told})
    return _back(cluster)


@require_http_methods(["GET", "POST"])
def flagged_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_analyse(actor):
        raise PermissionDenied
    if request.method == "POST":
        flagged = access.flagged_for_user(actor).filter(link_key=request.POST.get("link_key", ""))
        item = flagged.first()
        if item is None:
            messages.error(request, _("This identifier is not flagged."))
        else:
            actions.do_vet_identifier(actor, item)
            messages.success(
                request, _("The identifier links again; rebuild to apply it to old reports.")
            )
        return redirect("linking:flagged")
    items = access.flagged_for_user(actor)
    return render(request, "linking/flagged.html", {"items": items})


@require_http_methods(["GET", "POST"])
def warning_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not access.may_analyse(actor):
        raise PermissionDenied
    form = WarningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_warning(actor, **form.cleaned_data)
        except actions.LinkingActionError as exc:
            form.add_error("pattern", str(exc))
        else:
            messages.success(request, _("Added to the warning list; it links nothing from now on."))
            return redirect("linking:warning_list")
    entries = WarningEntry.objects.select_related("added_by")
    return render(request, "linking/warning_list.html", {"form": form, "entries": entries})
