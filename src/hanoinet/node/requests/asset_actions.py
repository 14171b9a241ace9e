"""Asset recovery on a request thread: lifting a provisional measure after the requesting
State was heard (Art. 50), and recording the return of confiscated proceeds (Art. 52).

Each step is applied to this node's copy and, in the same transaction, sent to the other
State's node, which records it on its copy (``receive_measure``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hanoinet.core.convention.assets import lifting_problem, parse_disposal
from hanoinet.core.convention.lifecycle import Side, Status
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.requests.actions import RequestError, _event, _locked
from hanoinet.node.requests.models import CooperationRequest, RequestEvent

MEASURE_TYPE = "request.measure"
MEASURE_KINDS = frozenset({"provisional_measures"})
RETURN_KINDS = frozenset(
    {"return_of_proceeds", "confiscation_enforcement", "confiscation_domestic_order"}
)
IN_FORCE = frozenset({Status.EXECUTED, Status.PARTIALLY_EXECUTED})
NOT_STARTED = frozenset(
    {Status.DRAFT, Status.AWAITING_APPROVAL, Status.SENT, Status.REFUSED, Status.WITHDRAWN}
)
MAX_HEARING_DAYS = 90


def _send(request: CooperationRequest, action: str, details: dict[str, Any], **extra: Any) -> None:
    enqueue(
        recipient_state=request.counterpart,
        message_type=MEASURE_TYPE,
        thread_id=request.thread_id,
        body={"request": str(request.code), "action": action, **details, **extra},
    )


def _reasons(text: str) -> str:
    reasons = text.strip()[:5000]
    if not reasons:
        raise RequestError("reasons are required")
    return reasons


def _last(request: CooperationRequest, event: str) -> RequestEvent | None:
    return request.events.filter(event=event).order_by("-at", "-id").first()


def _measure_in_force(request: CooperationRequest) -> None:
    if request.kind not in MEASURE_KINDS or request.status not in IN_FORCE:
        raise RequestError("only a provisional measure that was executed can be lifted")
    if _last(request, "measure_lifted") is not None:
        raise RequestError("this measure was already lifted")


@transaction.atomic
def do_propose_lifting(
    actor: Actor, request: CooperationRequest, *, reasons: str, days: int | None = None
) -> CooperationRequest:
    """The requested State intends to lift a freeze or seizure: it tells the requesting
    State why, and gives it until ``respond_by`` to argue for continuing it (Art. 50)."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("only the requested State lifts a measure it took")
    _measure_in_force(request)
    days = settings.HANOINET_LIFTING_HEARING_DAYS if days is None else days
    if not 1 <= days <= MAX_HEARING_DAYS:
        raise RequestError(f"the time to answer must be between 1 and {MAX_HEARING_DAYS} days")
    respond_by = timezone.now() + timedelta(days=days)
    details = {"reasons": _reasons(reasons), "respond_by": respond_by.isoformat()}
    # Urgent: a requester that misses the hearing may lose the assets for good.
    _send(
        request,
        "propose_lifting",
        details,
        urgency="urgent",
        subject=f"Lifting of a measure proposed ({request.their_reference or request.code})",
    )
    _event(request, "lifting_proposed", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.propose_lifting", request, extra={"respond_by": details["respond_by"]})
    return request


@transaction.atomic
def do_argue_continuation(
    actor: Actor, request: CooperationRequest, *, reasons: str
) -> CooperationRequest:
    """The requesting State presents its reasons for keeping the measure in force."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.OUTGOING:
        raise RequestError("only the requesting State argues for continuing its measure")
    if request.kind not in MEASURE_KINDS or _last(request, "lifting_proposed") is None:
        raise RequestError("no lifting of this measure was proposed")
    details = {"reasons": _reasons(reasons)}
    _send(request, "argue_continuation", details)
    _event(request, "continuation_argued", Side.REQUESTING, request.status, actor, details)
    record(actor, "request.argue_continuation", request)
    return request


@transaction.atomic
def do_lift_measure(
    actor: Actor, request: CooperationRequest, *, reasons: str
) -> CooperationRequest:
    """Lift the measure — only once the requesting State was heard or let its time pass."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("only the requested State lifts a measure it took")
    _measure_in_force(request)
    proposal = _last(request, "lifting_proposed")
    answer = _last(request, "continuation_argued")
    problem = lifting_problem(
        proposed_at=proposal.at if proposal else None,
        respond_by=parse_datetime(str(proposal.details.get("respond_by", "")))
        if proposal
        else None,
        requester_answered_at=answer.at if answer else None,
        now=timezone.now(),
    )
    if problem is not None:
        record(actor, "request.lift_measure", request, outcome="denied", reason=problem.text)
        raise RequestError("the requesting State has not been heard yet", [problem])
    details = {"reasons": _reasons(reasons), "heard": answer is not None}
    _send(request, "lift", details)
    _event(request, "measure_lifted", Side.REQUESTED, request.status, actor, details)
    record(actor, "request.lift_measure", request, extra={"heard": details["heard"]})
    return request


@transaction.atomic
def do_record_disposal(
    actor: Actor, request: CooperationRequest, data: dict[str, Any]
) -> CooperationRequest:
    """The requested State records what it returned, to whom and what it deducted (Art. 52)."""
    request = _locked(actor, request)
    if request.direction != CooperationRequest.Direction.INCOMING:
        raise RequestError("only the requested State records the return of proceeds it holds")
    if request.kind not in RETURN_KINDS or request.status in NOT_STARTED:
        raise RequestError("a return is recorded on a confiscation or return request under way")
    disposal, problems = parse_disposal(data)
    if disposal is None:
        raise RequestError("the return of proceeds is not complete", problems)
    details = disposal.as_dict()
    _send(request, "return", details)
    _event(request, "proceeds_returned", Side.REQUESTED, request.status, actor, details)
    record(
        actor,
        "request.record_disposal",
        request,
        extra={"currency": disposal.currency, "returned": details["returned"]},
    )
    return request


def receive_measure(request: CooperationRequest, body: dict[str, Any], actor: Actor) -> None:
    """The other State's step, recorded on our copy. Checked again here: a peer's bad
    record is noted as rejected, never applied."""
    action = body.get("action")
    outgoing = request.direction == CooperationRequest.Direction.OUTGOING
    reasons = str(body.get("reasons", ""))[:5000]
    if action == "propose_lifting" and outgoing:
        respond_by = parse_datetime(str(body.get("respond_by", "")))
        details = {"reasons": reasons, "respond_by": respond_by.isoformat() if respond_by else ""}
        _event(request, "lifting_proposed", Side.REQUESTED, request.status, actor, details)
    elif action == "argue_continuation" and not outgoing:
        _event(
            request,
            "continuation_argued",
            Side.REQUESTING,
            request.status,
            actor,
            {"reasons": reasons},
        )
    elif action == "lift" and outgoing:
        lifted = {"reasons": reasons, "heard": bool(body.get("heard"))}
        _event(request, "measure_lifted", Side.REQUESTED, request.status, actor, lifted)
    elif action == "return" and outgoing:
        disposal, problems = parse_disposal(body)
        if disposal is None:
            _event(
                request,
                "rejected:proceeds_returned",
                Side.REQUESTED,
                request.status,
                actor,
                {"problems": [p.as_dict() for p in problems]},
            )
        else:
            _event(
                request,
                "proceeds_returned",
                Side.REQUESTED,
                request.status,
                actor,
                disposal.as_dict(),
            )
