"""A complete example of every kind: the template officers start from, and the fixture
the tests remove elements from one at a time."""

from __future__ import annotations

import copy

from hanoinet.core.convention.elements import Requirement
from hanoinet.core.convention.kinds import KINDS

_AUTHORITY = (
    "Ministry of Public Security, Department of Cybersecurity and High-Tech Crime Prevention (A05)"
)
_OFFENCES = [{"code": "art13", "provision": "Criminal Code art. 290", "max_penalty_years": 20}]
_FACTS = (
    "Between 1 and 20 October 2026 at least 40 persons in Viet Nam were induced through a fake "
    "investment platform to pay 2.1 billion VND into accounts controlled by the suspects."
)
_IDENTIFIERS = [
    {"kind": "phone", "value": "+85512345678"},
    {"kind": "ip_port", "value": "203.0.113.7", "port": 443, "at": "2026-10-12T21:14:05+07:00"},
]
_PERIOD = {"start": "2026-12-01T00:00:00+07:00", "end": "2027-01-30T00:00:00+07:00"}
_PROPERTY = [
    {
        "description": "USDT held at wallet TXYZ… on an exchange",
        "location": "Exchange operated in Paris",
        "estimated_value": {"amount": "84000.00", "currency": "USD"},
    }
]

_VALUES: dict[str, object] = {
    "requesting_authority": _AUTHORITY,
    "sending_authority": _AUTHORITY,
    "offences": _OFFENCES,
    "facts": _FACTS,
    "subject_and_nature": "Criminal investigation of an organised online investment fraud",
    "authority_in_charge": "Investigator Nguyen Van An, Investigation Police Agency, Hanoi",
    "assistance_sought": "Production of the subscriber information and login records of the account",
    "purpose": "To identify the persons operating the fraudulent platform",
    "data_to_preserve": "Subscriber information and traffic data of the phone number listed",
    "link_to_offence": "The number was given to victims as the platform's support line",
    "custodian_or_location": "Telecom operator believed to be Cellcard, Phnom Penh",
    "necessity": "The operator keeps traffic data for 90 days; the first contacts are 60 days old",
    "mla_to_follow": True,
    "preservation_reference": "VNM-A05-2026-0042-P",
    "communication": "Call to the victim at 2026-10-12T21:14:05+07:00 from the listed number",
    "data_sought": "Subscriber and login records of the account, held by the provider in the requested State",
    "communications_targeted": "Traffic data of the listed phone number, linked to the fraud as its contact line",
    "owner_or_location": "Owner unknown; SIM registered in the requested State",
    "justification": "The suspects move victims' funds within hours; only real-time data can locate them",
    "collection_period": _PERIOD,
    "period_justification": "The platform renews its numbers every two months",
    "inquiries": ["identity", "whereabouts"],
    "objectives": "Identify and prosecute the operators of the platform in both States",
    "proposed_members": "Viet Nam: A05 investigators; Cambodia: Anti-Cybercrime Department officers",
    "property": _PROPERTY,
    "grounds_for_order": "The wallet received 40 victim payments traced on-chain",
    "order_copy": "Annex 3: certified copy of judgment 12/2026/HS-ST",
    "extent_of_execution": "Confiscation of the full balance of the wallet",
    "third_party_measures": "Notice published and served on the exchange; third parties may claim within 30 days",
    "order_is_final": True,
    "actions_sought": "Freeze the wallet balance at the exchange",
    "confiscation_reference": "FRA-2027-CONF-0007",
    "return_purpose": "Compensation of the 40 identified victims",
    "emergency": "A kidnapped person's captors use the listed number; life at imminent risk",
    "information": "A wallet linked to ransomware payments is operated from the receiving State",
}


def example(code: str) -> dict[str, object]:
    """A complete request of this kind, with every required element filled."""
    kind = KINDS[code]
    fields: dict[str, object] = {}
    for element in kind.elements:
        if element.requirement is Requirement.REQUIRED:
            fields[element.name] = copy.deepcopy(_VALUES[element.name])
    if "identifiers" in kind.element_names:
        fields["identifiers"] = copy.deepcopy(_IDENTIFIERS)
    if "reference" in kind.element_names:
        fields["reference"] = f"VNM-A05-2026-0042-{code}"
    return fields
