"""Changing cooperation requests: drafting, sending, and every status change.

A change made here is applied to this node's copy and, in the same transaction, queued
as a signed message to the other State's node, which applies it to its copy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hanoinet.core.convention import KINDS, MODEL_VERSION, Problem, validate
from hanoinet.core.convention.lifecycle import (
    Event,
    Facts,
    IllegalTransitionError,
    Side,
    Status,
    TransitionRefusedError,
    allowed_events,
    apply,
    legal_target,
    requirements,
)
from hanoinet.core.convention.limits import preservation_term
from hanoinet.core.convention.offences import Modifier, Offence, OffenceCode
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.register.models import RegisterState
from hanoinet.node.requests.access import may_handle
from hanoinet.node.requests.models import CooperationRequest, RequestEvent

SUBMIT_TYPE = "request.submit"
STATUS_TYPE = "request.status"


class RequestError(ValueError):
    """The change cannot be made; ``problems`` name the elements and articles."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def side_of(request: CooperationRequest) -> Side:
    return (
        Side.REQUESTING
        if request.direction == CooperationRequest.Direction.OUTGOING
        else Side.REQUESTED
    )


def offences_of(fields: dict[str, Any]) -> list[Offence]:
    result = []
    for item in fields.get("offences") or []:
        if isinstance(item, dict) and item.get("code") in set(OffenceCode):
            years = item.get("max_penalty_years")
            result.append(
                Offence(
                    OffenceCode(item["code"]),
                    str(item.get("provision", "")),
                    float(years)
                    if isinstance(years, int | float) and not isinstance(years, bool)
                    else None,
                    tuple(Modifier(m) for m in item.get("modifiers", []) if m in set(Modifier)),
                )
            )
    return result


def _event(  # noqa: PLR0917 - one timeline row
    request: CooperationRequest,
    event: str,
    side: Side,
    before: str,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    RequestEvent.objects.create(
        request=request,
        event=event,
        side=side,
        status_before=before,
        status_after=request.status,
        actor_label=actor.label[:150],
        details=details,
    )


@transaction.atomic
def do_draft_request(
    actor: Actor,
    *,
    kind: str,
    counterpart: str,
    fields: dict[str, Any],
    reference: str = "",
    urgency: str = "routine",
) -> CooperationRequest:
    if kind not in KINDS:
        raise RequestError(f"unknown request kind {kind!r}")
    if not may_handle(actor.user, kind):
        raise Http404
    counterpart = counterpart.upper()
    if counterpart == "" or not RegisterState.objects.filter(code=counterpart).exists():
        raise RequestError(
            f"{counterpart or 'the requested State'} is not in the register in force"
        )
    if urgency not in ("routine", "urgent", "emergency"):
        raise RequestError("urgency must be routine, urgent or emergency")
    user = actor.user
    request = CooperationRequest.objects.create(
        direction=CooperationRequest.Direction.OUTGOING,
        kind=kind,
        counterpart=counterpart,
        status=Status.DRAFT,
        fields=fields,
        urgency=urgency,
        reference=reference[:100],
        model_version=MODEL_VERSION,
        unit=user.unit if user else None,
        created_by=user,
    )
    request.thread_id = str(request.code)
    request.save(update_fields=["thread_id"])
    _event(request, "draft", Side.REQUESTING, "", actor, {"problems": len(validate(kind, fields))})
    record(actor, "request.draft", request, extra={"kind": kind, "to": counterpart})
    return request


@transaction.atomic
def do_update_draft(
    actor: Actor, request: CooperationRequest, fields: dict[str, Any]
) -> CooperationRequest:
    if request.direction != CooperationRequest.Direction.OUTGOING or request.status != Status.DRAFT:
        raise RequestError("only a draft can be edited")
    if not may_handle(actor.user, request.kind):
        raise Http404
    request.fields, request.updated_at = fields, timezone.now()
    request.save(update_fields=["fields", "updated_at"])
    record(actor, "request.update_draft", request)
    return request


# Kinds whose formal follow-up is tracked: the emergency request (Art. 41) and the
# preservation that a mutual legal assistance request must follow (Art. 42).
FOLLOWED_KINDS = frozenset({"emergency", "preservation"})


@transaction.atomic
def do_draft_followup(actor: Actor, request: CooperationRequest, kind: str) -> CooperationRequest:
    """Draft the formal request that follows an emergency or preservation request we sent:
    pre-filled from it, on the same thread, linked to it; both sides see the link once sent."""
    if (
        request.direction != CooperationRequest.Direction.OUTGOING
        or request.kind not in FOLLOWED_KINDS
    ):
        raise RequestError("a follow-up is drafted from an emergency or preservation request sent")
    if request.status in (Status.DRAFT, Status.AWAITING_APPROVAL):
        raise RequestError("send this request before drafting its follow-up")
    if kind not in KINDS or kind in FOLLOWED_KINDS:
        raise RequestError(f"{kind or 'that kind'} cannot follow a {request.kind} request")
    names = {element.name for element in KINDS[kind].elements}
    fields = {name: value for name, value in request.fields.items() if name in names}
    if "preservation_reference" in names and request.kind == "preservation":
        fields["preservation_reference"] = str(request.code)
    followup = do_draft_request(
        actor,
        kind=kind,
        counterpart=request.counterpart,
        fields=fields,
        reference=request.reference,
    )
    followup.follows, followup.thread_id = request, request.thread_id
    followup.save(update_fields=["follows", "thread_id"])
    return followup


def needs_four_eyes(kind: str) -> bool:
    return kind in settings.HANOINET_FOUR_EYES_KINDS


def _transition(actor: Actor, request: CooperationRequest, event: Event, facts: Facts) -> str:
    """Apply ``event`` to a locked copy of the request; return the status before."""
    before = request.status
    try:
        request.status = apply(Status(before), event, Side.REQUESTING, facts)
    except IllegalTransitionError as exc:
        raise RequestError(str(exc)) from None
    except TransitionRefusedError as exc:
        raise RequestError("the request is incomplete or out of scope", exc.problems) from None
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "updated_at"])
    return before


