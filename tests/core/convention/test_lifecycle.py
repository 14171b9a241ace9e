"""The request lifecycle: legal paths work, illegal ones never do (property-tested)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.examples import example
from hanoinet.core.convention.lifecycle import (
    TRANSITIONS,
    Event,
    Facts,
    IllegalTransitionError,
    Side,
    Status,
    TransitionRefusedError,
    allowed_events,
    apply,
)
from hanoinet.core.convention.offences import Offence, OffenceCode

PRESERVATION = KINDS["preservation"]
COMPLETE = Facts(kind=PRESERVATION, fields=example("preservation"))
FRAUD = [Offence(OffenceCode.THEFT_OR_FRAUD, "PC 290")]


def run(*steps: tuple[Event, Side], facts: Facts = COMPLETE) -> Status:
    status = Status.DRAFT
    for event, side in steps:
        status = apply(status, event, side, facts)
    return status


def test_the_everyday_path() -> None:
    assert (
        run(
            (Event.SEND, Side.REQUESTING),
            (Event.RECEIPT, Side.SYSTEM),
            (Event.ACKNOWLEDGE, Side.REQUESTED),
            (Event.START, Side.REQUESTED),
            (Event.EXECUTE, Side.REQUESTED),
            (Event.CLOSE, Side.REQUESTING),
        )
        is Status.CLOSED
    )


def test_an_incomplete_request_cannot_be_sent() -> None:
    fields = example("preservation")
    del fields["custodian_or_location"]
    with pytest.raises(TransitionRefusedError) as refused:
        apply(Status.DRAFT, Event.SEND, Side.REQUESTING, Facts(kind=PRESERVATION, fields=fields))
    assert [(p.element, p.article) for p in refused.value.problems] == [
        ("custodian_or_location", 42)
    ]


def test_four_eyes_needs_another_officer() -> None:
    status = apply(Status.DRAFT, Event.SUBMIT_FOR_APPROVAL, Side.REQUESTING, COMPLETE)
    with pytest.raises(TransitionRefusedError, match="another officer"):
        apply(status, Event.APPROVE, Side.REQUESTING, Facts(approver_is_drafter=True))
    assert apply(status, Event.APPROVE, Side.REQUESTING, Facts()) is Status.SENT


def test_a_refusal_needs_grounds_reasons_and_consultation() -> None:
    delivered = Status.DELIVERED
    with pytest.raises(TransitionRefusedError):
        apply(delivered, Event.REFUSE, Side.REQUESTED, Facts(kind=PRESERVATION, offences=FRAUD))
    lawful = Facts(
        kind=PRESERVATION,
        offences=FRAUD,
        grounds=("essential_interests",),
        reasons="Execution would prejudice national security.",
        consultation_offered=True,
    )
    assert apply(delivered, Event.REFUSE, Side.REQUESTED, lawful) is Status.REFUSED


def test_postponement_needs_its_ground_and_incomplete_is_not_refusal() -> None:
    with pytest.raises(TransitionRefusedError, match="ongoing domestic case"):
        apply(Status.IN_PROGRESS, Event.POSTPONE, Side.REQUESTED, Facts())
    assert (
        apply(
            Status.IN_PROGRESS,
            Event.POSTPONE,
            Side.REQUESTED,
            Facts(postponement_ground="ongoing_domestic_case"),
        )
        is Status.POSTPONED
    )
    assert (
        apply(Status.DELIVERED, Event.REQUEST_CLARIFICATION, Side.REQUESTED)
        is Status.CLARIFICATION_REQUESTED
    )
    assert (
        apply(Status.CLARIFICATION_REQUESTED, Event.SUPPLY_CLARIFICATION, Side.REQUESTING)
        is Status.IN_PROGRESS
    )


def test_sides_are_enforced() -> None:
    with pytest.raises(IllegalTransitionError, match="requesting side"):
        apply(Status.IN_PROGRESS, Event.EXECUTE, Side.REQUESTING)
    with pytest.raises(IllegalTransitionError):
        apply(Status.SENT, Event.RECEIPT, Side.REQUESTED)


@given(st.lists(st.tuples(st.sampled_from(list(Event)), st.sampled_from(list(Side))), max_size=30))
def test_no_sequence_of_events_makes_an_illegal_transition(steps: list[tuple[Event, Side]]) -> None:
    status = Status.DRAFT
    facts = Facts(
        kind=PRESERVATION,
        fields=example("preservation"),
        offences=FRAUD,
        grounds=("essential_interests",),
        reasons="stated",
        consultation_offered=True,
        postponement_ground="ongoing_domestic_case",
    )
    for event, side in steps:
        legal = event in allowed_events(status, side)
        try:
            after = apply(status, event, side, facts)
        except IllegalTransitionError:
            assert not legal
            continue
        assert legal
        transition = next(t for t in TRANSITIONS if t.event is event)
        assert after is transition.target
        # Nothing ever returns to draft once sent, and closed is the end.
        assert not (
            status not in {Status.DRAFT, Status.AWAITING_APPROVAL} and after is Status.DRAFT
        )
        assert status is not Status.CLOSED
        status = after


def test_closed_is_terminal() -> None:
    for side in Side:
        assert allowed_events(Status.CLOSED, side) == []
