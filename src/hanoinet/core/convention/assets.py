"""Asset recovery on a thread: lifting a provisional measure only after the requesting State
was heard (Art. 50), and the accounts of a return of confiscated proceeds (Art. 52).

Both are pure decisions over plain values; the node stores the facts on the request's
timeline and calls these before it changes anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from hanoinet.core.convention.text import N_
from hanoinet.core.convention.validate import Problem, ProblemCode

LIFTING_ARTICLE = 50
RETURN_ARTICLE = 52
# ISO 4217 codes and the tickers of crypto-assets (BTC, USDT, …).
CURRENCY = re.compile(r"^[A-Z][A-Z0-9]{2,9}$")
# Far above any real confiscation: catches a misplaced exponent, not a large case.
MAX_AMOUNT = Decimal(10) ** 15
MAX_EXPENSES = 50


def lifting_problem(
    *,
    proposed_at: datetime | None,
    respond_by: datetime | None,
    requester_answered_at: datetime | None,
    now: datetime,
) -> Problem | None:
    """Why a provisional measure may not be lifted yet, or None if it may.

    Before lifting, the requested State gives the requesting State the opportunity to
    present its reasons for continuing the measure: it proposes the lifting, and lifts
    once the requesting State has answered or the time it was given has passed.
    """
    if proposed_at is None:
        return Problem(
            ProblemCode.HEARING_REQUIRED,
            "lifting",
            LIFTING_ARTICLE,
            N_(
                "Before a provisional measure is lifted, the requesting State must be given the "
                "opportunity to present its reasons for continuing it (Art. 50): propose the "
                "lifting first."
            ),
        )
    answered = requester_answered_at is not None and requester_answered_at >= proposed_at
    if not answered and respond_by is not None and now < respond_by:
        return Problem(
            ProblemCode.HEARING_REQUIRED,
            "lifting",
            LIFTING_ARTICLE,
            N_(
                "The requesting State has until %(respond_by)s to present its reasons for "
                "continuing the measure (Art. 50)."
            ),
            {"respond_by": respond_by.strftime("%Y-%m-%d %H:%M UTC")},
        )
    return None


@dataclass(frozen=True)
class Expense:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Disposal:
    """What the requested State did with confiscated property (Art. 52)."""

    currency: str
    confiscated: Decimal
    expenses: tuple[Expense, ...]
    returned: Decimal
    to_victims: Decimal
    victims_compensated: int
    priority_to_victims: bool
    reasons: str

    @property
    def deducted(self) -> Decimal:
        return sum((expense.amount for expense in self.expenses), Decimal(0))

    def as_dict(self) -> dict[str, object]:
        """Plain JSON: amounts as strings so no float ever rounds them."""
        return {
            "currency": self.currency,
            "confiscated": str(self.confiscated),
            "expenses": [{"label": e.label, "amount": str(e.amount)} for e in self.expenses],
            "deducted": str(self.deducted),
            "returned": str(self.returned),
            "to_victims": str(self.to_victims),
            "victims_compensated": self.victims_compensated,
            "priority_to_victims": self.priority_to_victims,
            "reasons": self.reasons,
        }


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, element: str, message: str, **params: object) -> None:
        self.problems.append(Problem(ProblemCode.INVALID, element, RETURN_ARTICLE, message, params))

    def amount(self, value: object, element: str) -> Decimal:
        parsed: Decimal | None = None
        if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
            try:
                parsed = Decimal(str(value).strip())
            except InvalidOperation:
                parsed = None
        if parsed is None or not parsed.is_finite() or parsed < 0 or parsed > MAX_AMOUNT:
            self.problem(
                element,
                N_("%(where)s must be an amount of zero or more, such as 1250.50."),
                where=element,
            )
            return Decimal(0)
        return parsed


def parse_disposal(data: Mapping[str, object]) -> tuple[Disposal | None, list[Problem]]:
    """Read and check a return-of-proceeds record; the problems name each wrong field.

    >>> disposal, problems = parse_disposal({"currency": "USD", "confiscated": "1000",
    ...     "expenses": [{"label": "storage", "amount": "50"}], "returned": "950",
    ...     "to_victims": "900", "victims_compensated": 12, "priority_to_victims": True})
    >>> problems, str(disposal.deducted)
    ([], '50')
    >>> _d, problems = parse_disposal({"currency": "USD", "confiscated": "1000",
    ...     "expenses": [{"label": "storage", "amount": "50"}], "returned": "990",
    ...     "to_victims": "0", "victims_compensated": 0, "priority_to_victims": True})
    >>> [p.element for p in problems]
    ['returned']
    """
    read = _Reader()
    currency = str(data.get("currency", "")).strip().upper()
    if not CURRENCY.match(currency):
        read.problem("currency", N_("The currency must be a code such as USD, EUR, VND or BTC."))
    confiscated = read.amount(data.get("confiscated"), "confiscated")
    returned = read.amount(data.get("returned"), "returned")
    to_victims = read.amount(data.get("to_victims", "0"), "to_victims")
    expenses: list[Expense] = []
    raw_expenses = data.get("expenses", [])
    if not isinstance(raw_expenses, list) or len(raw_expenses) > MAX_EXPENSES:
        read.problem(
            "expenses",
            N_("%(where)s must be a list of at most %(limit)s items."),
            where="expenses",
            limit=MAX_EXPENSES,
        )
        raw_expenses = []
    for index, item in enumerate(raw_expenses):
        where = f"expenses[{index}]"
        label = str(item.get("label", "")).strip() if isinstance(item, dict) else ""
        if not label:
            read.problem(where, N_("Each expense deducted needs a description and an amount."))
            continue
        amount = read.amount(item.get("amount"), f"{where}.amount")
        expenses.append(Expense(label[:200], amount))
    victims = data.get("victims_compensated", 0)
    if not isinstance(victims, int) or isinstance(victims, bool) or victims < 0:
        read.problem(
            "victims_compensated",
            N_("%(where)s must be a whole number of zero or more."),
            where="victims_compensated",
        )
        victims = 0
    priority = data.get("priority_to_victims")
    reasons = str(data.get("reasons", "")).strip()[:5000]
    if not isinstance(priority, bool):
        read.problem(
            "priority_to_victims",
            N_(
                "Say whether priority consideration was given to returning the property so that "
                "victims are compensated (Art. 52)."
            ),
        )
        priority = False
    elif not priority and not reasons:
        read.problem(
            "reasons",
            N_(
                "Give the reasons why the return was not considered first for compensating victims."
            ),
        )
    disposal = Disposal(
        currency, confiscated, tuple(expenses), returned, to_victims, victims, priority, reasons
    )
    if not read.problems:
        net = confiscated - disposal.deducted
        if returned > net:
            read.problem(
                "returned",
                N_(
                    "The amount returned cannot exceed the amount confiscated less the expenses "
                    "deducted (%(net)s)."
                ),
                net=f"{net} {currency}",
            )
        if to_victims > returned:
            read.problem(
                "to_victims",
                N_("The compensation paid to victims cannot exceed the amount returned."),
            )
        if to_victims > 0 and victims == 0:
            read.problem(
                "victims_compensated",
                N_("Compensation was paid: give the number of victims compensated."),
            )
    return (None, read.problems) if read.problems else (disposal, [])
