"""The articles of the Convention that the software cites, with their chapter."""

from __future__ import annotations

from dataclasses import dataclass

from hanoinet.core.convention.text import N_


@dataclass(frozen=True)
class Article:
    number: int
    title: str
    chapter: str

    @property
    def citation(self) -> str:
        return f"Art. {self.number}"


_CHAPTERS = (
    (range(1, 7), "I"),
    (range(7, 22), "II"),
    (range(22, 23), "III"),
    (range(23, 35), "IV"),
    (range(35, 53), "V"),
    (range(53, 54), "VI"),
    (range(54, 57), "VII"),
    (range(57, 59), "VIII"),
    (range(59, 69), "IX"),
)

_TITLES = {
    2: N_("Use of terms"),
    4: N_("Offences established in accordance with other United Nations conventions and protocols"),
    5: N_("Protection of sovereignty"),
    6: N_("Respect for human rights"),
    7: N_("Illegal access"),
    8: N_("Illegal interception"),
    9: N_("Interference with electronic data"),
    10: N_("Interference with an information and communications technology system"),
    11: N_("Misuse of devices"),
    12: N_("Information and communications technology system-related forgery"),
    13: N_("Information and communications technology system-related theft or fraud"),
    14: N_("Offences related to online child sexual abuse or child sexual exploitation material"),
    15: N_(
        "Solicitation or grooming for the purpose of committing a sexual offence against a child"
    ),
    16: N_("Non-consensual dissemination of intimate images"),
    17: N_("Laundering of proceeds of crime"),
    18: N_("Liability of legal persons"),
    19: N_("Participation and attempt"),
    22: N_("Jurisdiction"),
    24: N_("Conditions and safeguards"),
    25: N_("Expedited preservation of stored electronic data"),
    33: N_("Protection of witnesses"),
    34: N_("Assistance to and protection of victims"),
    35: N_("General principles of international cooperation"),
    36: N_("Protection of personal data"),
    40: N_("General principles and procedures relating to mutual legal assistance"),
    41: N_("24/7 network"),
    42: N_(
        "International cooperation for the purpose of expedited preservation of stored electronic data"
    ),
    43: N_(
        "International cooperation for the purpose of expedited disclosure of preserved traffic data"
    ),
    44: N_("Mutual legal assistance in accessing stored electronic data"),
    45: N_("Mutual legal assistance in the real-time collection of traffic data"),
    46: N_("Mutual legal assistance in the interception of content data"),
    47: N_("Law enforcement cooperation"),
    48: N_("Joint investigations"),
    49: N_(
        "Mechanisms for the recovery of property through international cooperation in confiscation"
    ),
    50: N_("International cooperation for the purposes of confiscation"),
    51: N_("Special cooperation"),
    52: N_("Return and disposal of confiscated proceeds of crime or property"),
    53: N_("Preventive measures"),
    54: N_("Technical assistance and capacity-building"),
    55: N_("Exchange of information"),
    57: N_("Conference of the States Parties to the Convention"),
}


def _chapter(number: int) -> str:
    for numbers, chapter in _CHAPTERS:
        if number in numbers:
            return chapter
    raise KeyError(number)


ARTICLES: dict[int, Article] = {
    number: Article(number, title, _chapter(number)) for number, title in sorted(_TITLES.items())
}


def article(number: int) -> Article:
    """The article with this number.

    >>> article(42).chapter
    'V'
    """
    return ARTICLES[number]
