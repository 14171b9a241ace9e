"""Asset recovery rules: lifting after a hearing (Art. 50), the accounts of a return (Art. 52)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from hanoinet.core.convention.assets import lifting_problem, parse_disposal
from hanoinet.core.convention.validate import ProblemCode

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
GOOD = {
    "currency": "usdt",
    "confiscated": "120000.50",
    "expenses": [
        {"label": "custody at the exchange", "amount": "500"},
        {"label": "court fees", "amount": 250},
    ],
    "returned": "119250.50",
    "to_victims": "119250.50",
    "victims_compensated": 37,
    "priority_to_victims": True,
}


def test_no_lifting_without_a_proposal_first() -> None:
    problem = lifting_problem(
        proposed_at=None, respond_by=None, requester_answered_at=None, now=NOW
    )
    assert problem is not None
    assert (problem.code, problem.article) == (ProblemCode.HEARING_REQUIRED, 50)


def test_lifting_waits_for_the_answer_or_the_end_of_the_time_given() -> None:
    proposed, respond_by = NOW - timedelta(days=2), NOW + timedelta(days=12)
    waiting = lifting_problem(
        proposed_at=proposed, respond_by=respond_by, requester_answered_at=None, now=NOW
    )
    assert waiting is not None
    assert "2026-12-12" in waiting.text
    heard = lifting_problem(
        proposed_at=proposed, respond_by=respond_by, requester_answered_at=NOW, now=NOW
    )
    assert heard is None
    silent = lifting_problem(
        proposed_at=proposed,
        respond_by=respond_by,
        requester_answered_at=None,
        now=respond_by + timedelta(seconds=1),
    )
    assert silent is None


def test_an_answer_to_an_earlier_proposal_does_not_count() -> None:
    proposed = NOW - timedelta(days=1)
    problem = lifting_problem(
        proposed_at=proposed,
        respond_by=NOW + timedelta(days=13),
        requester_answered_at=proposed - timedelta(days=30),
        now=NOW,
    )
    assert problem is not None


def test_a_complete_return_is_read_with_exact_amounts() -> None:
    disposal, problems = parse_disposal(GOOD)
    assert problems == []
    assert disposal is not None
    assert disposal.currency == "USDT"
    assert disposal.deducted == Decimal("750")
    assert disposal.as_dict()["confiscated"] == "120000.50"
    assert disposal.as_dict()["expenses"] == [
        {"label": "custody at the exchange", "amount": "500"},
        {"label": "court fees", "amount": "250"},
    ]


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"currency": "dollars!"}, "currency"),
        ({"confiscated": "-5"}, "confiscated"),
        ({"confiscated": "NaN"}, "confiscated"),
        ({"confiscated": 1.5e300}, "confiscated"),
        ({"returned": True}, "returned"),
        ({"expenses": [{"amount": "5"}]}, "expenses[0]"),
        ({"expenses": [{"label": "fees", "amount": "x"}]}, "expenses[0].amount"),
        ({"expenses": "all of it"}, "expenses"),
        ({"returned": "119251"}, "returned"),
        ({"to_victims": "119251", "returned": "119250.50"}, "to_victims"),
        ({"victims_compensated": 0}, "victims_compensated"),
        ({"victims_compensated": -1}, "victims_compensated"),
        ({"priority_to_victims": "yes"}, "priority_to_victims"),
        ({"priority_to_victims": False}, "reasons"),
    ],
)
def test_each_wrong_field_is_named(change: dict[str, object], element: str) -> None:
    disposal, problems = parse_disposal({**GOOD, **change})
    assert disposal is None
    assert element in [p.element for p in problems]
    assert all(p.article == 52 for p in problems)


def test_no_priority_to_victims_is_allowed_with_reasons() -> None:
    disposal, problems = parse_disposal(
        {
            **GOOD,
            "priority_to_victims": False,
            "reasons": "no identified victim; owner is a company",
            "to_victims": "0",
            "victims_compensated": 0,
        }
    )
    assert problems == []
    assert disposal is not None
