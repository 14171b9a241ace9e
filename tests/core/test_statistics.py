"""The Conference report: aggregates only, small counts never exact, medians over enough."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from hanoinet.core.errors import CoreError
from hanoinet.core.statistics import RequestFacts, published, report

START = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def facts(n: int, **changes: object) -> list[RequestFacts]:
    base = {
        "kind": "preservation",
        "direction": "incoming",
        "counterpart": "VNM",
        "status": "executed",
        "urgency": "urgent",
        "created_at": START,
        "sent_at": START,
        "acknowledged_at": START + timedelta(minutes=30),
        "decided_at": START + timedelta(days=2),
    }
    return [RequestFacts(**{**base, **changes}) for _ in range(n)]  # type: ignore[arg-type]


def test_small_counts_are_published_as_a_range() -> None:
    assert [published(n) for n in (0, 1, 4, 5, 120)] == [0, "1-4", "1-4", 5, 120]


def test_counts_and_medians_by_direction_kind_state_and_outcome() -> None:
    rows = facts(6) + facts(
        2,
        counterpart="FRA",
        status="refused",
        refusal_grounds=("essential_interests",),
        decided_at=START + timedelta(days=9),
    )
    rows += facts(
        5,
        direction="outgoing",
        kind="mla",
        counterpart="KHM",
        urgency="routine",
        acknowledged_at=START + timedelta(hours=5),
    )
    out = report(rows, state="KHM", start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert out["requests"] == {"outgoing": 5, "incoming": 8}
    assert out["by_kind"] == {"incoming": {"preservation": 8}, "outgoing": {"mla": 5}}
    assert out["by_state"] == {"incoming": {"FRA": "1-4", "VNM": 6}, "outgoing": {"KHM": 5}}
    assert out["by_status"] == {
        "incoming": {"executed": 6, "refused": "1-4"},
        "outgoing": {"executed": 5},
    }
    assert out["refusal_grounds"] == {"incoming": {"essential_interests": "1-4"}}
    assert out["median_hours_to_acknowledge"] == {"incoming:urgent": 0.5, "outgoing:routine": 5.0}
    assert out["median_days_to_decision"] == {"incoming:preservation": 2.0, "outgoing:mla": 2.0}


def test_a_median_over_too_few_requests_is_withheld() -> None:
    out = report(facts(3), state="KHM", start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert out["median_days_to_decision"] == {"incoming:preservation": None}


def test_the_period_and_drafts_are_respected() -> None:
    rows = facts(5) + facts(5, created_at=START - timedelta(days=90)) + facts(5, status="draft")
    out = report(rows, state="KHM", start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert out["requests"] == {"outgoing": 0, "incoming": 5}
    with pytest.raises(CoreError, match="ends"):
        report(rows, state="KHM", start=date(2026, 3, 31), end=date(2026, 3, 1))


def test_the_report_is_plain_json() -> None:
    out = report(facts(7), state="KHM", start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert json.loads(json.dumps(out)) == out
