"""Check a request against what its article requires.

``validate(kind, fields)`` never raises on bad values: it returns every problem at once,
each naming the element, the article and a plain-language explanation, so that an officer
fixes the request in one pass. Only an unknown kind raises ``UnknownKindError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeGuard

from hanoinet.core.convention.elements import (
    IDENTIFIERS_NEEDING_TIME,
    Element,
    IdentifierKind,
    Urgency,
    ValueType,
)
from hanoinet.core.convention.kinds import KINDS, MIN_PRESERVATION_DAYS, RequestKind
from hanoinet.core.convention.offences import Modifier, Offence, OffenceCode, Scope, in_scope
from hanoinet.core.convention.text import N_
from hanoinet.core.errors import CoreError

# "Any available information": the article is satisfied by saying explicitly that there is none.
NONE_AVAILABLE: Mapping[str, object] = {"none_available": True}

MAX_TEXT = 20_000
MAX_SHORT = 500
MAX_ITEMS = 500
# RFC 3339 with an explicit offset: a time without a time zone names no moment.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
CURRENCY = re.compile(r"^[A-Z]{3}$")


class UnknownKindError(CoreError):
    def __init__(self, code: str) -> None:
        known = ", ".join(sorted(KINDS))
        super().__init__(f"unknown request kind {code!r}; known kinds: {known}")
        self.code = code


class ProblemCode(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"
    UNKNOWN_FIELD = "unknown_field"
    NONE_AVAILABLE_NOT_ALLOWED = "none_available_not_allowed"
    STATEMENT_REQUIRED = "statement_required"
    TOO_SHORT = "too_short"
    OUT_OF_SCOPE = "out_of_scope"
    REASON_REQUIRED = "reason_required"
    HEARING_REQUIRED = "hearing_required"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request. ``message % params`` is the English text;
    the node shows ``gettext(message) % params``."""

    code: ProblemCode
    element: str  # the element name, or a path inside it such as "identifiers[2].at"
    article: int | None
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.message % dict(self.params) if self.params else self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "code": str(self.code),
            "element": self.element,
            "article": self.article,
            "message": self.text,
        }


def kind_for(code: str) -> RequestKind:
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKindError(code) from None


def validate(kind: RequestKind | str, fields: object) -> list[Problem]:
    """Every problem with ``fields`` as a request of ``kind``; empty when it may be sent."""
    request_kind = kind_for(kind) if isinstance(kind, str) else kind
    if not isinstance(fields, Mapping):
        return [
            Problem(
                ProblemCode.INVALID,
                "",
                request_kind.article,
                N_("The request must be a JSON object."),
            )
        ]
    checker = _Checker(request_kind)
    checker.run(fields)
    return checker.problems


def is_none_available(value: object) -> TypeGuard[Mapping[str, object]]:
    return isinstance(value, Mapping) and value.get("none_available") is True


