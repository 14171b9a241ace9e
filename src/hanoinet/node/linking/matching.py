"""Cross-border hit/no-hit over the federation: the node's side of the private set
intersection in ``hanoinet.core.matching`` (protocol and threat model: docs/matching.md).

A run with a peer:

1. we ask (``match.request``): our identifiers of the kinds our policy shares with that
   peer, blinded with a key that never leaves this node;
2. the peer's worker answers (``match.response``) if its own policy allows us, within its
   rate limit: our points blinded again, and the tags of its own identifiers;
3. our worker finishes: the identifiers both hold become hits, audited and shown with a
   button to draft a request; we tell the peer which of its tags matched
   (``match.disclosure``) so that it records the hits too. Either side may refuse
   (``match.refused``) with a stable code.

Heavy work (blinding thousands of identifiers) runs in the worker's ``matching`` job,
never in the inbox's request, which only stores what arrived.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hanoinet.core.matching import (
    BlindingKey,
    MatchingError,
    PreparedSet,
    disclose,
    filter_kinds,
    finish,
    kind_of,
    learn,
    match_context,
    parse_disclosure,
    parse_request,
    parse_response,
    prepare,
    respond,
    start,
)
from hanoinet.core.matching.protocol import Pending
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor, system_actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.federation.handlers import handles
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.federation.outbox import enqueue
from hanoinet.node.jobs import register_job
from hanoinet.node.linking.actions import warning_list
from hanoinet.node.linking.models import MatchHit, MatchPolicy, MatchSession
from hanoinet.node.register.models import RegisterState
from hanoinet.node.victims.models import ReportedIdentifier

logger = logging.getLogger(__name__)

REQUEST_TYPE = "match.request"
RESPONSE_TYPE = "match.response"
DISCLOSURE_TYPE = "match.disclosure"
REFUSED_TYPE = "match.refused"
SHAREABLE_KINDS = (
    "phone",
    "email",
    "domain",
    "iban",
    "bank_account",
    "wallet",
    "tx_hash",
    "social",
)
MODES = ("bulk", "query")
MATCH_ROLES = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.POINT_OF_CONTACT})


class MatchingActionError(ValueError):
    """A run that cannot start; the message says why."""


def our_identifiers(kinds: list[str]) -> list[str]:
    """The link keys this node holds, of these kinds, warning-listed ones left out."""
    listed = warning_list()
    keys = (
        ReportedIdentifier.objects.exclude(link_key="")
        .values_list("link_key", flat=True)
        .distinct()
        .order_by("link_key")
    )
    return sorted(key for key in filter_kinds(keys, kinds) if not listed.matches(key))


def _policy(state: str) -> MatchPolicy | None:
    return MatchPolicy.objects.filter(state=state).first()


def _context(peer: str, session: str) -> Any:
    return match_context(settings.HANOINET_STATE, peer, session)


def _max_items() -> int:
    return int(settings.HANOINET_MATCH_MAX_ITEMS)


# Policy ---------------------------------------------------------------------------------


@transaction.atomic
def do_set_policy(
    actor: Actor, state: str, *, kinds: list[str], bulk: bool, queries_per_hour: int
) -> MatchPolicy:
    """What this node shares with a peer; an empty list of kinds shares nothing."""
    if actor.user is None or not actor.user.has_role(Role.NODE_ADMIN):
        raise PermissionDenied
    state = state.strip().upper()
    if not RegisterState.objects.filter(code=state).exclude(code=settings.HANOINET_STATE).exists():
        raise MatchingActionError(f"{state or 'the State'} is not a peer in the register")
    unknown = sorted(set(kinds) - set(SHAREABLE_KINDS))
    if unknown:
        raise MatchingActionError(f"unknown kinds: {', '.join(unknown)}")
    if not 1 <= queries_per_hour <= 10000:
        raise MatchingActionError("queries per hour must be between 1 and 10000")
    policy, _created = MatchPolicy.objects.update_or_create(
        state=state,
        defaults={
            "kinds": sorted(set(kinds)),
            "bulk": bulk,
            "queries_per_hour": queries_per_hour,
            "updated_by": actor.user,
            "updated_at": timezone.now(),
        },
    )
    record(
        actor,
        "match.policy",
        policy,
        object_id=state,
        extra={"kinds": policy.kinds, "bulk": bulk, "per_hour": queries_per_hour},
    )
    return policy


# Asking -----------------------------------------------------------------------------------


@transaction.atomic
def do_ask(actor: Actor, peer: str, *, mode: str, items: list[str] | None = None) -> MatchSession:
    """Start a run with a peer: ``query`` for a few identifiers an officer typed,
    ``bulk`` for every identifier of the kinds the policy shares with that peer."""
    if mode not in MODES:
        raise MatchingActionError(f"mode must be one of {', '.join(MODES)}")
    if actor.user is not None and not actor.user.has_role(*MATCH_ROLES):
        raise PermissionDenied
    policy = _policy(peer)
    if policy is None or not policy.kinds:
        raise MatchingActionError(f"this node shares no identifiers with {peer}: set a policy")
    if mode == "bulk":
        items = our_identifiers(policy.kinds)
    shared = sorted(filter_kinds(items or [], policy.kinds))
    if not shared:
        raise MatchingActionError(
            f"nothing to ask: the policy with {peer} shares only {', '.join(policy.kinds)}"
        )
    if len(shared) > _max_items():
        raise MatchingActionError(f"{len(shared)} identifiers, more than {_max_items()} per run")
    session = str(uuid.uuid4())
    pending, request = start(_context(peer, session), shared)
    run = MatchSession.objects.create(
        session=session,
        peer=peer,
        direction=MatchSession.Direction.ASKED,
        mode=mode,
        kinds=policy.kinds,
        status=MatchSession.Status.WAITING,
        key=pending.key.to_bytes().hex(),
        items=list(pending.items),
        asked_count=request.count,
        started_by=actor.user,
    )
    enqueue(
        recipient_state=peer,
        message_type=REQUEST_TYPE,
        body={"mode": mode, "kinds": policy.kinds, "psi": dict(request.to_json())},
        thread_id=session,
    )
    record(
        actor,
        "match.ask",
        run,
        object_id=session,
        extra={"peer": peer, "mode": mode, "count": request.count},
    )
    return run


def _refuse(run: MatchSession, code: str, reason: str) -> None:
    run.status = MatchSession.Status.REFUSED
    run.problem = f"{code}: {reason}"[:300]
    run.key, run.items, run.pending = "", [], {}
    run.finished_at = timezone.now()
    run.save()
    enqueue(
        recipient_state=run.peer,
        message_type=REFUSED_TYPE,
        body={"session": run.session, "code": code, "reason": reason[:300]},
        thread_id=run.session,
    )
    record(
        system_actor(f"matching:{run.peer}"),
        "match.refuse",
        run,
        object_id=run.session,
        outcome=Outcome.DENIED,
        reason=f"{code}: {reason}"[:300],
    )


# The peer's messages, stored by the inbox and worked on by the job ------------------------


def _body(message: InboxMessage) -> dict[str, Any]:
    return message.body if isinstance(message.body, dict) else {}


@handles(REQUEST_TYPE)
def request_received(message: InboxMessage) -> None:
    body = _body(message)
    psi = body.get("psi")
    session = psi.get("session") if isinstance(psi, dict) else None
    if not isinstance(session, str) or not 1 <= len(session) <= 64:
        record(
            system_actor(f"federation:{message.sender_state}"),
            "match.receive",
            outcome=Outcome.DENIED,
            object_type="linking.matchsession",
            reason="malformed: no session",
        )
        return
    if MatchSession.objects.filter(session=session).exists():
        return  # a replayed session id answers nothing twice
    mode = body.get("mode") if body.get("mode") in MODES else "query"
    run = MatchSession.objects.create(
        session=session,
        peer=message.sender_state,
        direction=MatchSession.Direction.ANSWERED,
        mode=str(mode),
        status=MatchSession.Status.TO_ANSWER,
        pending=psi if isinstance(psi, dict) else {},
    )
    record(
        system_actor(f"federation:{message.sender_state}"),
        "match.receive",
        run,
        object_id=session,
        extra={"mode": mode},
    )


def _run_for(
    message: InboxMessage, direction: str, status: str
) -> tuple[MatchSession, dict[str, Any]] | None:
    """The open run a peer's PSI message is about: only that peer's, only in that step."""
    psi = _body(message).get("psi")
    if not isinstance(psi, dict):
        return None
    run = MatchSession.objects.filter(
        session=psi.get("session"), peer=message.sender_state, direction=direction, status=status
    ).first()
    return (run, psi) if run is not None else None


@handles(RESPONSE_TYPE)
def response_received(message: InboxMessage) -> None:
    found = _run_for(message, MatchSession.Direction.ASKED, MatchSession.Status.WAITING)
    if found is None:
        return
    run, psi = found
    run.pending = psi
    run.status = MatchSession.Status.TO_FINISH
    run.save(update_fields=["pending", "status"])


@handles(DISCLOSURE_TYPE)
def disclosure_received(message: InboxMessage) -> None:
    found = _run_for(message, MatchSession.Direction.ANSWERED, MatchSession.Status.ANSWERED)
    if found is None:
        return
    run, psi = found
    actor = system_actor(f"federation:{message.sender_state}")
    try:
        prepared = PreparedSet(
            _context(run.peer, run.session),
            BlindingKey.from_bytes(bytes.fromhex(run.key)),
            tuple(run.items),
            b"",
        )
        shared = learn(
            prepared, parse_disclosure(psi, max_items=_max_items()), asked=run.asked_count
        )
    except (MatchingError, ValueError) as exc:
        _close(run, MatchSession.Status.FAILED, f"disclosure: {exc}")
        record(
            actor,
            "match.disclosure",
            run,
            object_id=run.session,
            outcome=Outcome.FAILED,
            reason=str(exc)[:300],
        )
        return
    _record_hits(actor, run, shared)
    _close(run, MatchSession.Status.DONE, "")


@handles(REFUSED_TYPE)
def refused_received(message: InboxMessage) -> None:
    body = _body(message)
    run = (
        MatchSession.objects.filter(session=body.get("session"), peer=message.sender_state)
        .exclude(status__in=[MatchSession.Status.DONE, MatchSession.Status.REFUSED])
        .first()
    )
    if run is None:
        return
    reason = f"{str(body.get('code', ''))[:40]}: {str(body.get('reason', ''))[:200]}"
    _close(run, MatchSession.Status.REFUSED, f"the peer refused: {reason}")
    record(
        system_actor(f"federation:{message.sender_state}"),
        "match.refused",
        run,
        object_id=run.session,
        outcome=Outcome.DENIED,
        reason=reason,
    )


def _close(run: MatchSession, status: str, problem: str) -> None:
    run.status = status
    run.problem = problem[:300]
    run.key, run.items, run.pending = "", [], {}
    run.finished_at = timezone.now()
    run.save()


def _record_hits(actor: Actor, run: MatchSession, shared: frozenset[str]) -> None:
    MatchHit.objects.bulk_create(
        MatchHit(match=run, peer=run.peer, link_key=key, kind=kind_of(key))
        for key in sorted(shared)
    )
    run.hit_count = len(shared)
    for key in sorted(shared):
        record(
            actor,
            "match.hit",
            run,
            object_id=run.session,
            extra={"peer": run.peer, "kind": kind_of(key)},
        )


def answer(run: MatchSession) -> None:
    """Answer a peer's request if our policy and its rate allow, else refuse it."""
    policy = _policy(run.peer)
    if policy is None or not policy.kinds:
        _refuse(run, "not_shared", "this State shares no identifiers with yours")
        return
    if run.mode == "bulk" and not policy.bulk:
        _refuse(run, "no_bulk", "this State does not take part in bulk matching with yours")
        return
    hour_ago = timezone.now() - timedelta(hours=1)
    recent = (
        MatchSession.objects.filter(
            peer=run.peer, direction=MatchSession.Direction.ANSWERED, created_at__gte=hour_ago
        )
        .exclude(status=MatchSession.Status.REFUSED)
        .exclude(pk=run.pk)
    )
    if recent.count() >= policy.queries_per_hour:
        _refuse(run, "rate_limited", f"more than {policy.queries_per_hour} runs in an hour")
        return
    try:
        request = parse_request(run.pending, max_items=_max_items())
        context = _context(run.peer, run.session)
        prepared = prepare(context, our_identifiers(policy.kinds))
        response = respond(prepared, request)
    except MatchingError as exc:
        _refuse(run, "malformed", str(exc))
        return
    run.status = MatchSession.Status.ANSWERED
    run.kinds = policy.kinds
    run.key = prepared.key.to_bytes().hex()
    run.items = list(prepared.items)
    run.asked_count = request.count
    run.peer_count = prepared.count
    run.pending = {}
    run.save()
    enqueue(
        recipient_state=run.peer,
        message_type=RESPONSE_TYPE,
        body={"psi": dict(response.to_json())},
        thread_id=run.session,
    )
    record(
        system_actor(f"matching:{run.peer}"),
        "match.answer",
        run,
        object_id=run.session,
        extra={"asked": request.count, "ours": prepared.count},
    )


