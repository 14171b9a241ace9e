"""The life of a cooperation request, as a state machine with no illegal transition.

draft -> (awaiting approval ->) sent -> delivered -> acknowledged -> in progress ->
executed | partially executed | refused | postponed | clarification requested | withdrawn
-> closed. Each transition says which side may take it (the requesting or the requested
State, or the system on a receipt) and what it needs: a refusal needs allowed grounds,
written reasons and a consultation offered first (Art. 40); a postponement needs its
ground (an ongoing domestic case); "incomplete" asks for clarification and is not a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hanoinet.core.convention.grounds import PostponementGround
from hanoinet.core.convention.kinds import RequestKind
from hanoinet.core.convention.limits import check_refusal
from hanoinet.core.convention.offences import Offence
from hanoinet.core.convention.text import N_
from hanoinet.core.convention.validate import Problem, ProblemCode, validate
from hanoinet.core.errors import CoreError


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SENT = "sent"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLARIFICATION_REQUESTED = "clarification_requested"
    POSTPONED = "postponed"
    EXECUTED = "executed"
    PARTIALLY_EXECUTED = "partially_executed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class Side(StrEnum):
    REQUESTING = "requesting"
    REQUESTED = "requested"
    SYSTEM = "system"  # the node itself, on a signed receipt


class Event(StrEnum):
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    APPROVE = "approve"
    RETURN_TO_DRAFT = "return_to_draft"
    SEND = "send"
    RECEIPT = "receipt"
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    REQUEST_CLARIFICATION = "request_clarification"
    SUPPLY_CLARIFICATION = "supply_clarification"
    POSTPONE = "postpone"
    RESUME = "resume"
    EXECUTE = "execute"
    EXECUTE_PARTIALLY = "execute_partially"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    CLOSE = "close"


S, E = Status, Event
# Statuses from which the request is still alive at the requested State.
OPEN_AT_REQUESTED = frozenset(
    {S.DELIVERED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.CLARIFICATION_REQUESTED, S.POSTPONED}
)
FINAL_OUTCOMES = frozenset({S.EXECUTED, S.PARTIALLY_EXECUTED, S.REFUSED, S.WITHDRAWN})


@dataclass(frozen=True)
class Transition:
    event: Event
    sources: frozenset[Status]
    target: Status
    sides: frozenset[Side]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        E.SUBMIT_FOR_APPROVAL,
        frozenset({S.DRAFT}),
        S.AWAITING_APPROVAL,
        frozenset({Side.REQUESTING}),
    ),
    Transition(
        E.RETURN_TO_DRAFT, frozenset({S.AWAITING_APPROVAL}), S.DRAFT, frozenset({Side.REQUESTING})
    ),
    Transition(E.APPROVE, frozenset({S.AWAITING_APPROVAL}), S.SENT, frozenset({Side.REQUESTING})),
    Transition(E.SEND, frozenset({S.DRAFT}), S.SENT, frozenset({Side.REQUESTING})),
    Transition(E.RECEIPT, frozenset({S.SENT}), S.DELIVERED, frozenset({Side.SYSTEM})),
    Transition(
        E.ACKNOWLEDGE, frozenset({S.DELIVERED}), S.ACKNOWLEDGED, frozenset({Side.REQUESTED})
    ),
    Transition(
        E.START,
        frozenset({S.DELIVERED, S.ACKNOWLEDGED}),
        S.IN_PROGRESS,
        frozenset({Side.REQUESTED}),
    ),
    Transition(
        E.REQUEST_CLARIFICATION,
        frozenset({S.DELIVERED, S.ACKNOWLEDGED, S.IN_PROGRESS}),
        S.CLARIFICATION_REQUESTED,
        frozenset({Side.REQUESTED}),
    ),
    Transition(
        E.SUPPLY_CLARIFICATION,
        frozenset({S.CLARIFICATION_REQUESTED}),
        S.IN_PROGRESS,
        frozenset({Side.REQUESTING}),
    ),
    Transition(
        E.POSTPONE,
        frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS}),
        S.POSTPONED,
        frozenset({Side.REQUESTED}),
    ),
    Transition(E.RESUME, frozenset({S.POSTPONED}), S.IN_PROGRESS, frozenset({Side.REQUESTED})),
    Transition(E.EXECUTE, frozenset({S.IN_PROGRESS}), S.EXECUTED, frozenset({Side.REQUESTED})),
    Transition(
        E.EXECUTE_PARTIALLY,
        frozenset({S.IN_PROGRESS}),
        S.PARTIALLY_EXECUTED,
        frozenset({Side.REQUESTED}),
    ),
    Transition(
        E.REFUSE,
        frozenset(
            {S.DELIVERED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.CLARIFICATION_REQUESTED, S.POSTPONED}
        ),
        S.REFUSED,
        frozenset({Side.REQUESTED}),
    ),
    Transition(
        E.WITHDRAW,
        frozenset({S.SENT, *OPEN_AT_REQUESTED}),
        S.WITHDRAWN,
        frozenset({Side.REQUESTING}),
    ),
    Transition(E.CLOSE, FINAL_OUTCOMES, S.CLOSED, frozenset({Side.REQUESTING, Side.REQUESTED})),
)
_BY_EVENT = {transition.event: transition for transition in TRANSITIONS}


class IllegalTransitionError(CoreError):
    def __init__(self, status: Status, event: Event, side: Side) -> None:
        super().__init__(f"a request that is {status} cannot be {event} by the {side} side")
        self.status, self.event, self.side = status, event, side


@dataclass(frozen=True)
class Facts:
    """What a transition may need to be lawful."""

    kind: RequestKind | None = None
    fields: dict[str, object] = field(default_factory=dict)
    offences: list[Offence] = field(default_factory=list)
    grounds: tuple[str, ...] = ()
    reasons: str = ""
    consultation_offered: bool = False
    art42_reservation: bool = False
    postponement_ground: str = ""
    approver_is_drafter: bool = False


def requirements(event: Event, facts: Facts) -> list[Problem]:
    """Problems that stop ``event`` whatever the status: an empty list lets it happen."""
    if event in (E.SEND, E.SUBMIT_FOR_APPROVAL) and facts.kind is not None:
        return validate(facts.kind, facts.fields)
    if event is E.APPROVE and facts.approver_is_drafter:
        return [
            Problem(
                ProblemCode.INVALID,
                "approver",
                None,
                N_("The four-eyes rule: another officer must approve."),
            )
        ]
    if event is E.REFUSE and facts.kind is not None:
        return check_refusal(
            facts.kind,
            facts.grounds,
            facts.offences,
            reasons=facts.reasons,
            consultation_offered=facts.consultation_offered,
            art42_reservation=facts.art42_reservation,
        )
    if event is E.POSTPONE and facts.postponement_ground not in set(PostponementGround):
        return [
            Problem(
                ProblemCode.MISSING,
                "postponement_ground",
                40,
                N_(
                    "A postponement needs its ground: execution would interfere with an ongoing domestic case."
                ),
            )
        ]
    return []


def allowed_events(status: Status, side: Side) -> list[Event]:
    return [t.event for t in TRANSITIONS if status in t.sources and side in t.sides]


def legal_target(status: Status, event: Event, side: Side) -> Status:
    """The status ``event`` leads to, if this side may take it now (requirements aside)."""
    transition = _BY_EVENT[event]
    if status not in transition.sources or side not in transition.sides:
        raise IllegalTransitionError(status, event, side)
    return transition.target


def apply(status: Status, event: Event, side: Side, facts: Facts | None = None) -> Status:
    """The status after ``event``; raises ``IllegalTransitionError`` or, when the event is
    legal here but its requirements are not met, ``TransitionRefusedError``."""
    target = legal_target(status, event, side)
    problems = requirements(event, facts or Facts())
    if problems:
        raise TransitionRefusedError(problems)
    return target


class TransitionRefusedError(CoreError):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problem.text for problem in self.problems))
