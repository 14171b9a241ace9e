"""Time limits and decisions: how long preservation lasts, which refusals are lawful."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hanoinet.core.convention.grounds import (
    FORBIDDEN_GROUNDS,
    REFUSAL_GROUNDS,
    ForbiddenGround,
    RefusalGround,
)
from hanoinet.core.convention.kinds import MIN_PRESERVATION_DAYS, DualCriminality, RequestKind
from hanoinet.core.convention.offences import Offence, reservation_may_apply
from hanoinet.core.convention.text import N_
from hanoinet.core.convention.validate import Problem, ProblemCode
from hanoinet.core.errors import CoreError


@dataclass(frozen=True)
class PreservationTerm:
    """Art. 42: at least 60 days; once the MLA request arrives, held until it is decided."""

    preserved_at: datetime
    days: int
    mla_received_at: datetime | None = None
    mla_decided_at: datetime | None = None

    @property
    def preserved_until(self) -> datetime | None:
        """None while the data is held pending the decision on the MLA request."""
        base = self.preserved_at + timedelta(days=self.days)
        if self.mla_received_at is not None and self.mla_received_at <= base:
            return self.mla_decided_at  # None while undecided: keep preserving
        return base

    def expired(self, now: datetime) -> bool:
        until = self.preserved_until
        return until is not None and now >= until


def preservation_term(
    preserved_at: datetime, requested_days: int | None = None, state_minimum_days: int | None = None
) -> PreservationTerm:
    """The term of a preservation: the longest of 60 days, the State's own minimum and what was asked.

    >>> from datetime import UTC
    >>> start = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    >>> preservation_term(start).preserved_until.date().isoformat()
    '2027-01-22'
    >>> preservation_term(start, 30, 90).days
    90
    """
    if preserved_at.tzinfo is None:
        raise CoreError("preservation times must carry a time zone")
    days = max(MIN_PRESERVATION_DAYS, requested_days or 0, state_minimum_days or 0)
    return PreservationTerm(preserved_at, days)


def dual_criminality_may_be_required(
    kind: RequestKind, offences: list[Offence], *, art42_reservation: bool
) -> bool:
    """May the requested State make this request depend on dual criminality?

    Preservation never, except under the Art. 42 reservation and then only for offences
    outside Art. 7-11; non-coercive kinds never; other MLA may (conduct-based test, Art. 35).
    """
    if kind.dual_criminality is DualCriminality.NOT_REQUIRED:
        return False
    if kind.dual_criminality is DualCriminality.RESERVATION_ONLY:
        return art42_reservation and reservation_may_apply(offences)
    return True


def check_refusal(
    kind: RequestKind,
    grounds: Iterable[str],
    offences: list[Offence],
    *,
    reasons: str,
    consultation_offered: bool,
    art42_reservation: bool = False,
) -> list[Problem]:
    """Problems with a refusal: every refusal needs allowed grounds, reasons and prior consultation."""
    problems: list[Problem] = []
    chosen = list(grounds)
    if not chosen:
        problems.append(
            Problem(ProblemCode.MISSING, "grounds", 40, N_("A refusal needs at least one ground."))
        )
    for ground in chosen:
        if ground in set(ForbiddenGround):
            problems.append(
                Problem(
                    ProblemCode.INVALID,
                    "grounds",
                    40,
                    FORBIDDEN_GROUNDS[ForbiddenGround(ground)].label,
                )
            )
            continue
        if ground not in set(RefusalGround):
            problems.append(
                Problem(
                    ProblemCode.INVALID,
                    "grounds",
                    None,
                    N_("%(ground)s is not a refusal ground."),
                    {"ground": ground},
                )
            )
            continue
        refusal = RefusalGround(ground)
        if refusal not in kind.refusal_grounds:
            problems.append(
                Problem(
                    ProblemCode.INVALID,
                    "grounds",
                    kind.article,
                    N_("%(ground)s is not a ground on which a %(kind)s request may be refused."),
                    {"ground": ground, "kind": kind.code},
                )
            )
        elif refusal in (
            RefusalGround.DUAL_CRIMINALITY,
            RefusalGround.DUAL_CRIMINALITY_RESERVATION,
        ) and not (
            dual_criminality_may_be_required(kind, offences, art42_reservation=art42_reservation)
        ):
            problems.append(
                Problem(
                    ProblemCode.INVALID,
                    "grounds",
                    REFUSAL_GROUNDS[refusal].article,
                    N_("Dual criminality cannot be required for this request and these offences."),
                )
            )
    if not reasons.strip():
        problems.append(
            Problem(
                ProblemCode.MISSING, "reasons", 40, N_("Reasons must be given for any refusal.")
            )
        )
    if not consultation_offered:
        problems.append(
            Problem(
                ProblemCode.MISSING,
                "consultation",
                40,
                N_(
                    "Before refusing, the requested State consults the requesting State on whether assistance may be granted subject to conditions."
                ),
            )
        )
    return problems


# Days before the end of a preservation at which both sides are reminded.
DEFAULT_REMINDER_OFFSETS = (14, 7, 2)


def reminders_due(
    term: PreservationTerm,
    now: datetime,
    *,
    sent: frozenset[int] = frozenset(),
    offsets: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS,
) -> list[int]:
    """The reminder offsets (days before the end) that are due at ``now`` and not yet sent.

    None while the data is held pending the MLA decision (no end date), none after expiry.

    >>> from datetime import UTC
    >>> term = preservation_term(datetime(2026, 11, 1, tzinfo=UTC))
    >>> reminders_due(term, datetime(2026, 12, 20, tzinfo=UTC))
    [14]
    >>> reminders_due(term, datetime(2026, 12, 25, tzinfo=UTC), sent=frozenset({14}))
    [7]
    >>> reminders_due(term, datetime(2026, 12, 25, tzinfo=UTC), sent=frozenset({14, 7}))
    []
    """
    if term.preserved_until is None:
        return []
    return due_offsets(term.preserved_until, now, sent=sent, offsets=offsets)


def due_offsets(
    until: datetime,
    now: datetime,
    *,
    sent: frozenset[int] = frozenset(),
    offsets: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS,
) -> list[int]:
    """The reminder offsets due at ``now`` for a term ending at ``until`` (see above)."""
    if now >= until:
        return []
    passed = [offset for offset in offsets if now >= until - timedelta(days=offset)]
    # Only the most urgent one, once: a late worker does not send three at once, and an
    # earlier offset left unsent is stale once a later one went out.
    return [min(passed)] if passed and min(passed) not in sent else []