def _submit(actor: Actor, request: CooperationRequest) -> None:
    fields = request.fields
    links = _followed(request, actor)
    if fields.get("expedite_reason") and request.urgency == "routine":
        # Art. 44: data at risk of loss or modification calls for an expedited answer: the
        # request travels as urgent, so it pages the requested State's 24/7 desk and sits
        # in its urgent queue.
        request.urgency = "urgent"
        request.save(update_fields=["urgency"])
        links["expedited"] = True
    if request.kind == "emergency" and fields.get("formalisation") is True:
        # Art. 41: the formal request announced must follow; we track when it is due.
        request.followup_due = timezone.now() + timedelta(
            days=settings.HANOINET_EMERGENCY_FOLLOWUP_DAYS
        )
        request.save(update_fields=["followup_due"])
        links["followup_due"] = request.followup_due.isoformat()
    enqueue(
        recipient_state=request.counterpart,
        message_type=SUBMIT_TYPE,
        thread_id=request.thread_id,
        body={
            "request": str(request.code),
            "kind": request.kind,
            "fields": fields,
            "reference": request.reference,
            "urgency": request.urgency,
            "urgency_reason": str(fields.get("urgency_reason", "")),
            "subject": f"{KINDS[request.kind].title} ({request.reference or request.kind})",
            "model": request.model_version,
            **links,
        },
    )
    hold_preservation_for(request)


def _followed(request: CooperationRequest, actor: Actor) -> dict[str, Any]:
    """Sending a follow-up: the request it follows no longer awaits it."""
    origin = request.follows
    if origin is None:
        return {}
    origin.followup_due = None
    origin.save(update_fields=["followup_due"])
    _event(
        origin,
        "formal_followup",
        Side.REQUESTING,
        origin.status,
        actor,
        {"request": str(request.code), "kind": request.kind},
    )
    return {"follows": str(origin.code)}


