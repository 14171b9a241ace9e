from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hanoinet.core.convention import KINDS, validate
from hanoinet.core.convention.grounds import REFUSAL_GROUNDS
from hanoinet.core.convention.lifecycle import Event, Status, allowed_events
from hanoinet.node.audit.actor import Actor, actor_from_request
from hanoinet.node.audit.record import record
from hanoinet.node.convention.text import problem_text, translate
from hanoinet.node.http import attachment
from hanoinet.node.requests import (
    access,
    actions,
    asset_actions,
    letter,
    preservation,
    queries,
)
from hanoinet.node.requests.forms import DecisionForm, DraftForm
from hanoinet.node.requests.models import STATUS_LABELS, CooperationRequest, RequestEvent
from hanoinet.node.requests.rows import new_request_links, options, request_rows

PAGE_SIZE = 50
# The columns the inbox rows show (rows.request_rows): nothing else is read or converted.
ROW_COLUMNS = (
    "code",
    "direction",
    "kind",
    "counterpart",
    "status",
    "urgency",
    "reference",
    "their_reference",
    "updated_at",
)


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    filters = {
        key: request.GET.get(key, "")[:40]
        for key in ("direction", "status", "kind", "state", "urgency", "due", "q")
    }
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    # One row more than shown tells whether there is a next page, without a COUNT.
    start = (page - 1) * PAGE_SIZE
    # Named tuples, not model instances: the rows are only drawn (rows.request_rows), and
    # building 51 instances with their deferred-field machinery cost more than drawing them.
    window = list(
        access.list_requests(actor, **filters).values_list(*ROW_COLUMNS, named=True)[
            start : start + PAGE_SIZE + 1
        ]
    )
    rows, has_next = window[:PAGE_SIZE], len(window) > PAGE_SIZE
    query = urlencode({key: value for key, value in filters.items() if value})
    list_url = reverse("requests:list")
    context: dict[str, object] = {
        "rows": rows,
        "row_html": request_rows(rows, list_url),
        "filters": filters,
        "page": page,
        "has_next": has_next,
        "query": query,
    }
    if getattr(request, "htmx", False):  # the table refreshing itself: no form around it
        return render(request, "requests/partials/table.html", context)
    # The form's choices are built here, escaped, like the rows: the template loops over
    # them cost more than the rest of the page.
    kinds = [(code, translate(KINDS[code].title)) for code in access.kinds_for(actor.user)]
    statuses = [(str(status), str(label)) for status, label in STATUS_LABELS.items()]
    context |= {
        "new_links": new_request_links(kinds, list_url),
        "kind_options": options(kinds, filters["kind"]),
        "status_options": options(statuses, filters["status"]),
    }
    return render(request, "requests/list.html", context)


@require_GET
def deadlines_view(request: HttpRequest) -> HttpResponse:
    """Every running deadline in one place, soonest first: preservations ending, formal
    requests due after an emergency, hearings before a measure is lifted."""
    actor = actor_from_request(request)
    now = timezone.now()
    visible = access.visible_requests(actor).defer("fields", "conditions", "onward_authorised")
    preservations = visible.filter(preserved_until__gt=now).order_by("preserved_until")[:200]
    followups = visible.filter(followup_due__isnull=False).order_by("followup_due")[:200]
    hearings = [
        (event.request, event.details.get("respond_by", ""))
        for event in RequestEvent.objects.filter(
            event="lifting_proposed", request__in=visible.values("pk")
        )
        .select_related("request")
        .order_by("-at")[:200]
        if str(event.details.get("respond_by", "")) > now.isoformat()
    ]
    record(actor, "request.deadlines", object_type="requests.cooperationrequest")
    return render(
        request,
        "requests/deadlines.html",
        {
            "preservations": preservations,
            "followups": followups,
            "hearings": hearings,
            "held": visible.filter(held_pending_mla=True).count(),
            "soon": now + timedelta(days=access.DUE_SOON_DAYS),
            "now": now,
        },
    )


