from __future__ import annotations

import csv
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanoinet.core.register.model import ConventionStatus, Declarations, StateEntry, state_to_json
from hanoinet.node.accounts.access import signed_in_user
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import actor_from_request
from hanoinet.node.audit.record import record
from hanoinet.node.register import access, actions, convert
from hanoinet.node.register.countries import is_state_code, state_name
from hanoinet.node.register.describe import node_description
from hanoinet.node.register.forms import RegisterSearchForm, StateForm
from hanoinet.node.register.models import (
    KeyRotation,
    RegisterDocument,
    RegisterImport,
    RegisterState,
)


def _is_admin(request: HttpRequest) -> bool:
    return signed_in_user(request).has_role(Role.NODE_ADMIN)


@require_GET
def register_list_view(request: HttpRequest) -> HttpResponse:
    form = RegisterSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    states = access.search_states(
        actor_from_request(request),
        query=data.get("q", ""),
        language=data.get("language", ""),
        capability=data.get("capability", ""),
    )
    language = get_language() or "en"
    rows = [(state, state_name(state.code, language)) for state in states]
    document = RegisterDocument.objects.order_by("-serial").first()
    template = "register/partials/table.html" if request.htmx else "register/list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "rows": rows,
            "document": document,
            "is_admin": _is_admin(request),
            "secretariat": settings.HANOINET_MODE == "secretariat",
        },
    )


@require_GET
def register_state_view(request: HttpRequest, code: str) -> HttpResponse:
    state = access.get_state(actor_from_request(request), code)
    return render(
        request,
        "register/state.html",
        {
            "state": state,
            "local_name": state_name(state.code, get_language() or "en"),
            "can_edit": settings.HANOINET_MODE == "secretariat" and _is_admin(request),
        },
    )


@require_GET
def register_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = actor_from_request(request)
    states = access.search_states(actor)
    record(actor, "register.export", object_type="register.state", extra={"format": fmt})
    if fmt == "json":
        body = [state_to_json(convert.entry_from_row(state)) for state in states]
        response: HttpResponse = JsonResponse(
            body, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
        response["Content-Disposition"] = 'attachment; filename="hanoinet-register.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hanoinet-register.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "state",
            "name",
            "signed_on",
            "bound_by",
            "bound_on",
            "in_force_on",
            "languages",
            "art42_reservation",
            "interpol_channel",
            "urgent_oral_requests",
            "endpoint",
            "point_of_contact",
            "central_authority",
        ]
    )
    for state in states:
        contacts = {
            kind: "; ".join(
                f"{a.name} {a.phone} {a.email}".strip()
                for a in state.authorities.all()
                if a.kind == kind
            )
            for kind in ("point_of_contact", "central_authority")
        }
        writer.writerow(
            [
                state.code,
                state.name,
                state.signed_on or "",
                state.consent_kind,
                state.consent_on or "",
                state.in_force_on or "",
                " ".join(state.languages),
                state.art42_reservation,
                state.interpol_channel,
                state.urgent_oral_requests,
                state.endpoint,
                contacts["point_of_contact"],
                contacts["central_authority"],
            ]
        )
    return response


@require_GET
def register_history_view(request: HttpRequest) -> HttpResponse:
    if not _is_admin(request):
        raise PermissionDenied
    record(actor_from_request(request), "register.history", object_type="register.document")
    return render(
        request,
        "register/history.html",
        {
            "documents": RegisterDocument.objects.all()[:50],
            "imports": RegisterImport.objects.all()[:50],
            "rotations": KeyRotation.objects.all(),
            "secretariat": settings.HANOINET_MODE == "secretariat",
        },
    )


@require_http_methods(["GET", "POST"])
def register_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """Secretariat: create or edit a State's status, declarations and languages."""
    if settings.HANOINET_MODE != "secretariat" or not _is_admin(request):
        raise PermissionDenied
    code = code.upper()
    if not is_state_code(code):
        raise PermissionDenied
    existing = RegisterState.objects.filter(code=code).first()
    entry = (
        convert.entry_from_row(existing)
        if existing
        else StateEntry(code=code, name=state_name(code, "en"))
    )
    initial = {
        "name": entry.name,
        "signed_on": entry.status.signed_on,
        "consent_kind": entry.status.consent_kind or "",
        "consent_on": entry.status.consent_on,
        "in_force_on": entry.status.in_force_on,
        "languages": ", ".join(entry.languages),
        "art42_reservation": entry.declarations.art42_dual_criminality_reservation,
        "interpol_channel": entry.declarations.interpol_channel,
        "urgent_oral_requests": entry.declarations.urgent_oral_requests,
    }
    form = StateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = replace(
            entry,
            name=data["name"],
            status=ConventionStatus(
                signed_on=data["signed_on"],
                consent_on=data["consent_on"],
                consent_kind=data["consent_kind"] or None,
                in_force_on=data["in_force_on"],
            ),
            declarations=Declarations(
                art42_dual_criminality_reservation=data["art42_reservation"],
                interpol_channel=data["interpol_channel"],
                urgent_oral_requests=data["urgent_oral_requests"],
            ),
            languages=tuple(data["languages"]),
        )
        actions.do_save_state(actor_from_request(request), updated, reason=data["reason"])
        messages.success(request, _("Saved. Publish the register to circulate the change."))
        return redirect("register:state", code=code)
    return render(request, "register/edit.html", {"form": form, "code": code})


@require_POST
def register_publish_view(request: HttpRequest) -> HttpResponse:
    if settings.HANOINET_MODE != "secretariat" or not _is_admin(request):
        raise PermissionDenied
    document = actions.do_publish_register(actor_from_request(request))
    messages.success(
        request,
        _("Register serial %(serial)s published with %(count)s change(s).")
        % {"serial": document.serial, "count": len(document.changes)},
    )
    return redirect("register:history")


@login_not_required
@require_GET
def well_known_register_view(request: HttpRequest) -> HttpResponse:
    """The signed register and the key rotations so far: public, for every node."""
    document = RegisterDocument.objects.order_by("-serial").first()
    if settings.HANOINET_MODE != "secretariat" or document is None:
        return JsonResponse(
            {"type": "about:blank", "title": "No register published here", "status": 404},
            status=404,
            content_type="application/problem+json",
        )
    body = {
        "register": document.token,
        "key_rotations": list(KeyRotation.objects.values_list("token", flat=True)),
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=60"
    return response


@login_not_required
@require_GET
def well_known_node_view(request: HttpRequest) -> HttpResponse:
    """This node's self-description, for the secretariat to enter into the register.

    Unsigned on purpose: the secretariat checks the key fingerprints out of band with
    the State's authorities before publishing them.
    """
    return JsonResponse(node_description())