def _locked(actor: Actor, request: CooperationRequest) -> CooperationRequest:
    if not may_handle(actor.user, request.kind):
        raise Http404
    return CooperationRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def do_send_request(actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """Send a complete draft: checked against its article; incomplete requests never leave."""
    request = _locked(actor, request)
    if needs_four_eyes(request.kind):
        raise RequestError(
            "this kind of request needs a second officer's approval: submit it for approval"
        )
    before = _transition(
        actor, request, Event.SEND, Facts(kind=KINDS[request.kind], fields=request.fields)
    )
    _submit(actor, request)
    _event(request, Event.SEND, Side.REQUESTING, before, actor, {})
    record(actor, "request.send", request, extra={"kind": request.kind, "to": request.counterpart})
    return request


@transaction.atomic
def do_submit_for_approval(actor: Actor, request: CooperationRequest) -> CooperationRequest:
    request = _locked(actor, request)
    facts = Facts(kind=KINDS[request.kind], fields=request.fields)
    before = _transition(actor, request, Event.SUBMIT_FOR_APPROVAL, facts)
    _event(request, Event.SUBMIT_FOR_APPROVAL, Side.REQUESTING, before, actor, {})
    record(actor, "request.submit_for_approval", request)
    return request


@transaction.atomic
def do_approve(actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """The second officer approves: the request is sent (four-eyes principle)."""
    request = _locked(actor, request)
    drafter = (
        request.created_by_id is not None
        and actor.user is not None
        and request.created_by_id == actor.user.pk
    )
    before = _transition(actor, request, Event.APPROVE, Facts(approver_is_drafter=drafter))
    _submit(actor, request)
    _event(request, Event.APPROVE, Side.REQUESTING, before, actor, {})
    record(
        actor, "request.approve", request, extra={"kind": request.kind, "to": request.counterpart}
    )
    return request


@transaction.atomic
def do_return_to_draft(
    actor: Actor, request: CooperationRequest, note: str = ""
) -> CooperationRequest:
    request = _locked(actor, request)
    before = _transition(actor, request, Event.RETURN_TO_DRAFT, Facts())
    _event(
        request,
        Event.RETURN_TO_DRAFT,
        Side.REQUESTING,
        before,
        actor,
        {"note": note[:2000]} if note else {},
    )
    record(actor, "request.return_to_draft", request)
    return request


@dataclass(frozen=True)
class Decision:
    """What accompanies a status change (refusal grounds, reasons, notes)."""

    grounds: tuple[str, ...] = ()
    reasons: str = ""
    consultation_offered: bool = False
    postponement_ground: str = ""
    note: str = ""

    def details(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in {
                "grounds": list(self.grounds),
                "reasons": self.reasons,
                "consultation_offered": self.consultation_offered,
                "postponement_ground": self.postponement_ground,
                "note": self.note,
            }.items()
            if v
        }


def _facts(request: CooperationRequest, decision: Decision) -> Facts:
    # The Art. 42 reservation is the requested State's: ours on a request we received,
    # the other State's on one we sent (when we check the refusal it reports).
    requested = request.counterpart if request.direction == "outgoing" else settings.HANOINET_STATE
    art42 = (
        RegisterState.objects.filter(code=requested)
        .values_list("art42_reservation", flat=True)
        .first()
    )
    return Facts(
        kind=KINDS[request.kind],
        fields=request.fields,
        offences=offences_of(request.fields),
        grounds=decision.grounds,
        reasons=decision.reasons,
        consultation_offered=decision.consultation_offered,
        art42_reservation=bool(art42),
        postponement_ground=decision.postponement_ground,
    )


@transaction.atomic
def do_change_status(
    actor: Actor, request: CooperationRequest, event: Event, decision: Decision | None = None
) -> CooperationRequest:
    """A status change by this side (acknowledge, execute, refuse, withdraw, close, …)."""
    if event in (
        Event.SEND,
        Event.RECEIPT,
        Event.SUBMIT_FOR_APPROVAL,
        Event.APPROVE,
        Event.RETURN_TO_DRAFT,
    ):
        raise RequestError(f"{event} is not a status change of a sent request")
    if not may_handle(actor.user, request.kind):
        raise Http404
    decision = decision or Decision()
    request = CooperationRequest.objects.select_for_update().get(pk=request.pk)
    before = request.status
    side = side_of(request)
    if (
        event in (Event.EXECUTE, Event.EXECUTE_PARTIALLY)
        and request.conditions
        and request.conditions_accepted_at is None
    ):
        raise RequestError(
            "the requesting State has not accepted the conditions attached (Art. 36, 40): "
            "nothing is released before it does"
        )
    try:
        request.status = apply(Status(before), event, side, _facts(request, decision))
    except IllegalTransitionError as exc:
        raise RequestError(str(exc)) from None
    except TransitionRefusedError as exc:
        raise RequestError("this change needs more", exc.problems) from None
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "updated_at"])
    details = {**decision.details(), **_preservation_started(request, event)}
    enqueue(
        recipient_state=request.counterpart,
        message_type=STATUS_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), "event": str(event), **details},
    )
    _event(request, event, side, before, actor, details)
    record(actor, f"request.{event}", request, extra=decision.details())
    return request


