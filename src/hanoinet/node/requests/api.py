"""``/api/v1/requests``: draft, send and answer cooperation requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from hanoinet.core.convention import KINDS, validate
from hanoinet.core.convention.lifecycle import Event, Status, allowed_events
from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.convention.text import problem_json
from hanoinet.node.http import attachment
from hanoinet.node.requests import access, actions, asset_actions, preservation, queries
from hanoinet.node.requests.letter import letter_language, letter_pdf
from hanoinet.node.requests.models import CooperationRequest, RequestEvent
from hanoinet.node.requests.statistics import conference_report

router = Router()
statistics_router = Router()


class DraftIn(Schema):
    kind: str
    counterpart: str
    fields: dict[str, Any]
    reference: str = ""
    urgency: str = "routine"


class FieldsIn(Schema):
    fields: dict[str, Any]


class EventIn(Schema):
    event: str
    grounds: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    reasons: str = ""
    consultation_offered: bool = False
    postponement_ground: str = ""
    note: str = ""


def as_json(row: CooperationRequest, *, detail: bool = False) -> dict[str, Any]:
    events: list[RequestEvent] = []
    if detail:
        # The timeline first, then the request again: a status message from the peer
        # changes both in one transaction, but they are read by two queries. Read in this
        # order, the request reflects every event shown (it may be a step ahead, never
        # behind: no "executed" event beside a preservation with no end date).
        events = list(row.events.all())
        row.refresh_from_db()
    side = actions.side_of(row)
    data: dict[str, Any] = {
        "code": str(row.code),
        "direction": row.direction,
        "kind": row.kind,
        "article": KINDS[row.kind].article,
        "counterpart": row.counterpart,
        "status": row.status,
        "urgency": row.urgency,
        "reference": row.reference,
        "their_reference": row.their_reference,
        "thread": row.thread_id,
        "updated_at": row.updated_at.isoformat(),
    }
    if detail:
        data["fields"] = row.fields
        data["conditions"] = {
            "attached": row.conditions,
            "text": row.conditions_text,
            "accepted_at": row.conditions_accepted_at.isoformat()
            if row.conditions_accepted_at
            else None,
        }
        data["onward_authorised"] = row.onward_authorised
        data["preserved_until"] = row.preserved_until.isoformat() if row.preserved_until else None
        data["held_pending_mla"] = row.held_pending_mla
        data["follows"] = str(row.follows.code) if row.follows else None
        data["followup_due"] = row.followup_due.isoformat() if row.followup_due else None
        data["problems"] = [problem_json(p) for p in validate(row.kind, row.fields)]
        data["allowed_events"] = [str(e) for e in allowed_events(Status(row.status), side)]
        data["events"] = [
            {
                "at": e.at.isoformat(),
                "event": e.event,
                "side": e.side,
                "status": e.status_after,
                "by": e.actor_label,
                "details": e.details,
            }
            for e in events
        ]
    return data


def _error(request: HttpRequest, status: int, error: str, detail: Any = None) -> HttpResponse:
    from hanoinet.node.api import api

    body: dict[str, Any] = {"error": error}
    if detail is not None:
        body["detail"] = detail
    return api.create_response(request, body, status=status)


def _problems(request: HttpRequest, exc: actions.RequestError) -> HttpResponse:
    if exc.problems:
        return _error(request, 422, str(exc), [problem_json(p) for p in exc.problems])
    return _error(request, 409, str(exc))


@router.get("", summary="Requests sent and received, with filters")
def list_requests(  # noqa: PLR0917 - one query parameter per filter
    request: HttpRequest,
    direction: str = "",
    status: str = "",
    kind: str = "",
    state: str = "",
    urgency: str = "",
    due: str = "",
    q: str = "",
) -> dict[str, Any]:
    """``due=soon``: preservations ending or formal requests due within 14 days; ``q``: a
    reference of either side, or a request's code."""
    rows = access.list_requests(
        actor_from_request(request),
        direction=direction,
        status=status,
        kind=kind,
        state=state,
        urgency=urgency,
        due=due,
        q=q,
    )[:200]
    return {"requests": [as_json(row) for row in rows]}


@router.post("", summary="Draft a request (saved even if incomplete; problems are listed)")
def draft(request: HttpRequest, payload: DraftIn) -> HttpResponse | dict[str, Any]:
    try:
        row = actions.do_draft_request(
            actor_from_request(request),
            kind=payload.kind,
            counterpart=payload.counterpart,
            fields=payload.fields,
            reference=payload.reference,
            urgency=payload.urgency,
        )
    except actions.RequestError as exc:
        return _error(request, 400, str(exc))
    return as_json(row, detail=True)


@router.get("/{code}", summary="One request with its timeline, problems and possible next steps")
def detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return as_json(access.get_request(actor_from_request(request), code), detail=True)


@router.put("/{code}/fields", summary="Replace the fields of a draft")
def update(request: HttpRequest, code: str, payload: FieldsIn) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        row = actions.do_update_draft(actor, access.get_request(actor, code), payload.fields)
    except actions.RequestError as exc:
        return _problems(request, exc)
    return as_json(row, detail=True)