class _Checker:
    def __init__(self, kind: RequestKind) -> None:
        self.kind = kind
        self.problems: list[Problem] = []
        self.offences: list[Offence] = []
        # An offence whose penalty is unknown leaves the Art. 35 scope undecided: say what
        # is missing rather than call the request out of scope.
        self.scope_undecided = False

    def add(
        self, code: ProblemCode, path: str, article: int | None, message: str, /, **params: object
    ) -> None:
        self.problems.append(Problem(code, path, article, message, params))

    def run(self, fields: Mapping[object, object]) -> None:
        known = set(self.kind.element_names)
        for name in sorted(str(key) for key in fields if key not in known):
            self.add(
                ProblemCode.UNKNOWN_FIELD,
                name,
                None,
                N_("%(field)s is not an element of a %(kind)s request."),
                field=name,
                kind=self.kind.code,
            )
        for element in self.kind.elements:
            value = fields.get(element.name)
            if _is_blank(value):
                if element.required:
                    self.add(
                        ProblemCode.MISSING,
                        element.name,
                        element.article,
                        N_("Missing: %(label)s. %(why)s"),
                        label=element.label,
                        why=element.why,
                    )
                continue
            self.check_value(element, value)
        self.check_kind_rules(fields)

    def check_value(self, element: Element, value: object) -> None:
        if is_none_available(value):
            if not element.accepts_none_available:
                self.add(
                    ProblemCode.NONE_AVAILABLE_NOT_ALLOWED,
                    element.name,
                    element.article,
                    N_(
                        '%(label)s cannot be answered with "none available"; the article requires the information.'
                    ),
                    label=element.label,
                )
            elif set(value) - {"none_available", "note"} or not _optional_text(value, "note"):
                self.invalid(
                    element.name,
                    element.article,
                    N_('"none available" takes only an optional text note.'),
                )
            return
        reader = _READERS[element.value_type]
        reader(self, element, value)

    def invalid(self, path: str, article: int | None, message: str, /, **params: object) -> None:
        self.add(ProblemCode.INVALID, path, article, message, **params)

    # --- rules that span elements -------------------------------------------------------
    def check_kind_rules(self, fields: Mapping[object, object]) -> None:
        kind = self.kind
        if self.offences and not self.scope_undecided and not in_scope(self.offences, kind.scope):
            if kind.scope is Scope.EVIDENCE:
                message = N_(
                    "Outside the scope of the Convention: give an offence established under the Convention, "
                    "or, for electronic evidence, a serious crime punishable by at least 4 years (Art. 35)."
                )
            else:
                message = N_(
                    "Outside the scope of the Convention: this request needs an offence established under it (Art. 35)."
                )
            self.add(ProblemCode.OUT_OF_SCOPE, "offences", 35, message)
        days = fields.get("preservation_days")
        if (
            "preservation_days" in kind.element_names
            and _is_whole(days)
            and days < MIN_PRESERVATION_DAYS
        ):
            self.add(
                ProblemCode.TOO_SHORT,
                "preservation_days",
                42,
                N_(
                    "Preservation must last at least %(minimum)s days so that the request for assistance can follow (Art. 42)."
                ),
                minimum=MIN_PRESERVATION_DAYS,
            )
        urgency = fields.get("urgency")
        if (
            "urgency" in kind.element_names
            and urgency in (Urgency.URGENT, Urgency.EMERGENCY)
            and _is_blank(fields.get("urgency_reason"))
        ):
            self.add(
                ProblemCode.REASON_REQUIRED,
                "urgency_reason",
                40,
                N_(
                    "An urgent or emergency request must give the reason for its urgency (Art. 40)."
                ),
            )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_text(obj: Mapping[str, object], key: str) -> bool:
    value = obj.get(key)
    return value is None or (isinstance(value, str) and len(value) <= MAX_TEXT)


def parse_moment(text: object) -> datetime | None:
    """An RFC 3339 time with an offset, or None.

    >>> parse_moment("2026-11-23T03:10:00+07:00").utcoffset().total_seconds()
    25200.0
    >>> parse_moment("2026-11-23T03:10:00") is None
    True
    """
    if not isinstance(text, str) or not RFC3339.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# --- readers, one per value type --------------------------------------------------------
def _text(checker: _Checker, element: Element, value: object, limit: int = MAX_TEXT) -> None:
    if not isinstance(value, str):
        checker.invalid(
            element.name, element.article, N_("%(label)s must be text."), label=element.label
        )
    elif len(value) > limit:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s is longer than %(limit)s characters."),
            label=element.label,
            limit=limit,
        )


def _reference(checker: _Checker, element: Element, value: object) -> None:
    _text(checker, element, value, MAX_SHORT)


def _statement(checker: _Checker, element: Element, value: object) -> None:
    if value is not True:
        checker.add(
            ProblemCode.STATEMENT_REQUIRED,
            element.name,
            element.article,
            N_("%(label)s: the article requires this statement; set it to true."),
            label=element.label,
        )


def _flag(checker: _Checker, element: Element, value: object) -> None:
    if not isinstance(value, bool):
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s must be true or false."),
            label=element.label,
        )


def _days(checker: _Checker, element: Element, value: object) -> None:
    if not _is_whole(value) or value < 1 or value > 3650:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s must be a whole number of days."),
            label=element.label,
        )


def _datetime(checker: _Checker, where: str, article: int | None, value: object) -> datetime | None:
    moment = parse_moment(value)
    if moment is None:
        checker.invalid(
            where,
            article,
            N_(
                "%(where)s must be a date and time with its time zone, like 2026-11-23T03:10:00+07:00."
            ),
            where=where,
        )
    return moment


