"""Refusal and postponement grounds, and the conditions a requested State may attach."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hanoinet.core.convention.text import N_


class RefusalGround(StrEnum):
    NON_CONFORMITY = "non_conformity"
    ESSENTIAL_INTERESTS = "essential_interests"
    FORBIDDEN_DOMESTICALLY = "forbidden_domestically"
    CONTRARY_TO_LEGAL_SYSTEM = "contrary_to_legal_system"
    DISCRIMINATION = "discrimination"
    DUAL_CRIMINALITY = "dual_criminality"
    DUAL_CRIMINALITY_RESERVATION = "dual_criminality_reservation"
    INSUFFICIENT_EVIDENCE_OR_MINIMAL_VALUE = "insufficient_evidence_or_minimal_value"


class ForbiddenGround(StrEnum):
    """Grounds the Convention rules out whatever the request (Art. 40)."""

    BANK_SECRECY = "bank_secrecy"
    FISCAL_MATTERS = "fiscal_matters"


class PostponementGround(StrEnum):
    ONGOING_DOMESTIC_CASE = "ongoing_domestic_case"


class Condition(StrEnum):
    CONFIDENTIALITY = "confidentiality"
    LIMITATION_OF_USE = "limitation_of_use"
    PERSONAL_DATA = "personal_data"
    ONWARD_TRANSFER_CONSENT = "onward_transfer_consent"


@dataclass(frozen=True)
class Described:
    article: int
    label: str


REFUSAL_GROUNDS: dict[RefusalGround, Described] = {
    RefusalGround.NON_CONFORMITY: Described(40, N_("The request does not conform to Article 40")),
    RefusalGround.ESSENTIAL_INTERESTS: Described(
        40,
        N_(
            "Execution would prejudice sovereignty, security, ordre public or other essential interests"
        ),
    ),
    RefusalGround.FORBIDDEN_DOMESTICALLY: Described(
        40, N_("Domestic law forbids the action for a similar offence under national jurisdiction")
    ),
    RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: Described(
        40, N_("Granting the request would be contrary to the legal system of the requested State")
    ),
    RefusalGround.DISCRIMINATION: Described(
        40,
        N_(
            "Substantial grounds to believe the request aims to prosecute or punish a person on account of "
            "sex, race, language, religion, nationality, ethnic origin or political opinions"
        ),
    ),
    RefusalGround.DUAL_CRIMINALITY: Described(
        35,
        N_(
            "The conduct is not a criminal offence in the requested State (dual criminality required)"
        ),
    ),
    RefusalGround.DUAL_CRIMINALITY_RESERVATION: Described(
        42,
        N_(
            "Reservation under Article 42: dual criminality will not be met at disclosure "
            "(offences other than Articles 7 to 11 only)"
        ),
    ),
    RefusalGround.INSUFFICIENT_EVIDENCE_OR_MINIMAL_VALUE: Described(
        50,
        N_("Sufficient and timely evidence was not received, or the property is of minimal value"),
    ),
}

FORBIDDEN_GROUNDS: dict[ForbiddenGround, Described] = {
    ForbiddenGround.BANK_SECRECY: Described(
        40, N_("Bank secrecy is never a ground to refuse assistance")
    ),
    ForbiddenGround.FISCAL_MATTERS: Described(
        40,
        N_("That the offence also involves fiscal matters is never a ground to refuse assistance"),
    ),
}

POSTPONEMENT_GROUNDS: dict[PostponementGround, Described] = {
    PostponementGround.ONGOING_DOMESTIC_CASE: Described(
        40,
        N_(
            "Execution would interfere with an ongoing investigation, prosecution or judicial proceeding"
        ),
    ),
}

CONDITIONS: dict[Condition, Described] = {
    Condition.CONFIDENTIALITY: Described(
        40, N_("Keep the fact and substance of the request confidential")
    ),
    Condition.LIMITATION_OF_USE: Described(
        40,
        N_(
            "Use only for the proceedings stated in the request unless the requested State consents"
        ),
    ),
    Condition.PERSONAL_DATA: Described(
        36, N_("Apply the stated conditions for the protection of personal data")
    ),
    Condition.ONWARD_TRANSFER_CONSENT: Described(
        36,
        N_(
            "No transfer to a third State or international organization without prior written authorization"
        ),
    ),
}

# Refusal on the common MLA grounds; the requested State must consult before refusing (Art. 40).
MLA_REFUSALS = frozenset(
    {
        RefusalGround.NON_CONFORMITY,
        RefusalGround.ESSENTIAL_INTERESTS,
        RefusalGround.FORBIDDEN_DOMESTICALLY,
        RefusalGround.CONTRARY_TO_LEGAL_SYSTEM,
        RefusalGround.DISCRIMINATION,
        RefusalGround.DUAL_CRIMINALITY,
    }
)
# Art. 42/43: only the narrow grounds; non-conformity is answered by asking for completion.
PRESERVATION_REFUSALS = frozenset(
    {
        RefusalGround.ESSENTIAL_INTERESTS,
        RefusalGround.FORBIDDEN_DOMESTICALLY,
        RefusalGround.DISCRIMINATION,
        RefusalGround.DUAL_CRIMINALITY_RESERVATION,
    }
)
CONFISCATION_REFUSALS = MLA_REFUSALS | {RefusalGround.INSUFFICIENT_EVIDENCE_OR_MINIMAL_VALUE}