Step = Callable[[Actor, CooperationRequest], object]


def _step(request: HttpRequest, code: str, step: Step) -> HttpResponse | dict[str, Any]:
    """One step on a request (send, approve, lift a measure, ask for an extension, …):
    the request as it is afterwards, or the problems (422) or the refusal (409)."""
    actor = actor_from_request(request)
    try:
        step(actor, access.get_request(actor, code))
    except actions.RequestError as exc:
        return _problems(request, exc)
    return as_json(access.get_request(actor, code), detail=True)


@router.post("/{code}/submit", summary="Submit a complete draft for a second officer's approval")
def submit(request: HttpRequest, code: str) -> HttpResponse | dict[str, Any]:
    return _step(request, code, actions.do_submit_for_approval)


@router.post("/{code}/approve", summary="Approve (another officer than the drafter) and send")
def approve(request: HttpRequest, code: str) -> HttpResponse | dict[str, Any]:
    return _step(request, code, actions.do_approve)


@router.post("/{code}/return", summary="Send a submitted draft back to its drafter")
def return_to_draft(request: HttpRequest, code: str) -> HttpResponse | dict[str, Any]:
    return _step(request, code, actions.do_return_to_draft)


@router.post("/{code}/send", summary="Send a complete draft to the requested State")
def send(request: HttpRequest, code: str) -> HttpResponse | dict[str, Any]:
    return _step(request, code, actions.do_send_request)


@router.post(
    "/{code}/events", summary="A status change: acknowledge, start, execute, refuse, withdraw…"
)
def change(request: HttpRequest, code: str, payload: EventIn) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    if payload.event not in set(Event):
        return _error(
            request,
            422,
            "unknown event",
            [{"field": "event", "message": f"one of {', '.join(Event)}"}],
        )
    decision = actions.Decision(
        grounds=tuple(payload.grounds),
        reasons=payload.reasons,
        consultation_offered=payload.consultation_offered,
        postponement_ground=payload.postponement_ground,
        note=payload.note,
    )
    try:
        row = actions.do_change_status(
            actor, access.get_request(actor, code), Event(payload.event), decision
        )
    except actions.RequestError as exc:
        return _problems(request, exc)
    return as_json(row, detail=True)


class ProviderIn(Schema):
    state: str
    provider: str
    path: str


@router.post(
    "/{code}/third-country", summary="Art. 43: report a provider in a third State and the path"
)
def third_country(
    request: HttpRequest, code: str, payload: ProviderIn
) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    row = access.get_request(actor, code)
    try:
        actions.do_report_third_country_provider(
            actor, row, state=payload.state, provider=payload.provider, path=payload.path
        )
    except actions.RequestError as exc:
        return _error(request, 400, str(exc))
    return as_json(row, detail=True)


class ConditionsIn(Schema):
    conditions: list[str]
    text: str = ""


class StateIn(Schema):
    state: str


class ForwardIn(Schema):
    state: str
    information: str


@router.post("/{code}/conditions", summary="Requested State: attach conditions (Art. 36, 40)")
def attach_conditions(
    request: HttpRequest, code: str, payload: ConditionsIn
) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        row = actions.do_attach_conditions(
            actor, access.get_request(actor, code), payload.conditions, payload.text
        )
    except actions.RequestError as exc:
        return _error(request, 400, str(exc))
    return as_json(row, detail=True)


@router.post("/{code}/conditions/accept", summary="Requesting State: accept the conditions")
def accept_conditions(request: HttpRequest, code: str) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        row = actions.do_accept_conditions(actor, access.get_request(actor, code))
    except actions.RequestError as exc:
        return _error(request, 409, str(exc))
    return as_json(row, detail=True)


@router.post(
    "/{code}/onward", summary="Providing State: authorise transfer to a third State (Art. 36)"
)
def authorise_onward(
    request: HttpRequest, code: str, payload: StateIn
) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        row = actions.do_authorise_onward(actor, access.get_request(actor, code), payload.state)
    except actions.RequestError as exc:
        return _error(request, 400, str(exc))
    return as_json(row, detail=True)


@router.post(
    "/{code}/forward", summary="Share received information with a third State (needs authorisation)"
)
def forward(request: HttpRequest, code: str, payload: ForwardIn) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        shared = actions.do_forward_information(
            actor,
            access.get_request(actor, code),
            state=payload.state,
            information=payload.information,
        )
    except actions.RequestError as exc:
        return _error(request, 403, str(exc))
    return as_json(shared, detail=True)


class FollowupIn(Schema):
    kind: str


@router.post(
    "/{code}/followup",
    summary="Draft the formal request that follows an emergency or preservation (Art. 41, 42)",
)
def followup(request: HttpRequest, code: str, payload: FollowupIn) -> HttpResponse | dict[str, Any]:
    actor = actor_from_request(request)
    try:
        draft = actions.do_draft_followup(actor, access.get_request(actor, code), payload.kind)
    except actions.RequestError as exc:
        return _error(request, 409, str(exc))
    return as_json(draft, detail=True)