@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest, kind: str) -> HttpResponse:
    actor = actor_from_request(request)
    if kind not in KINDS:
        raise Http404
    if not access.may_handle(actor.user, kind):
        raise PermissionDenied
    form = DraftForm(
        request.POST or None, kind=KINDS[kind], initial={"counterpart": request.GET.get("to", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = actions.do_draft_request(
                actor,
                kind=kind,
                counterpart=form.cleaned_data["counterpart"],
                fields=form.to_fields(),
                reference=form.cleaned_data.get("reference", ""),
                urgency=str(form.to_fields().get("urgency", "routine")),
            )
        except actions.RequestError as exc:
            form.add_error("counterpart", str(exc))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("requests:detail", code=draft.code)
    return render(
        request,
        "requests/new.html",
        {"form": form, "kind": KINDS[kind], "title": translate(KINDS[kind].title)},
    )


@require_http_methods(["GET", "POST"])
def detail_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    row = access.get_request(actor, code)
    # The timeline first, then the request again, as the API does: a peer's status
    # message changes both in one transaction, read here by two queries. In this order
    # the page never shows an event beside the fields it has not yet changed.
    timeline = list(row.events.all())
    row.refresh_from_db()
    kind = KINDS[row.kind]
    side = actions.side_of(row)
    events = [
        str(e)
        for e in allowed_events(Status(row.status), side)
        if e not in (Event.SEND, Event.RECEIPT)
    ]
    grounds = [(g.value, translate(REFUSAL_GROUNDS[g].label)) for g in sorted(kind.refusal_grounds)]
    decision = DecisionForm(request.POST or None, events=events, grounds=grounds)
    send_problems: list[str] = []
    simple = {
        "send": (actions.do_send_request, _("Request sent.")),
        "submit": (actions.do_submit_for_approval, _("Submitted for approval.")),
        "approve": (actions.do_approve, _("Approved and sent.")),
        "return": (actions.do_return_to_draft, _("Returned to the drafter.")),
    }
    chosen = request.POST.get("action", "") if request.method == "POST" else ""
    if chosen in simple:
        action, done = simple[chosen]
        try:
            action(actor, row)
        except actions.RequestError as exc:
            send_problems = [problem_text(p) for p in exc.problems] or [str(exc)]
        else:
            messages.success(request, done)
            return redirect("requests:detail", code=row.code)
    elif chosen in THREAD_STEPS:
        try:
            done = _thread_step(request, actor, row, chosen)
        except actions.RequestError as exc:
            send_problems = [problem_text(p) for p in exc.problems] or [str(exc)]
        else:
            messages.success(request, done)
            return redirect("requests:detail", code=row.code)
    elif request.method == "POST" and not chosen and decision.is_valid():
        data = decision.cleaned_data
        try:
            actions.do_change_status(
                actor,
                row,
                Event(data["event"]),
                actions.Decision(
                    grounds=tuple(data["grounds"]),
                    reasons=data["reasons"],
                    consultation_offered=data["consultation_offered"],
                    postponement_ground=data["postponement_ground"],
                    note=data["note"],
                ),
            )
        except actions.RequestError as exc:
            for problem in exc.problems:
                decision.add_error(None, problem_text(problem))
            if not exc.problems:
                decision.add_error(None, str(exc))
        else:
            messages.success(request, _("Done."))
            return redirect("requests:detail", code=row.code)
    elements = [
        {"element": e, "label": translate(e.label), "value": row.fields.get(e.name)}
        for e in kind.elements
        if e.name in row.fields
    ]
    return render(
        request,
        "requests/detail.html",
        {
            "row": row,
            "kind": kind,
            "title": translate(kind.title),
            "elements": elements,
            "problems": [problem_text(p) for p in validate(kind, row.fields)],
            "send_problems": send_problems,
            "decision": decision,
            "can_send": row.status == Status.DRAFT
            and row.direction == "outgoing"
            and not actions.needs_four_eyes(row.kind),
            "can_submit": row.status == Status.DRAFT
            and row.direction == "outgoing"
            and actions.needs_four_eyes(row.kind),
            "can_approve": row.status == Status.AWAITING_APPROVAL,
            "can_report_provider": row.kind == "preservation"
            and row.direction == "incoming"
            and row.status in (Status.IN_PROGRESS, Status.EXECUTED, Status.PARTIALLY_EXECUTED),
            "events": timeline,
            "followup_kinds": [
                (code, translate(KINDS[code].title))
                for code in access.kinds_for(actor.user)
                if code not in actions.FOLLOWED_KINDS
            ]
            if row.kind in actions.FOLLOWED_KINDS
            and row.direction == "outgoing"
            and row.status not in (Status.DRAFT, Status.AWAITING_APPROVAL)
            else [],
            "measure_in_force": row.kind in asset_actions.MEASURE_KINDS
            and row.status in asset_actions.IN_FORCE,
            "letter_language": letter.letter_language(row),
            "languages": settings.LANGUAGES,
            "can_query": row.direction == "outgoing" and row.status not in queries.UNSENT,
            "can_extend": row.kind == "preservation"
            and row.status in preservation.PRESERVED
            and not row.held_pending_mla
            and row.preserved_until is not None,
            "can_record_return": row.kind in asset_actions.RETURN_KINDS
            and row.direction == "incoming"
            and row.status not in asset_actions.NOT_STARTED,
        },
    )


THREAD_STEPS = frozenset(
    {
        "third_country",
        "followup",
        "propose_lifting",
        "argue",
        "lift",
        "disposal",
        "query",
        "answer",
        "ask_extension",
        "extend",
    }
)


@require_GET
def letter_view(request: HttpRequest, code: str) -> HttpResponse:
    """The formal letter as PDF; ``?language=`` picks another of the node's languages."""
    actor = actor_from_request(request)
    row = access.get_request(actor, code)
    wanted = request.GET.get("language", "")[:10]
    chosen = wanted if wanted in letter.our_languages() else letter.letter_language(row)[0]
    response = HttpResponse(letter.letter_pdf(actor, row, chosen), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{row.kind}-{row.code}-{chosen}.pdf", inline=True)
    response["Content-Language"] = chosen
    return response


def _expenses(text: str) -> list[dict[str, str]]:
    """One expense per line, "description: amount"; a line without an amount is kept so
    that the check names it."""
    items = []
    for line in text.splitlines():
        if line.strip():
            label, sep, amount = line.rpartition(":")
            if not sep:
                label, amount = line, ""
            items.append({"label": label.strip(), "amount": amount.strip()})
    return items


def _thread_step(request: HttpRequest, actor: Actor, row: CooperationRequest, step: str) -> str:
    """The thread steps of the request page (other than status changes); returns the
    message to show."""
    post = request.POST
    if step == "third_country":
        actions.do_report_third_country_provider(
            actor,
            row,
            state=post.get("third_state", "")[:3],
            provider=post.get("provider", "")[:500],
            path=post.get("path", "")[:2000],
        )
        return str(_("The requesting State is told of the provider and the path."))
    if step in ("ask_extension", "extend"):
        return _extension_step(request, actor, row, step)
    if step == "query":
        queries.do_query_status(actor, row, post.get("text", "")[:2000])
        return str(_("Status query sent; the requested node answers at once."))
    if step == "answer":
        queries.do_answer_query(actor, row, post.get("text", "")[:5000])
        return str(_("Answer sent."))
    if step == "followup":
        draft = actions.do_draft_followup(actor, row, post.get("kind", "")[:40])
        return str(_("Follow-up drafted: %(code)s.") % {"code": draft.code})
    return _asset_step(request, actor, row, step)


def _extension_step(request: HttpRequest, actor: Actor, row: CooperationRequest, step: str) -> str:
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        raise actions.RequestError(str(_("Give the number of days."))) from None
    text = request.POST.get("reasons", "")[:2000]
    if step == "extend":
        preservation.do_extend_preservation(actor, row, days=days, note=text)
        return str(_("The preservation is extended and the requesting State told."))
    preservation.do_ask_extension(actor, row, days=days, reasons=text)
    return str(_("The extension is asked for."))


def _asset_step(request: HttpRequest, actor: Actor, row: CooperationRequest, step: str) -> str:
    """Lifting a measure (Art. 50) and recording a return of proceeds (Art. 52)."""
    post = request.POST
    reasons = post.get("reasons", "")[:5000]
    if step == "propose_lifting":
        try:
            days = int(post.get("days", "") or settings.HANOINET_LIFTING_HEARING_DAYS)
        except ValueError:
            raise actions.RequestError(
                _("The time to answer must be a whole number of days.")
            ) from None
        asset_actions.do_propose_lifting(actor, row, reasons=reasons, days=days)
        return str(_("The requesting State is asked for its reasons to keep the measure."))
    if step == "argue":
        asset_actions.do_argue_continuation(actor, row, reasons=reasons)
        return str(_("Your reasons for keeping the measure are sent."))
    if step == "lift":
        asset_actions.do_lift_measure(actor, row, reasons=reasons)
        return str(_("The measure is lifted and the requesting State told."))
    victims = post.get("victims_compensated", "0").strip()
    asset_actions.do_record_disposal(
        actor,
        row,
        {
            "currency": post.get("currency", "")[:10],
            "confiscated": post.get("confiscated", "")[:40],
            "expenses": _expenses(post.get("expenses", "")[:10000]),
            "returned": post.get("returned", "")[:40],
            "to_victims": post.get("to_victims", "")[:40] or "0",
            "victims_compensated": int(victims) if victims.isdigit() else victims[:20],
            "priority_to_victims": post.get("priority_to_victims") == "on",
            "reasons": reasons,
        },
    )
    return str(_("The return is recorded and the requesting State told."))