def _preservation_started(request: CooperationRequest, event: Event) -> dict[str, Any]:
    """The requested State executing a preservation starts its clock (Art. 42)."""
    if request.kind != "preservation" or request.direction != CooperationRequest.Direction.INCOMING:
        return {}
    if event not in (Event.EXECUTE, Event.EXECUTE_PARTIALLY):
        return {}
    days = request.fields.get("preservation_days")
    term = preservation_term(
        timezone.now(),
        days if isinstance(days, int) and not isinstance(days, bool) else None,
        settings.HANOINET_PRESERVATION_MIN_DAYS,
    )
    request.preserved_at, request.preserved_until = term.preserved_at, term.preserved_until
    request.save(update_fields=["preserved_at", "preserved_until"])
    assert term.preserved_until is not None  # noqa: S101 - a new term always ends
    return {
        "preserved_at": term.preserved_at.isoformat(),
        "preserved_until": term.preserved_until.isoformat(),
    }


def hold_preservation_for(request: CooperationRequest) -> None:
    """An MLA request that follows a preservation keeps the data held until it is decided."""
    reference = str(request.fields.get("preservation_reference", ""))
    if request.kind == "preservation" or not (reference or request.follows_id):
        return
    outgoing = request.direction == CooperationRequest.Direction.OUTGOING
    match = Q(pk=request.follows_id) if request.follows_id else Q(pk__in=[])
    if reference:
        match |= Q(reference=reference) if outgoing else Q(their_reference=reference)
    if _is_uuid(reference):
        match |= Q(code=reference)
    # Only a preservation still running is held: an MLA request after expiry revives nothing.
    running = Q(preserved_until__isnull=True) | Q(preserved_until__gt=timezone.now())
    CooperationRequest.objects.filter(
        match,
        running,
        kind="preservation",
        direction=request.direction,
        counterpart=request.counterpart,
    ).update(held_pending_mla=True, preserved_until=None)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def receive_status(
    request: CooperationRequest, event: Event, details: dict[str, Any], actor: Actor
) -> None:
    """Apply the other side's status change to our copy (its node checked it; we check the
    transition is legal and note any requirement it did not meet)."""
    side = (
        Side.REQUESTED
        if request.direction == CooperationRequest.Direction.OUTGOING
        else Side.REQUESTING
    )
    before = Status(request.status)
    if event not in allowed_events(before, side):
        _event(
            request,
            f"rejected:{event}",
            side,
            before,
            actor,
            {**details, "error": "not a legal transition now"},
        )
        return
    decision = Decision(
        grounds=tuple(str(g) for g in details.get("grounds", []) if isinstance(g, str)),
        reasons=str(details.get("reasons", "")),
        consultation_offered=bool(details.get("consultation_offered")),
        postponement_ground=str(details.get("postponement_ground", "")),
        note=str(details.get("note", "")),
    )
    objections = [problem.as_dict() for problem in requirements(event, _facts(request, decision))]
    request.status = legal_target(before, event, side)
    request.updated_at = timezone.now()
    until = parse_datetime(str(details.get("preserved_until", "")))
    if request.kind == "preservation" and until is not None and not request.held_pending_mla:
        request.preserved_at = (
            parse_datetime(str(details.get("preserved_at", ""))) or request.updated_at
        )
        request.preserved_until = until
    request.save(update_fields=["status", "updated_at", "preserved_at", "preserved_until"])
    _event(
        request,
        event,
        side,
        before,
        actor,
        {**decision.details(), **({"objections": objections} if objections else {})},
    )


PROVIDER_TYPE = "request.provider"


