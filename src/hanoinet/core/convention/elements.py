"""The elements a request is made of, and the shape each value must have."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ValueType(StrEnum):
    TEXT = "text"  # a non-empty statement
    TEXT_OR_NONE_AVAILABLE = "text_or_none_available"  # "any available information": may be none
    STATEMENT = "statement"  # an undertaking that must be given: the value true
    FLAG = "flag"  # true or false
    DAYS = "days"  # a whole number of days
    DATETIME = "datetime"  # RFC 3339 with an explicit offset
    PERIOD = "period"  # {"start", "end"} datetimes
    CHOICE = "choice"
    CHOICES = "choices"  # a non-empty list of choices
    OFFENCES = "offences"
    IDENTIFIERS = "identifiers"
    PERSONS = "persons"
    PROPERTY = "property"
    REFERENCE = "reference"  # a reference to another request or document


class Requirement(StrEnum):
    REQUIRED = "required"  # the article requires it: without it the request is incomplete
    OPTIONAL = "optional"  # used in practice (CoE T-CY templates, UNODC MLA Request Writer Tool)


@dataclass(frozen=True)
class Element:
    name: str
    label: str
    why: str
    value_type: ValueType
    requirement: Requirement
    article: int | None  # None: a practice field, not required by the Convention
    choices: tuple[str, ...] = field(default=())

    @property
    def required(self) -> bool:
        return self.requirement is Requirement.REQUIRED

    @property
    def accepts_none_available(self) -> bool:
        return self.value_type is ValueType.TEXT_OR_NONE_AVAILABLE


class DataCategory(StrEnum):
    SUBSCRIBER = "subscriber"
    TRAFFIC = "traffic"
    CONTENT = "content"


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class IdentifierKind(StrEnum):
    IP_ADDRESS = "ip"
    IP_AND_PORT = "ip_port"
    ACCOUNT = "account"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    DOMAIN = "domain"
    WALLET = "wallet"
    BANK_ACCOUNT = "bank_account"
    DEVICE = "device"
    OTHER = "other"


# A dynamic IP address names nobody without the moment it was used (T-CY practice).
IDENTIFIERS_NEEDING_TIME = frozenset({IdentifierKind.IP_ADDRESS, IdentifierKind.IP_AND_PORT})


class Inquiry(StrEnum):
    """Art. 47(1)(b) to (d): what police-to-police cooperation may ask for."""

    IDENTITY = "identity"
    WHEREABOUTS = "whereabouts"
    ACTIVITIES = "activities"
    PROCEEDS_MOVEMENT = "proceeds_movement"
    ITEMS_FOR_ANALYSIS = "items_for_analysis"
    MODUS_OPERANDI = "modus_operandi"
    COORDINATION = "coordination"