class ReasonsIn(Schema):
    reasons: str
    days: int | None = None


@router.post(
    "/{code}/lifting/propose",
    summary="Requested State: propose lifting a measure; the requester is heard (Art. 50)",
)
def propose_lifting(
    request: HttpRequest, code: str, payload: ReasonsIn
) -> HttpResponse | dict[str, Any]:
    return _step(
        request,
        code,
        lambda actor, row: asset_actions.do_propose_lifting(
            actor, row, reasons=payload.reasons, days=payload.days
        ),
    )


@router.post(
    "/{code}/lifting/argue",
    summary="Requesting State: present its reasons for continuing the measure (Art. 50)",
)
def argue_continuation(
    request: HttpRequest, code: str, payload: ReasonsIn
) -> HttpResponse | dict[str, Any]:
    return _step(
        request,
        code,
        lambda actor, row: asset_actions.do_argue_continuation(actor, row, reasons=payload.reasons),
    )


@router.post(
    "/{code}/lifting",
    summary="Requested State: lift the measure, once the requester was heard (Art. 50)",
)
def lift_measure(
    request: HttpRequest, code: str, payload: ReasonsIn
) -> HttpResponse | dict[str, Any]:
    return _step(
        request,
        code,
        lambda actor, row: asset_actions.do_lift_measure(actor, row, reasons=payload.reasons),
    )


class DisposalIn(Schema):
    """Loosely typed on purpose: the Art. 52 check names each wrong field itself."""

    currency: Any = None
    confiscated: Any = None
    expenses: Any = None
    returned: Any = None
    to_victims: Any = None
    victims_compensated: Any = None
    priority_to_victims: Any = None
    reasons: Any = None


@router.post(
    "/{code}/disposal",
    summary="Requested State: record the return of confiscated proceeds, itemised (Art. 52)",
)
def record_disposal(
    request: HttpRequest, code: str, payload: DisposalIn
) -> HttpResponse | dict[str, Any]:
    data = payload.dict(exclude_none=True)
    return _step(
        request, code, lambda actor, row: asset_actions.do_record_disposal(actor, row, data)
    )


class ExtensionIn(Schema):
    days: int
    reasons: str = ""


@router.post(
    "/{code}/preservation/ask-extension",
    summary="Requesting State: ask for a preservation to last longer (Art. 42)",
)
def ask_extension(
    request: HttpRequest, code: str, payload: ExtensionIn
) -> HttpResponse | dict[str, Any]:
    return _step(
        request,
        code,
        lambda actor, row: preservation.do_ask_extension(
            actor, row, days=payload.days, reasons=payload.reasons
        ),
    )


@router.post(
    "/{code}/preservation/extend",
    summary="Requested State: extend a preservation by a number of days (Art. 42)",
)
def extend_preservation(
    request: HttpRequest, code: str, payload: ExtensionIn
) -> HttpResponse | dict[str, Any]:
    return _step(
        request,
        code,
        lambda actor, row: preservation.do_extend_preservation(
            actor, row, days=payload.days, note=payload.reasons
        ),
    )


class TextIn(Schema):
    text: str = ""


@router.post("/{code}/query", summary="Requesting State: ask where the request stands")
def query_status(request: HttpRequest, code: str, payload: TextIn) -> HttpResponse | dict[str, Any]:
    return _step(
        request, code, lambda actor, row: queries.do_query_status(actor, row, payload.text)
    )


@router.post("/{code}/query/answer", summary="Requested State: answer a status query in words")
def answer_query(request: HttpRequest, code: str, payload: TextIn) -> HttpResponse | dict[str, Any]:
    return _step(
        request, code, lambda actor, row: queries.do_answer_query(actor, row, payload.text)
    )


@router.get(
    "/{code}/letter",
    summary="The formal letter as PDF, in a language the requested State accepts",
    response={200: None},
)
def letter(request: HttpRequest, code: str, language: str = "") -> HttpResponse:
    actor = actor_from_request(request)
    row = access.get_request(actor, code)
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise HttpError(400, f"language {language[:20]!r} is not one of the node's languages")
    chosen = language or letter_language(row)[0]
    response = HttpResponse(letter_pdf(actor, row, chosen), content_type="application/pdf")
    name = f"{row.kind}-{row.reference or row.their_reference or row.code}-{chosen}.pdf"
    response["Content-Disposition"] = attachment(name)
    response["Content-Language"] = chosen
    return response


@statistics_router.get(
    "", summary="The Conference report: counts and delays of cooperation, no case data"
)
def statistics(request: HttpRequest, start: date | None = None, end: date | None = None) -> Any:
    """``start`` and ``end`` are dates (YYYY-MM-DD); by default this calendar year."""
    today = timezone.now().date()
    start, end = start or date(today.year, 1, 1), end or today
    if end < start:
        raise HttpError(400, f"end {end} is before start {start}")
    try:
        return conference_report(actor_from_request(request), start, end)
    except PermissionDenied:
        raise HttpError(
            403, "the statistics are for the central authority, auditors and administrators"
        ) from None