@transaction.atomic
def do_report_third_country_provider(
    actor: Actor, request: CooperationRequest, *, state: str, provider: str, path: str
) -> None:
    """Art. 43: while preserving, the requested State found that a provider in a third State
    took part in the communication; it tells the requester who and by which path."""
    if not may_handle(actor.user, request.kind):
        raise Http404
    if request.direction != CooperationRequest.Direction.INCOMING or request.kind != "preservation":
        raise RequestError("only the requested State reports a provider, on a preservation request")
    state = state.upper()
    if not RegisterState.objects.filter(code=state).exists():
        raise RequestError(f"{state or 'the third State'} is not in the register in force")
    if state in (request.counterpart, settings.HANOINET_STATE):
        raise RequestError("the third State is neither the requesting nor the requested State")
    if not provider.strip() or not path.strip():
        raise RequestError("the provider's identity and the path are required (Art. 43)")
    details = {
        "third_state": state,
        "provider": provider.strip()[:500],
        "path": path.strip()[:2000],
    }
    enqueue(
        recipient_state=request.counterpart,
        message_type=PROVIDER_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), **details},
    )
    _event(request, "third_country_provider", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.third_country_provider", request, extra=details)


def receive_third_country_provider(
    request: CooperationRequest, details: dict[str, Any], actor: Actor
) -> CooperationRequest | None:
    """On the requester's side: note the provider and path, and prepare the preservation
    request to the third State, pre-filled from the first one (a draft to check and send)."""
    state = str(details.get("third_state", "")).upper()[:3]
    provider, path = str(details.get("provider", ""))[:500], str(details.get("path", ""))[:2000]
    if request.direction != CooperationRequest.Direction.OUTGOING or not state or not provider:
        return None
    _event(
        request,
        "third_country_provider",
        Side.REQUESTED,
        request.status,
        actor,
        {"third_state": state, "provider": provider, "path": path},
    )
    fields = {
        **request.fields,
        "custodian_or_location": f"{provider} ({state}); path: {path}",
        "provider": provider,
    }
    draft = CooperationRequest.objects.create(
        direction=CooperationRequest.Direction.OUTGOING,
        kind="preservation",
        counterpart=state,
        status=Status.DRAFT,
        fields=fields,
        urgency=request.urgency,
        reference=f"{request.reference}-{state}"[:100] if request.reference else "",
        model_version=MODEL_VERSION,
        unit=request.unit,
        created_by=None,
    )
    draft.thread_id = str(draft.code)
    draft.save(update_fields=["thread_id"])
    _event(
        draft,
        "draft",
        Side.REQUESTING,
        "",
        actor,
        {"from_request": str(request.code), "article": 43},
    )
    return draft


CONDITIONS_TYPE = "request.conditions"


@transaction.atomic
def do_attach_conditions(
    actor: Actor, request: CooperationRequest, conditions: list[str], text: str = ""
) -> CooperationRequest:
    """The requested State attaches conditions (Art. 36, 40); nothing is released until the
    requesting State accepts them."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("only the requested State attaches conditions")
    allowed = {str(c) for c in KINDS[request.kind].conditions}
    unknown = [c for c in conditions if c not in allowed]
    if unknown or not conditions:
        raise RequestError(f"conditions must be among: {', '.join(sorted(allowed))}")
    request.conditions, request.conditions_text = sorted(set(conditions)), text.strip()[:5000]
    request.conditions_accepted_at = None
    request.save(update_fields=["conditions", "conditions_text", "conditions_accepted_at"])
    details = {"conditions": request.conditions, "text": request.conditions_text}
    enqueue(
        recipient_state=request.counterpart,
        message_type=CONDITIONS_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), "action": "attach", **details},
    )
    _event(request, "conditions_attached", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.attach_conditions", request, extra=details)
    return request


@transaction.atomic
def do_accept_conditions(actor: Actor, request: CooperationRequest) -> CooperationRequest:
    """The requesting State accepts the conditions: they bind it (Art. 40)."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.OUTGOING or not request.conditions:
        raise RequestError("there are no conditions to accept on this request")
    request.conditions_accepted_at = timezone.now()
    request.save(update_fields=["conditions_accepted_at"])
    enqueue(
        recipient_state=request.counterpart,
        message_type=CONDITIONS_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), "action": "accept", "conditions": request.conditions},
    )
    _event(
        request,
        "conditions_accepted",
        Side.REQUESTING,
        request.status,
        actor,
        {"conditions": request.conditions},
    )
    record(actor, "request.accept_conditions", request)
    return request


