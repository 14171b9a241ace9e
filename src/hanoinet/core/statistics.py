"""Statistics for the Conference of the States Parties: counts and delays of cooperation,
built from aggregates only.

The input carries no content, reference or person: kind, direction, other State, status,
urgency and the times of a few steps. The output is counts and medians; any count below
the publication threshold is shown as a range ("1-4") so that a single case cannot be
singled out, and medians are given only over enough requests.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hanoinet.core.errors import CoreError

SMALL_COUNT = 5  # counts under this are published as "1-4"


@dataclass(frozen=True)
class RequestFacts:
    """What the statistics may know of one request."""

    kind: str
    direction: str  # "outgoing" | "incoming"
    counterpart: str  # ISO 3166 alpha-3 of the other State
    status: str
    urgency: str
    created_at: datetime
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    decided_at: datetime | None = None  # executed, partially executed or refused
    refusal_grounds: tuple[str, ...] = ()


def published(count: int) -> int | str:
    """A count as it may be published: small non-zero counts become a range."""
    return f"1-{SMALL_COUNT - 1}" if 0 < count < SMALL_COUNT else count


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if len(values) >= SMALL_COUNT else None


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def _table(counter: Counter[tuple[str, ...]]) -> dict[str, object]:
    """Nested counts ``{a: {b: n}}`` from tuple keys, each count as published."""
    table: dict[str, object] = {}
    for key, count in sorted(counter.items()):
        level = table
        for part in key[:-1]:
            level = level.setdefault(part, {})  # type: ignore[assignment]
        level[key[-1]] = published(count)
    return table


def report(
    facts: Iterable[RequestFacts], *, state: str, start: date, end: date
) -> dict[str, object]:
    """The report for one State over ``start`` ≤ created date ≤ ``end``."""
    if end < start:
        raise CoreError(f"the period ends ({end}) before it starts ({start})")
    chosen = [f for f in facts if start <= f.created_at.date() <= end and f.status != "draft"]
    by_kind: Counter[tuple[str, ...]] = Counter()
    by_state: Counter[tuple[str, ...]] = Counter()
    outcomes: Counter[tuple[str, ...]] = Counter()
    grounds: Counter[tuple[str, ...]] = Counter()
    acknowledge: dict[str, list[float]] = {}
    decide: dict[str, list[float]] = {}
    for fact in chosen:
        by_kind[(fact.direction, fact.kind)] += 1
        by_state[(fact.direction, fact.counterpart)] += 1
        outcomes[(fact.direction, fact.status)] += 1
        for ground in fact.refusal_grounds:
            grounds[(fact.direction, ground)] += 1
        if (hours := _hours(fact.sent_at, fact.acknowledged_at)) is not None:
            acknowledge.setdefault(f"{fact.direction}:{fact.urgency}", []).append(hours)
        if (hours := _hours(fact.sent_at, fact.decided_at)) is not None:
            decide.setdefault(f"{fact.direction}:{fact.kind}", []).append(hours / 24)
    return {
        "state": state,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "small_counts_shown_as": f"1-{SMALL_COUNT - 1}",
        "requests": {
            direction: published(sum(1 for f in chosen if f.direction == direction))
            for direction in ("outgoing", "incoming")
        },
        "by_kind": _table(by_kind),
        "by_state": _table(by_state),
        "by_status": _table(outcomes),
        "refusal_grounds": _table(grounds),
        "median_hours_to_acknowledge": {
            key: _median(values) for key, values in sorted(acknowledge.items())
        },
        "median_days_to_decision": {key: _median(values) for key, values in sorted(decide.items())},
    }