def _period(checker: _Checker, element: Element, value: object) -> None:
    if not isinstance(value, Mapping) or set(value) - {"start", "end"}:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s must be an object with start and end."),
            label=element.label,
        )
        return
    start = _datetime(checker, f"{element.name}.start", element.article, value.get("start"))
    end = _datetime(checker, f"{element.name}.end", element.article, value.get("end"))
    if start and end and end <= start:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s ends before it starts."),
            label=element.label,
        )


def _choice(checker: _Checker, element: Element, value: object) -> None:
    if value not in element.choices:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s must be one of: %(choices)s."),
            label=element.label,
            choices=", ".join(element.choices),
        )


def _choices(checker: _Checker, element: Element, value: object) -> None:
    if not isinstance(value, list) or not value:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s must be a non-empty list."),
            label=element.label,
        )
        return
    for index, item in enumerate(value):
        if item not in element.choices:
            checker.invalid(
                f"{element.name}[{index}]",
                element.article,
                N_("%(label)s must be among: %(choices)s."),
                label=element.label,
                choices=", ".join(element.choices),
            )


def _list_of_objects(
    checker: _Checker, element: Element, value: object
) -> list[tuple[str, Mapping[str, object]]]:
    if not isinstance(value, list):
        checker.invalid(
            element.name, element.article, N_("%(label)s must be a list."), label=element.label
        )
        return []
    if len(value) > MAX_ITEMS:
        checker.invalid(
            element.name,
            element.article,
            N_("%(label)s has more than %(limit)s items."),
            label=element.label,
            limit=MAX_ITEMS,
        )
        return []
    items = []
    for index, item in enumerate(value):
        where = f"{element.name}[{index}]"
        if not isinstance(item, Mapping):
            checker.invalid(where, element.article, N_("%(where)s must be an object."), where=where)
        else:
            items.append((where, item))
    return items


def _unknown_keys(
    checker: _Checker,
    where: str,
    article: int | None,
    item: Mapping[str, object],
    allowed: set[str],
) -> None:
    for key in sorted(str(key) for key in item if key not in allowed):
        checker.add(
            ProblemCode.UNKNOWN_FIELD,
            f"{where}.{key}",
            article,
            N_("%(field)s is not a known field."),
            field=f"{where}.{key}",
        )


def _item_text(
    checker: _Checker,
    where: str,
    article: int | None,
    item: Mapping[str, object],
    key: str,
    *,
    required: bool,
) -> None:
    value = item.get(key)
    if _is_blank(value):
        if required:
            checker.add(
                ProblemCode.MISSING,
                f"{where}.{key}",
                article,
                N_("Missing: %(field)s."),
                field=f"{where}.{key}",
            )
    elif not isinstance(value, str) or len(value) > MAX_SHORT:
        checker.invalid(
            f"{where}.{key}", article, N_("%(where)s must be text."), where=f"{where}.{key}"
        )


def _offences(checker: _Checker, element: Element, value: object) -> None:
    items = _list_of_objects(checker, element, value)
    if isinstance(value, list) and not value:
        return
    for where, item in items:
        _unknown_keys(
            checker,
            where,
            element.article,
            item,
            {"code", "provision", "max_penalty_years", "modifiers"},
        )
        code = item.get("code")
        if code not in set(OffenceCode):
            checker.invalid(
                f"{where}.code",
                35,
                N_("%(where)s must be one of: %(choices)s."),
                where=f"{where}.code",
                choices=", ".join(OffenceCode),
            )
            continue
        _item_text(checker, where, element.article, item, "provision", required=False)
        years = item.get("max_penalty_years")
        if years is not None and (
            isinstance(years, bool) or not isinstance(years, int | float) or not 0 < years <= 200
        ):
            checker.invalid(
                f"{where}.max_penalty_years",
                35,
                N_("%(where)s must be a number of years."),
                where=f"{where}.max_penalty_years",
            )
            years = None
        modifiers = item.get("modifiers", [])
        if not isinstance(modifiers, list) or any(m not in set(Modifier) for m in modifiers):
            checker.invalid(
                f"{where}.modifiers",
                element.article,
                N_("%(where)s must be a list among: %(choices)s."),
                where=f"{where}.modifiers",
                choices=", ".join(Modifier),
            )
            modifiers = []
        if code == OffenceCode.OTHER and years is None:
            checker.scope_undecided = True
            checker.add(
                ProblemCode.MISSING,
                f"{where}.max_penalty_years",
                35,
                N_(
                    "An offence not established under the Convention needs its maximum penalty: only a serious crime (at least 4 years) is in scope (Art. 35)."
                ),
            )
        checker.offences.append(
            Offence(
                OffenceCode(str(code)),
                str(item.get("provision") or ""),
                float(years) if years is not None else None,
                tuple(Modifier(str(m)) for m in modifiers),
            )
        )


