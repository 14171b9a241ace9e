"""Every change to provider orders: registering a provider, ordering it to preserve or
produce data, its acknowledgement and its response (files taken in as evidence, each
with its custody events). Each is audited and shown on the request's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.lifecycle import Side, Status
from hanoinet.core.convention.limits import preservation_term
from hanoinet.core.reporting import sniff_media_type
from hanoinet.node.accounts.actions import do_create_unit
from hanoinet.node.accounts.models import Unit
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.evidence.actions import ItemError, do_ingest_item
from hanoinet.node.providers.access import may_order, provider_of
from hanoinet.node.providers.models import ProviderOrder, ProviderResponse, ServiceProvider
from hanoinet.node.requests.access import visible_requests
from hanoinet.node.requests.models import CooperationRequest, RequestEvent

Kind = ProviderOrder.Kind

# What a provider may be ordered to do while executing each kind of request: preserve
# (Art. 42), produce stored or traffic data (Art. 43, 44), both for general MLA (Art. 40)
# and emergencies (Art. 41). Real-time collection and interception are not provider
# portal work.
ORDER_KINDS: dict[str, tuple[str, ...]] = {
    "preservation": (Kind.PRESERVE,),
    "traffic_disclosure": (Kind.PRODUCE,),
    "stored_data": (Kind.PRODUCE, Kind.PRESERVE),
    "mla": (Kind.PRODUCE, Kind.PRESERVE),
    "emergency": (Kind.PRESERVE, Kind.PRODUCE),
}
# The request's elements that say what data is sought, in order of preference.
WHAT_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.PRESERVE: ("data_to_preserve", "data_sought", "assistance_sought"),
    Kind.PRODUCE: ("data_sought", "communication", "assistance_sought", "data_to_preserve"),
}
ENDED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.CLOSED})
PRODUCTION_DAYS = 14
EMERGENCY_HOURS = 24
MAX_ORDER_DAYS = 366
MAX_WHAT = 10000
MAX_STATEMENT = 20000
MAX_FILES = 20
SNIFF_BYTES = 512
# Archives of exported records, besides the pictures, PDF and text the victim portal takes.
ARCHIVE_MAGIC = ((b"PK\x03\x04", "application/zip"), (b"\x1f\x8b", "application/gzip"))
PORTAL_METHOD = "uploaded by the provider through the provider portal"


class OrderError(ValueError):
    """The order or response cannot be taken as it is; the message says why."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    stream: BinaryIO
    size: int


def _on_thread(actor: Actor, order: ProviderOrder, event: str, details: dict[str, Any]) -> None:
    """A step on the request's own timeline (this node's copy only: it is not sent)."""
    request = order.request
    RequestEvent.objects.create(
        request=request,
        event=event,
        side=Side.REQUESTED,
        status_before=request.status,
        status_after=request.status,
        actor_label=actor.label[:150],
        details={
            "order": str(order.code),
            "provider": order.provider.name,
            "kind": order.kind,
            "text": f"{order.provider.name}: {order.get_kind_display()}",
            **details,
        },
    )


@transaction.atomic
def do_register_provider(
    actor: Actor, *, name: str, country: str, contact: str = ""
) -> ServiceProvider:
    """A provider and the unit its liaison officers join."""
    name, country = name.strip(), country.strip().upper()
    if not name or len(name) > 200:
        raise OrderError("the provider's name is required (at most 200 characters)")
    if len(country) != 3 or not country.isalpha():
        raise OrderError("the country is three letters (ISO 3166 alpha-3), e.g. VNM")
    if Unit.objects.filter(name=name).exists():
        raise OrderError(f"a unit or provider named {name!r} exists already")
    unit = do_create_unit(actor, name, Unit.Kind.SERVICE_PROVIDER)
    provider = ServiceProvider.objects.create(
        name=name, country=country, contact=contact.strip()[:2000], unit=unit
    )
    record(actor, "provider.register", provider, extra={"name": name, "country": country})
    return provider


