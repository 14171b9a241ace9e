"""Offence classification (Art. 7-17, with the Art. 4/18/19 modifiers) and the scope rule of Art. 35."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hanoinet.core.convention.text import N_

# Art. 2: a serious crime carries a maximum of at least four years' deprivation of liberty.
SERIOUS_CRIME_MIN_YEARS = 4


class OffenceCode(StrEnum):
    """One code per offence of chapter II, plus the two ways other offences come in scope."""

    ILLEGAL_ACCESS = "art7"
    ILLEGAL_INTERCEPTION = "art8"
    DATA_INTERFERENCE = "art9"
    SYSTEM_INTERFERENCE = "art10"
    MISUSE_OF_DEVICES = "art11"
    FORGERY = "art12"
    THEFT_OR_FRAUD = "art13"
    CHILD_SEXUAL_ABUSE_MATERIAL = "art14"
    GROOMING = "art15"
    INTIMATE_IMAGES = "art16"
    LAUNDERING = "art17"
    OTHER_UN_CONVENTION = "art4"
    OTHER = "other"

    @property
    def article(self) -> int | None:
        return int(self.value[3:]) if self.value.startswith("art") else None

    @property
    def is_convention_offence(self) -> bool:
        return self is not OffenceCode.OTHER


class Modifier(StrEnum):
    LEGAL_PERSON = "art18"
    PARTICIPATION_OR_ATTEMPT = "art19"


OFFENCE_LABELS: dict[OffenceCode, str] = {
    OffenceCode.ILLEGAL_ACCESS: N_("Illegal access"),
    OffenceCode.ILLEGAL_INTERCEPTION: N_("Illegal interception"),
    OffenceCode.DATA_INTERFERENCE: N_("Interference with electronic data"),
    OffenceCode.SYSTEM_INTERFERENCE: N_("Interference with an ICT system"),
    OffenceCode.MISUSE_OF_DEVICES: N_("Misuse of devices"),
    OffenceCode.FORGERY: N_("ICT system-related forgery"),
    OffenceCode.THEFT_OR_FRAUD: N_("ICT system-related theft or fraud"),
    OffenceCode.CHILD_SEXUAL_ABUSE_MATERIAL: N_(
        "Online child sexual abuse or exploitation material"
    ),
    OffenceCode.GROOMING: N_("Solicitation or grooming of a child"),
    OffenceCode.INTIMATE_IMAGES: N_("Non-consensual dissemination of intimate images"),
    OffenceCode.LAUNDERING: N_("Laundering of proceeds of crime"),
    OffenceCode.OTHER_UN_CONVENTION: N_(
        "Offence under another UN convention, committed through ICT"
    ),
    OffenceCode.OTHER: N_("Other offence (electronic evidence of a serious crime)"),
}

# Art. 42: the dual-criminality reservation can never cover these (the core CIA offences).
RESERVATION_EXCLUDED = frozenset(
    {
        OffenceCode.ILLEGAL_ACCESS,
        OffenceCode.ILLEGAL_INTERCEPTION,
        OffenceCode.DATA_INTERFERENCE,
        OffenceCode.SYSTEM_INTERFERENCE,
        OffenceCode.MISUSE_OF_DEVICES,
    }
)


@dataclass(frozen=True)
class Offence:
    code: OffenceCode
    provision: str  # the requesting State's own provision, e.g. "Penal Code art. 174"
    max_penalty_years: float | None = None
    modifiers: tuple[Modifier, ...] = ()

    @property
    def is_serious(self) -> bool:
        return (
            self.max_penalty_years is not None and self.max_penalty_years >= SERIOUS_CRIME_MIN_YEARS
        )


class Scope(StrEnum):
    """What a request kind may be used for under Art. 35."""

    EVIDENCE = "evidence"  # Convention offences, or e-evidence of any serious crime
    CONVENTION_OFFENCES = "convention_offences"  # only offences established under the Convention


def in_scope(offences: list[Offence], scope: Scope) -> bool:
    """Art. 35: is cooperation available for these offences?

    >>> fraud = Offence(OffenceCode.THEFT_OR_FRAUD, "PC 174")
    >>> minor = Offence(OffenceCode.OTHER, "PC 12", max_penalty_years=2)
    >>> serious = Offence(OffenceCode.OTHER, "PC 250", max_penalty_years=10)
    >>> in_scope([fraud], Scope.CONVENTION_OFFENCES), in_scope([minor], Scope.EVIDENCE)
    (True, False)
    >>> in_scope([serious], Scope.EVIDENCE), in_scope([serious], Scope.CONVENTION_OFFENCES)
    (True, False)
    """
    if any(offence.code.is_convention_offence for offence in offences):
        return True
    return scope is Scope.EVIDENCE and any(offence.is_serious for offence in offences)


def reservation_may_apply(offences: list[Offence]) -> bool:
    """Art. 42: a State with the dual-criminality reservation may refuse preservation only
    when some offence lies outside Art. 7-11.

    >>> reservation_may_apply([Offence(OffenceCode.ILLEGAL_ACCESS, "s.1")])
    False
    >>> reservation_may_apply([Offence(OffenceCode.THEFT_OR_FRAUD, "s.2")])
    True
    """
    return any(offence.code not in RESERVATION_EXCLUDED for offence in offences)
