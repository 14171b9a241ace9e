"""Cross-border hit/no-hit pages: ask peers about an identifier, follow the runs, turn a
hit into a draft request; node administrators set what is shared with whom."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hanoinet.core.identifiers import normalise
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.linking import matching
from hanoinet.node.linking.drafting import do_draft_from_reports
from hanoinet.node.linking.forms import REQUEST_KINDS
from hanoinet.node.linking.models import MatchHit, MatchPolicy, MatchSession
from hanoinet.node.register.models import RegisterState
from hanoinet.node.requests.actions import RequestError
from hanoinet.node.victims.actions import default_region
from hanoinet.node.victims.models import ReportedIdentifier

ASKABLE = (
    ("phone", gettext_lazy("Phone number")),
    ("email", gettext_lazy("E-mail address")),
    ("url", gettext_lazy("Website")),
    ("wallet", gettext_lazy("Cryptocurrency wallet")),
    ("iban", gettext_lazy("IBAN")),
    ("social", gettext_lazy("Social media account")),
    ("tx_hash", gettext_lazy("Transaction ID")),
)


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ASKABLE)
    value = forms.CharField(label=gettext_lazy("Identifier"), max_length=512)


class PolicyForm(forms.Form):
    state = forms.CharField(label=gettext_lazy("Peer State (three letters)"), max_length=3)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of identifier shared"),
        choices=[(kind, kind) for kind in matching.SHAREABLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    bulk = forms.BooleanField(
        label=gettext_lazy("Take part in scheduled bulk matching"), required=False
    )
    queries_per_hour = forms.IntegerField(
        label=gettext_lazy("Runs answered per hour"), min_value=1, max_value=10000, initial=60
    )


def _may_match(request: HttpRequest) -> Any:
    actor = actor_from_request(request)
    if actor.user is None or not actor.user.has_role(*matching.MATCH_ROLES):
        raise PermissionDenied
    return actor


@require_http_methods(["GET", "POST"])
def matching_view(request: HttpRequest) -> HttpResponse:
    actor = _may_match(request)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = normalise(
            form.cleaned_data["kind"], form.cleaned_data["value"], default_region=default_region()
        )
        if found.link_key is None:
            problem = found.problem.message if found.problem else _("not a usable identifier")
            form.add_error("value", problem)
        else:
            asked = []
            for policy in MatchPolicy.objects.exclude(kinds=[]):
                try:
                    matching.do_ask(actor, policy.state, mode="query", items=[found.link_key])
                except matching.MatchingActionError:
                    continue  # this kind is not shared with that peer
                asked.append(policy.state)
            if asked:
                messages.success(
                    request,
                    _("Asked %(states)s without revealing the identifier; answers appear below.")
                    % {"states": ", ".join(asked)},
                )
                return redirect("linking:matching")
            form.add_error(None, _("No peer State shares this kind of identifier with this node."))
    record(actor, "match.list", object_type="linking.matchsession")
    context = {
        "form": form,
        "runs": MatchSession.objects.all()[:30],
        "hits": MatchHit.objects.select_related("match")[:100],
        "request_kinds": REQUEST_KINDS,
    }
    return render(request, "linking/matching.html", context)


@require_http_methods(["POST"])
def bulk_view(request: HttpRequest) -> HttpResponse:
    actor = _may_match(request)
    state = request.POST.get("state", "").upper()[:3]
    try:
        matching.do_ask(actor, state, mode="bulk")
    except matching.MatchingActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("A bulk match with %(state)s was started.") % {"state": state})
    return redirect("linking:matching")


@require_http_methods(["POST"])
def hit_draft_view(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    actor = _may_match(request)
    hit = MatchHit.objects.filter(code=code).first()
    if hit is None:
        record(
            actor,
            "match.hit.read",
            outcome=Outcome.DENIED,
            object_type="linking.matchhit",
            object_id=str(code),
            reason="missing",
        )
        raise Http404
    kind = request.POST.get("kind", "police_cooperation")
    report_ids = list(
        ReportedIdentifier.objects.filter(link_key=hit.link_key)
        .values_list("report_id", flat=True)
        .distinct()
    )
    try:
        draft = do_draft_from_reports(
            actor,
            kind=kind,
            counterpart=hit.peer,
            report_ids=report_ids,
            only_keys={hit.link_key},
            note=f"{hit.peer} holds this identifier too (hit of {hit.found_at:%Y-%m-%d}).",
        )
    except (RequestError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("linking:matching")
    except Http404:
        messages.error(request, _("Your roles do not allow drafting this kind of request."))
        return redirect("linking:matching")
    messages.success(request, _("A draft request to %(state)s was prepared.") % {"state": hit.peer})
    return redirect("requests:detail", code=draft.code)


@require_http_methods(["GET", "POST"])
def policy_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if actor.user is None or not actor.user.has_role(Role.NODE_ADMIN):
        raise PermissionDenied
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matching.do_set_policy(actor, **form.cleaned_data)
        except matching.MatchingActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("linking:policy")
    peers = RegisterState.objects.exclude(code=settings.HANOINET_STATE).values_list(
        "code", flat=True
    )
    context = {"form": form, "policies": MatchPolicy.objects.all(), "peers": list(peers)}
    return render(request, "linking/policy.html", context)