def prefill(request: CooperationRequest, kind: str) -> str:
    """The data sought, as the request states it: what the officer starts the order from."""
    fields = request.fields
    sought = next((fields[n] for n in WHAT_FIELDS.get(kind, ()) if fields.get(n)), "")
    lines = [str(sought).strip()] if sought else []
    for name in ("data_categories", "time_period"):
        if fields.get(name):
            lines.append(str(fields[name]).strip())
    identifiers = [i for i in fields.get("identifiers") or [] if isinstance(i, dict)]
    if identifiers:
        lines.append("Identifiers:")
        for item in identifiers:
            extra = ", ".join(f"{key} {item[key]}" for key in ("port", "at") if item.get(key))
            lines.append(
                f"- {item.get('kind', '')}: {item.get('value', '')}"
                + (f" ({extra})" if extra else "")
            )
    return "\n".join(lines)[:MAX_WHAT]


def default_due(request: CooperationRequest, kind: str, now: datetime | None = None) -> datetime:
    """Preservation lasts the request's term (Art. 42: at least 60 days); production is
    due in two weeks, or in a day for an emergency."""
    now = now or timezone.now()
    if kind == Kind.PRESERVE:
        if request.preserved_until is not None and request.preserved_until > now:
            return request.preserved_until
        days = request.fields.get("preservation_days")
        term = preservation_term(
            now,
            days if isinstance(days, int) and not isinstance(days, bool) else None,
            settings.HANOINET_PRESERVATION_MIN_DAYS,
        )
        if term.preserved_until is not None:
            return term.preserved_until
    if request.urgency == "emergency":
        return now + timedelta(hours=EMERGENCY_HOURS)
    return now + timedelta(days=PRODUCTION_DAYS)


def order_kinds(request: CooperationRequest) -> tuple[str, ...]:
    if request.direction != CooperationRequest.Direction.INCOMING or request.status in ENDED:
        return ()
    return ORDER_KINDS.get(request.kind, ())


def do_order_provider(
    actor: Actor,
    request: CooperationRequest,
    *,
    provider: ServiceProvider,
    kind: str,
    what: str,
    due_at: datetime,
    instructions: str = "",
) -> ProviderOrder:
    """Order a provider to preserve or produce data for an incoming request.

    The checks come before the transaction so that a refusal stays on the audit trail."""
    if not may_order(actor) or not visible_requests(actor).filter(pk=request.pk).exists():
        record(
            actor,
            "provider.order",
            outcome=Outcome.DENIED,
            object_type="requests.cooperationrequest",
            object_id=str(request.code),
            reason="the request is not this officer's to execute",
        )
        raise Http404("no such request")
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise OrderError("providers are ordered while executing a request we received")
    if request.status in ENDED:
        raise OrderError(f"the request is {request.status}: nothing is to be executed")
    allowed = ORDER_KINDS.get(request.kind, ())
    if kind not in allowed:
        raise OrderError(
            f"a {request.kind} request does not lead to a {kind or 'blank'} order"
            + (f"; possible: {', '.join(allowed)}" if allowed else "")
        )
    what = what.strip()
    if not what:
        raise OrderError("say which data the provider is to preserve or produce")
    if len(what) > MAX_WHAT:
        raise OrderError(f"the data sought is at most {MAX_WHAT} characters")
    now = timezone.now()
    if due_at.tzinfo is None:
        raise OrderError("the deadline must carry a time zone")
    if due_at <= now:
        raise OrderError("the deadline is in the past")
    if due_at > now + timedelta(days=MAX_ORDER_DAYS):
        raise OrderError(f"the deadline is at most {MAX_ORDER_DAYS} days ahead")
    with transaction.atomic():
        return _create_order(
            actor,
            request,
            provider=provider,
            kind=kind,
            what=what,
            due_at=due_at,
            instructions=instructions,
        )


def _create_order(
    actor: Actor,
    request: CooperationRequest,
    *,
    provider: ServiceProvider,
    kind: str,
    what: str,
    due_at: datetime,
    instructions: str,
) -> ProviderOrder:
    order = ProviderOrder.objects.create(
        provider=provider,
        request=request,
        kind=kind,
        what=what,
        instructions=instructions.strip()[:5000],
        article=KINDS[request.kind].article,
        due_at=due_at,
        created_by=actor.user,
    )
    _on_thread(actor, order, "provider_ordered", {"due_at": due_at.isoformat()})
    record(
        actor,
        "provider.order",
        order,
        extra={"request": str(request.code), "provider": str(provider.code), "kind": kind},
    )
    return order