def conclude(run: MatchSession) -> None:
    """Finish our own run: hits recorded, the peer told which of its tags matched."""
    actor = system_actor(f"matching:{run.peer}")
    try:
        pending = Pending(
            _context(run.peer, run.session),
            BlindingKey.from_bytes(bytes.fromhex(run.key)),
            tuple(run.items),
        )
        result = finish(pending, parse_response(run.pending, max_items=_max_items()))
    except (MatchingError, ValueError) as exc:
        _refuse(run, "malformed", str(exc))
        return
    run.peer_count = result.peer_count
    _record_hits(actor, run, result.shared)
    enqueue(
        recipient_state=run.peer,
        message_type=DISCLOSURE_TYPE,
        body={"psi": dict(disclose(result).to_json())},
        thread_id=run.session,
    )
    _close(run, MatchSession.Status.DONE, "")


@register_job("matching", every_seconds=float(settings.HANOINET_MATCH_POLL_SECONDS))
def work_on_runs() -> int:
    """Answer the peers' requests and finish our runs, one transaction each."""
    handled = 0
    for status, step in (
        (MatchSession.Status.TO_ANSWER, answer),
        (MatchSession.Status.TO_FINISH, conclude),
    ):
        for pk in MatchSession.objects.filter(status=status).values_list("pk", flat=True)[:20]:
            with transaction.atomic():
                # Claimed by a conditional read under lock: two workers never run it twice.
                run = (
                    MatchSession.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=status)
                    .first()
                )
                if run is not None:
                    step(run)
                    handled += 1
    return handled


@register_job("matching-bulk", every_seconds=float(settings.HANOINET_MATCH_BULK_SECONDS))
def scheduled_bulk() -> int:
    """A bulk run with each peer whose policy takes part in bulk matching."""
    started = 0
    since = timezone.now() - timedelta(seconds=settings.HANOINET_MATCH_BULK_SECONDS)
    for policy in MatchPolicy.objects.filter(bulk=True).exclude(kinds=[]):
        if MatchSession.objects.filter(
            peer=policy.state,
            mode="bulk",
            direction=MatchSession.Direction.ASKED,
            created_at__gte=since,
        ).exists():
            continue
        try:
            do_ask(system_actor("matching-bulk"), policy.state, mode="bulk")
        except MatchingActionError as exc:
            logger.info("bulk match with %s not started: %s", policy.state, exc)
            continue
        started += 1
    return started