@transaction.atomic
def do_authorise_onward(
    actor: Actor, request: CooperationRequest, state: str
) -> CooperationRequest:
    """The State that provided the data authorises its transfer to a third State (Art. 36)."""
    request = _locked(actor, request)
    state = state.upper()
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("only the State that provided the data authorises its onward transfer")
    if not RegisterState.objects.filter(code=state).exists():
        raise RequestError(f"{state or 'the third State'} is not in the register in force")
    entry = {"state": state, "at": timezone.now().isoformat()}
    request.onward_authorised = [*request.onward_authorised, entry]
    request.save(update_fields=["onward_authorised"])
    enqueue(
        recipient_state=request.counterpart,
        message_type=CONDITIONS_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), "action": "authorise_onward", **entry},
    )
    _event(request, "onward_authorised", Side.REQUESTED, request.status, actor, entry)
    record(actor, "request.authorise_onward", request, extra=entry)
    return request


def onward_transfer_problem(request: CooperationRequest, state: str) -> str | None:
    """Why data received on this request may not go to ``state``, or None if it may."""
    if request.direction != CooperationRequest.Direction.OUTGOING:
        return None  # our own data: our law decides
    if any(
        entry.get("state") == state.upper()
        for entry in request.onward_authorised
        if isinstance(entry, dict)
    ):
        return None
    return (
        f"data received from {request.counterpart} may not go to {state.upper()} without "
        f"{request.counterpart}'s prior authorisation (Art. 36); ask for it on the thread"
    )


def do_forward_information(
    actor: Actor, request: CooperationRequest, *, state: str, information: str
) -> CooperationRequest:
    """Share what a request brought with a third State, as spontaneous information —
    only with the prior authorisation of the State that provided it."""
    problem = onward_transfer_problem(request, state)
    if problem:
        # Not in a transaction: the refused attempt stays in the audit trail.
        record(actor, "request.forward", request, outcome="denied", reason=problem)
        raise RequestError(problem)
    fields = {
        "sending_authority": str(request.fields.get("requesting_authority", ""))[:500] or "—",
        "offences": request.fields.get("offences", []),
        "information": information[:20000],
        "use_conditions": (
            f"Provided by {request.counterpart}, onward transfer authorised (Art. 36)"
        ),
    }
    shared = do_draft_request(
        actor, kind="spontaneous", counterpart=state, fields=fields, reference=request.reference
    )
    record(
        actor, "request.forward", request, extra={"to": state.upper(), "draft": str(shared.code)}
    )
    return shared


def receive_conditions(request: CooperationRequest, body: dict[str, Any], actor: Actor) -> None:
    action = body.get("action")
    if action == "attach" and request.direction == CooperationRequest.Direction.OUTGOING:
        conditions = [str(c) for c in body.get("conditions", []) if isinstance(c, str)]
        request.conditions, request.conditions_text = conditions, str(body.get("text", ""))[:5000]
        request.conditions_accepted_at = None
        request.save(update_fields=["conditions", "conditions_text", "conditions_accepted_at"])
        _event(
            request,
            "conditions_attached",
            Side.REQUESTED,
            request.status,
            actor,
            {"conditions": conditions},
        )
    elif (
        action == "accept"
        and request.direction == CooperationRequest.Direction.INCOMING
        and request.conditions
    ):
        request.conditions_accepted_at = timezone.now()
        request.save(update_fields=["conditions_accepted_at"])
        _event(request, "conditions_accepted", Side.REQUESTING, request.status, actor, {})
    elif (
        action == "authorise_onward" and request.direction == CooperationRequest.Direction.OUTGOING
    ):
        entry = {"state": str(body.get("state", ""))[:3], "at": str(body.get("at", ""))[:40]}
        request.onward_authorised = [*request.onward_authorised, entry]
        request.save(update_fields=["onward_authorised"])
        _event(request, "onward_authorised", Side.REQUESTED, request.status, actor, entry)