def _speaks_for(actor: Actor, order: ProviderOrder) -> None:
    provider = provider_of(actor)
    if provider is None or provider.pk != order.provider_id:
        raise Http404("no such order")


@transaction.atomic
def do_acknowledge_order(actor: Actor, order: ProviderOrder) -> ProviderOrder:
    """The provider says it has the order."""
    _speaks_for(actor, order)
    order = ProviderOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != ProviderOrder.Status.SENT:
        raise OrderError("this order was acknowledged or answered already")
    order.status = ProviderOrder.Status.ACKNOWLEDGED
    order.acknowledged_at = timezone.now()
    order.save(update_fields=["status", "acknowledged_at"])
    _on_thread(actor, order, "provider_acknowledged", {})
    record(actor, "provider.acknowledge", order)
    return order


def accepted_type(head: bytes) -> str | None:
    """The media type of a response file from its first bytes, or None if refused:
    pictures, PDF, text (CSV, JSON, logs, e-mail), ZIP and gzip archives."""
    for magic, media_type in ARCHIVE_MAGIC:
        if head.startswith(magic):
            return media_type
    return sniff_media_type(head)


def check_uploads(files: list[Upload]) -> list[str]:
    """The media type of each file, or OrderError naming the file at fault."""
    if len(files) > MAX_FILES:
        raise OrderError(f"at most {MAX_FILES} files in one response")
    limit = settings.HANOINET_PROVIDER_MAX_FILE_BYTES
    types = []
    for upload in files:
        if upload.size > limit:
            raise OrderError(f"{upload.name}: larger than the limit of {limit} bytes")
        if upload.size == 0:
            raise OrderError(f"{upload.name}: the file is empty")
        head = upload.stream.read(SNIFF_BYTES)
        upload.stream.seek(0)
        media_type = accepted_type(head)
        if media_type is None:
            raise OrderError(
                f"{upload.name}: not a picture, PDF, text, ZIP or gzip file (send exports"
                " as CSV, JSON or text, or packed in a ZIP archive)"
            )
        types.append(media_type)
    return types


def do_respond(
    actor: Actor, order: ProviderOrder, *, statement: str, files: list[Upload]
) -> ProviderResponse:
    """The provider's response: its statement, and each file taken into the evidence
    store (encrypted, with its custody events: acquired, hashed, sealed)."""
    _speaks_for(actor, order)
    statement = statement.strip()
    if not statement:
        raise OrderError(
            "write a statement: what was preserved or produced, or why nothing could be"
        )
    if len(statement) > MAX_STATEMENT:
        raise OrderError(f"the statement is at most {MAX_STATEMENT} characters")
    types = check_uploads(files)
    provider = order.provider
    who = f"{provider.name} ({actor.label})"[:150]
    try:
        with transaction.atomic():
            order = ProviderOrder.objects.select_for_update().get(pk=order.pk)
            response = ProviderResponse.objects.create(
                order=order, statement=statement, submitted_by=actor.user
            )
            case = order.request.case
            for upload, media_type in zip(files, types, strict=True):
                item = do_ingest_item(
                    actor,
                    upload.stream,
                    filename=upload.name[:255] or "upload",
                    description=(
                        f"Response of {provider.name} to the order to {order.kind} {order.code}"
                    ),
                    source_kind="provider_response",
                    acquired_by=who,
                    method=PORTAL_METHOD,
                    tool="hanoinet provider portal",
                    media_type=media_type,
                )
                if case is not None:
                    item.case = case
                    item.save(update_fields=["case"])
                response.items.add(item)
            order.status = ProviderOrder.Status.ANSWERED
            order.answered_at = response.submitted_at
            order.save(update_fields=["status", "answered_at"])
            _on_thread(actor, order, "provider_responded", {"files": len(files)})
            record(actor, "provider.respond", order, extra={"files": len(files)})
    except ItemError as exc:
        # Rolled back: no response, no item. A sealed object already written stays in the
        # content-addressed store unreferenced, as after any failed ingest.
        record(
            actor,
            "provider.respond",
            order,
            outcome=Outcome.FAILED,
            reason=f"{exc.code}: {exc}"[:500],
        )
        raise OrderError(f"a file could not be stored: {exc}") from None
    return response
