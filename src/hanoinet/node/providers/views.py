"""Provider portal pages: the provider's orders, acknowledging and answering one; the
officer's orders on a request and the overview of every order."""

from __future__ import annotations

from typing import BinaryIO, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.audit.record import record
from hanoinet.node.providers import access, actions
from hanoinet.node.providers.forms import OrderForm, ResponseForm
from hanoinet.node.requests.access import get_request

PAGE_SIZE = 200


def _officer(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if not access.may_order(actor):
        raise PermissionDenied
    return actor


def uploads(files: list[UploadedFile]) -> list[actions.Upload]:
    return [
        actions.Upload(
            name=upload.name or "upload", stream=cast(BinaryIO, upload), size=upload.size or 0
        )
        for upload in files
    ]


@require_GET
def order_list_view(request: HttpRequest) -> HttpResponse:
    """The provider's orders: open ones first, soonest deadline first."""
    actor = actor_from_request(request)
    provider = access.provider_of(actor)
    if provider is None:
        raise PermissionDenied
    orders = list(access.orders_for_provider(actor)[:PAGE_SIZE])
    record(actor, "provider.order.list", provider, extra={"shown": len(orders)})
    return render(
        request,
        "providers/orders.html",
        {"provider": provider, "orders": orders, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def order_view(request: HttpRequest, code: str) -> HttpResponse:
    """One order as the provider sees it: what, by when, on which legal basis; the
    acknowledgement and the response."""
    actor = actor_from_request(request)
    order = access.get_order_for_provider(actor, code)
    step = request.POST.get("action", "") if request.method == "POST" else ""
    form = ResponseForm(request.POST or None, request.FILES or None) if step == "respond" else None
    if step == "acknowledge":
        try:
            actions.do_acknowledge_order(actor, order)
        except actions.OrderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The order is acknowledged."))
        return redirect("providers:order", code=order.code)
    if form is not None and form.is_valid():
        try:
            actions.do_respond(
                actor,
                order,
                statement=form.cleaned_data["statement"],
                files=uploads(form.cleaned_data["attachments"]),
            )
        except actions.OrderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your response is received; its files are stored as evidence.")
            )
            return redirect("providers:order", code=order.code)
    responses = order.responses.prefetch_related("items")
    return render(
        request,
        "providers/order.html",
        {
            "order": order,
            "responses": responses,
            "form": form or ResponseForm(),
            "issuer": getattr(order.created_by, "unit", None),
        },
    )


@require_GET
def overview_view(request: HttpRequest) -> HttpResponse:
    """Every order of the requests this officer may see, open ones first."""
    actor = _officer(request)
    orders = list(access.orders_for_officer(actor)[:PAGE_SIZE])
    record(actor, "provider.order.list", object_type="providers.providerorder")
    return render(
        request,
        "providers/overview.html",
        {"orders": orders, "providers": access.providers(), "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def request_orders_view(request: HttpRequest, code: str) -> HttpResponse:
    """The orders on one request, their responses, and ordering a provider."""
    actor = _officer(request)
    row = get_request(actor, code)
    kinds = actions.order_kinds(row)
    initial = {}
    if kinds:
        initial = {
            "kind": kinds[0],
            "what": actions.prefill(row, kinds[0]),
            "due_at": actions.default_due(row, kinds[0]),
        }
    form = OrderForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_order_provider(
                actor,
                row,
                provider=data["provider"],
                kind=data["kind"],
                what=data["what"],
                due_at=data["due_at"],
                instructions=data["instructions"],
            )
        except actions.OrderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The order is sent to %(provider)s.") % {"provider": data["provider"].name},
            )
            return redirect("providers:request", code=row.code)
    return render(
        request,
        "providers/request.html",
        {
            "row": row,
            "orders": access.orders_of_request(row),
            "form": form,
            "kinds": kinds,
            "has_providers": access.providers().exists(),
        },
    )