def _identifiers(checker: _Checker, element: Element, value: object) -> None:
    for where, item in _list_of_objects(checker, element, value):
        _unknown_keys(
            checker, where, element.article, item, {"kind", "value", "at", "port", "note"}
        )
        kind = item.get("kind")
        if kind not in set(IdentifierKind):
            checker.invalid(
                f"{where}.kind",
                element.article,
                N_("%(where)s must be one of: %(choices)s."),
                where=f"{where}.kind",
                choices=", ".join(IdentifierKind),
            )
        _item_text(checker, where, element.article, item, "value", required=True)
        _item_text(checker, where, element.article, item, "note", required=False)
        if item.get("at") is not None:
            _datetime(checker, f"{where}.at", element.article, item.get("at"))
        elif kind in IDENTIFIERS_NEEDING_TIME:
            checker.add(
                ProblemCode.MISSING,
                f"{where}.at",
                element.article,
                N_(
                    "An IP address identifies no one without the exact time of use and its time zone."
                ),
            )
        port = item.get("port")
        if port is not None and (not _is_whole(port) or not 0 <= port <= 65535):
            checker.invalid(
                f"{where}.port",
                element.article,
                N_("%(where)s must be a port number from 0 to 65535."),
                where=f"{where}.port",
            )


def _persons(checker: _Checker, element: Element, value: object) -> None:
    for where, item in _list_of_objects(checker, element, value):
        _unknown_keys(
            checker,
            where,
            element.article,
            item,
            {"name", "role", "nationality", "location", "date_of_birth", "identifiers"},
        )
        for key in ("name", "role", "nationality", "location", "date_of_birth", "identifiers"):
            _item_text(checker, where, element.article, item, key, required=False)


def _property(checker: _Checker, element: Element, value: object) -> None:
    items = _list_of_objects(checker, element, value)
    for where, item in items:
        _unknown_keys(
            checker,
            where,
            element.article,
            item,
            {"description", "kind", "location", "estimated_value", "identifiers"},
        )
        _item_text(checker, where, element.article, item, "description", required=True)
        for key in ("kind", "location", "identifiers"):
            _item_text(checker, where, element.article, item, key, required=False)
        money = item.get("estimated_value")
        if money is not None:
            _money(checker, f"{where}.estimated_value", element.article, money)


def _money(checker: _Checker, where: str, article: int | None, money: object) -> None:
    if not isinstance(money, Mapping) or set(money) != {"amount", "currency"}:
        checker.invalid(
            where, article, N_("%(where)s must be an object with amount and currency."), where=where
        )
        return
    amount = money["amount"]
    try:
        ok = isinstance(amount, str) and Decimal(amount) >= 0
    except InvalidOperation:
        ok = False
    if not ok:
        checker.invalid(
            f"{where}.amount",
            article,
            N_('%(where)s must be a decimal number written as text, like "1250.00".'),
            where=f"{where}.amount",
        )
    if not isinstance(money["currency"], str) or not CURRENCY.match(money["currency"]):
        checker.invalid(
            f"{where}.currency",
            article,
            N_("%(where)s must be an ISO 4217 code such as USD or VND."),
            where=f"{where}.currency",
        )


_READERS: dict[ValueType, Callable[[_Checker, Element, object], None]] = {
    ValueType.TEXT: _text,
    ValueType.TEXT_OR_NONE_AVAILABLE: _text,
    ValueType.STATEMENT: _statement,
    ValueType.FLAG: _flag,
    ValueType.DAYS: _days,
    ValueType.PERIOD: _period,
    ValueType.CHOICE: _choice,
    ValueType.CHOICES: _choices,
    ValueType.OFFENCES: _offences,
    ValueType.IDENTIFIERS: _identifiers,
    ValueType.PERSONS: _persons,
    ValueType.PROPERTY: _property,
    ValueType.REFERENCE: _reference,
}
