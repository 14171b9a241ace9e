"""Every cooperation request kind, with the elements its article requires.

Each ``Element`` cites the article that requires it; ``Requirement.OPTIONAL`` elements are
the practice fields (CoE T-CY templates, UNODC MLA Request Writer Tool) that make a request
executable without a round of clarification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hanoinet.core.convention.elements import (
    DataCategory,
    Element,
    Inquiry,
    Requirement,
    Urgency,
    ValueType,
)
from hanoinet.core.convention.grounds import (
    CONFISCATION_REFUSALS,
    MLA_REFUSALS,
    PRESERVATION_REFUSALS,
    Condition,
    PostponementGround,
    RefusalGround,
)
from hanoinet.core.convention.offences import Scope
from hanoinet.core.convention.text import N_

REQ = Requirement.REQUIRED
OPT = Requirement.OPTIONAL

# Art. 42: preservation lasts at least 60 days, so that the MLA request can follow.
MIN_PRESERVATION_DAYS = 60


class Channel(StrEnum):
    POINT_OF_CONTACT = "point_of_contact"  # the 24/7 network, Art. 41
    CENTRAL_AUTHORITY = "central_authority"  # Art. 40
    LAW_ENFORCEMENT = "law_enforcement"  # Art. 47


class DualCriminality(StrEnum):
    NOT_REQUIRED = "not_required"
    RESERVATION_ONLY = "reservation_only"  # Art. 42: only under the reservation, not for Art. 7-11
    MAY_BE_REQUIRED = "may_be_required"  # Art. 35/40: conduct-based test


@dataclass(frozen=True)
class RequestKind:
    code: str
    article: int
    title: str
    summary: str
    elements: tuple[Element, ...]
    channels: tuple[Channel, ...]
    scope: Scope
    dual_criminality: DualCriminality
    refusal_grounds: frozenset[RefusalGround]
    postponement_grounds: frozenset[PostponementGround] = field(default=frozenset())
    conditions: frozenset[Condition] = field(default=frozenset(Condition))
    articles: tuple[int, ...] = ()  # every article the kind draws on, main article first

    def element(self, name: str) -> Element:
        for element in self.elements:
            if element.name == name:
                return element
        raise KeyError(name)

    @property
    def element_names(self) -> tuple[str, ...]:
        return tuple(element.name for element in self.elements)

    @property
    def required_elements(self) -> tuple[Element, ...]:
        return tuple(element for element in self.elements if element.required)


def _e(  # noqa: PLR0917 - a table of elements reads best positionally
    name: str,
    label: str,
    why: str,
    value_type: ValueType,
    requirement: Requirement,
    article: int | None,
    choices: tuple[str, ...] = (),
) -> Element:
    return Element(name, label, why, value_type, requirement, article, choices)


def requesting_authority(article: int) -> Element:
    return _e(
        "requesting_authority",
        N_("Requesting authority"),
        N_("The requested State must know which authority asks, to check authenticity and reply."),
        ValueType.TEXT,
        REQ,
        article,
    )


def offences(article: int) -> Element:
    return _e(
        "offences",
        N_("Offences"),
        N_(
            "The offences under investigation, with the national provision and the maximum penalty."
        ),
        ValueType.OFFENCES,
        REQ,
        article,
    )


def facts(article: int, label: str = N_("Summary of the facts")) -> Element:
    return _e(
        "facts",
        label,
        N_(
            "A summary of the relevant facts lets the requested State assess and execute the request."
        ),
        ValueType.TEXT,
        REQ,
        article,
    )


# Practice fields every kind may carry.
PRACTICE = (
    _e(
        "reference",
        N_("Reference number"),
        N_("The requesting side's case reference, quoted in every reply."),
        ValueType.TEXT,
        OPT,
        None,
    ),
    _e(
        "urgency",
        N_("Urgency"),
        N_(
            "Routine, urgent or emergency; urgent and emergency requests page the 24/7 officer on call."
        ),
        ValueType.CHOICE,
        OPT,
        None,
        tuple(Urgency),
    ),
    _e(
        "urgency_reason",
        N_("Reason for urgency or deadline"),
        N_("Deadlines carry weight only when their reasons are given (Art. 40)."),
        ValueType.TEXT,
        OPT,
        40,
    ),
    _e(
        "legal_basis",
        N_("Legal basis"),
        N_("The Convention article and any other treaty or law relied on."),
        ValueType.TEXT,
        OPT,
        None,
    ),
    _e(
        "contact",
        N_("Contact for this request"),
        N_("Who to call about this request, with a channel reachable at the hours stated."),
        ValueType.TEXT,
        OPT,
        None,
    ),
)

IDENTIFIERS = _e(
    "identifiers",
    N_("Identifiers"),
    N_(
        "Each identifier (IP address and port, account, e-mail, phone, URL, wallet) with its time and time zone."
    ),
    ValueType.IDENTIFIERS,
    OPT,
    None,
)
DATA_CATEGORIES = _e(
    "data_categories",
    N_("Data categories"),
    N_(
        "Subscriber information, traffic data or content data: each is governed by different rules."
    ),
    ValueType.CHOICES,
    OPT,
    None,
    tuple(DataCategory),
)
PROVIDER = _e(
    "provider",
    N_("Service provider"),
    N_("The provider believed to hold the data, and where it is established."),
    ValueType.TEXT,
    OPT,
    None,
)


def _mla_common(main: int) -> tuple[Element, ...]:
    """Art. 40: what every mutual legal assistance request must contain."""
    return (
        requesting_authority(40),
        _e(
            "subject_and_nature",
            N_("Subject matter and nature of the investigation, prosecution or proceeding"),
            N_(
                "Article 40 requires the subject matter and nature of the matter the request relates to."
            ),
            ValueType.TEXT,
            REQ,
            40,
        ),
        _e(
            "authority_in_charge",
            N_("Name and function of the authority conducting the matter"),
            N_("Article 40 requires the name and functions of the authority conducting it."),
            ValueType.TEXT,
            REQ,
            40,
        ),
        offences(35),
        facts(40),
        _e(
            "assistance_sought",
            N_("Assistance sought"),
            N_(
                "A description of the assistance sought and details of any particular procedure to be followed."
            ),
            ValueType.TEXT,
            REQ,
            40,
        ),
        _e(
            "special_procedure",
            N_("Particular procedure wished"),
            N_(
                "Any procedure the requesting State needs followed, e.g. for admissibility in its courts."
            ),
            ValueType.TEXT,
            OPT,
            40,
        ),
        _e(
            "persons_concerned",
            N_("Persons concerned"),
            N_("Where possible, the identity, location and nationality of any person concerned."),
            ValueType.PERSONS,
            OPT,
            40,
        ),
        _e(
            "purpose",
            N_("Purpose of the evidence, information or action"),
            N_(
                "Article 40 requires the purpose for which the evidence, information or action is sought."
            ),
            ValueType.TEXT,
            REQ,
            40,
        ),
    )


PRESERVATION = RequestKind(
    code="preservation",
    article=42,
    title=N_("Expedited preservation of stored electronic data"),
    summary=N_("Have stored data kept intact until a mutual legal assistance request can follow."),
    elements=(
        requesting_authority(42),
        offences(42),
        facts(42, N_("Brief summary of the related facts")),
        _e(
            "data_to_preserve",
            N_("Stored electronic data to be preserved"),
            N_("The stored electronic data to be preserved must be described (Art. 42)."),
            ValueType.TEXT,
            REQ,
            42,
        ),
        _e(
            "link_to_offence",
            N_("Relationship of the data to the offence"),
            N_("Article 42 requires the relationship between the data and the offence."),
            ValueType.TEXT,
            REQ,
            42,
        ),
        _e(
            "custodian_or_location",
            N_("Custodian of the data or location of the ICT system"),
            N_(
                "Article 42 requires any available information identifying the custodian of the data or the "
                "location of the ICT system; state explicitly when none is available."
            ),
            ValueType.TEXT_OR_NONE_AVAILABLE,
            REQ,
            42,
        ),
        _e(
            "necessity",
            N_("Necessity of the preservation"),
            N_("Why the data must be preserved now (risk of deletion, retention period)."),
            ValueType.TEXT,
            REQ,
            42,
        ),
        _e(
            "mla_to_follow",
            N_("A mutual legal assistance request will follow"),
            N_(
                "Article 42 requires the statement that the requesting State intends to submit a request."
            ),
            ValueType.STATEMENT,
            REQ,
            42,
        ),
        _e(
            "confidentiality",
            N_("Confidentiality: the user must not be notified"),
            N_("Ask that the preservation be kept confidential and the user not be notified."),
            ValueType.FLAG,
            OPT,
            42,
        ),
        _e(
            "preservation_days",
            N_("Preservation period (days)"),
            N_(
                "Preservation lasts at least 60 days so the mutual legal assistance request can follow (Art. 42)."
            ),
            ValueType.DAYS,
            OPT,
            42,
        ),
        IDENTIFIERS,
        DATA_CATEGORIES,
        PROVIDER,
        *PRACTICE,
    ),
    channels=(Channel.POINT_OF_CONTACT, Channel.CENTRAL_AUTHORITY),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.RESERVATION_ONLY,
    refusal_grounds=PRESERVATION_REFUSALS,
    articles=(42, 41, 25),
)

TRAFFIC_DISCLOSURE = RequestKind(
    code="traffic_disclosure",
    article=43,
    title=N_("Expedited disclosure of preserved traffic data"),
    summary=N_(
        "Identify the service providers and the path of a communication preserved under Article 42."
    ),
    elements=(
        requesting_authority(43),
        offences(43),
        facts(43),
        _e(
            "preservation_reference",
            N_("Preservation request this relates to"),
            N_(
                "Article 43 applies while a request to preserve traffic data on a specific communication is executed."
            ),
            ValueType.REFERENCE,
            REQ,
            43,
        ),
        _e(
            "communication",
            N_("The specific communication"),
            N_(
                "The communication whose path is to be traced (time, time zone, parties, identifiers)."
            ),
            ValueType.TEXT,
            REQ,
            43,
        ),
        IDENTIFIERS,
        PROVIDER,
        *PRACTICE,
    ),
    channels=(Channel.POINT_OF_CONTACT, Channel.CENTRAL_AUTHORITY),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.RESERVATION_ONLY,
    refusal_grounds=frozenset({RefusalGround.ESSENTIAL_INTERESTS, RefusalGround.DISCRIMINATION}),
    articles=(43, 42),
)

STORED_DATA = RequestKind(
    code="stored_data",
    article=44,
    title=N_("Access to stored electronic data"),
    summary=N_("Search, seize or secure, and disclose data stored in the requested State."),
    elements=(
        *_mla_common(44),
        _e(
            "data_sought",
            N_("Stored data sought and where it is held"),
            N_(
                "The data to be searched, seized or disclosed, including data preserved under Article 42."
            ),
            ValueType.TEXT,
            REQ,
            44,
        ),
        _e(
            "time_period",
            N_("Time period of the data"),
            N_("The period the data covers, with its time zone."),
            ValueType.PERIOD,
            OPT,
            44,
        ),
        _e(
            "expedite_reason",
            N_("Reason to expedite"),
            N_(
                "Article 44 calls for an expedited response when data is at risk of loss or modification."
            ),
            ValueType.TEXT,
            OPT,
            44,
        ),
        _e(
            "preservation_reference",
            N_("Earlier preservation request"),
            N_(
                "The preservation request this follows, which keeps the data held pending decision (Art. 42)."
            ),
            ValueType.REFERENCE,
            OPT,
            42,
        ),
        IDENTIFIERS,
        DATA_CATEGORIES,
        PROVIDER,
        *PRACTICE,
    ),
    channels=(Channel.CENTRAL_AUTHORITY,),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.MAY_BE_REQUIRED,
    refusal_grounds=MLA_REFUSALS,
    postponement_grounds=frozenset(PostponementGround),
    articles=(44, 40, 35),
)


def _collection_elements(article: int, targeted_label: str) -> tuple[Element, ...]:
    return (
        requesting_authority(article),
        offences(article),
        facts(article, N_("Main facts and nature of the investigation")),
        _e(
            "communications_targeted",
            targeted_label,
            N_("The communications or data targeted and their relationship to the offence."),
            ValueType.TEXT,
            REQ,
            article,
        ),
        _e(
            "owner_or_location",
            N_("Owner or user of the data, or location of the ICT system"),
            N_(
                "Any available information identifying the owner or user or the location; state when none is known."
            ),
            ValueType.TEXT_OR_NONE_AVAILABLE,
            REQ,
            article,
        ),
        _e(
            "justification",
            N_("Justification for the measure"),
            N_(
                "Why this measure is needed: real-time collection is intrusive and must be proportionate (Art. 24)."
            ),
            ValueType.TEXT,
            REQ,
            article,
        ),
        _e(
            "collection_period",
            N_("Collection period"),
            N_("The period of collection, with start and end, is required."),
            ValueType.PERIOD,
            REQ,
            article,
        ),
        _e(
            "period_justification",
            N_("Justification of the duration"),
            N_("Why the collection must last that long (limited duration, Art. 24)."),
            ValueType.TEXT,
            REQ,
            article,
        ),
        IDENTIFIERS,
        PROVIDER,
        *PRACTICE,
    )


REALTIME_TRAFFIC = RequestKind(
    code="realtime_traffic",
    article=45,
    title=N_("Real-time collection of traffic data"),
    summary=N_(
        "Collect in real time the traffic data of specified communications in the requested State."
    ),
    elements=_collection_elements(45, N_("Communications whose traffic data is sought")),
    channels=(Channel.CENTRAL_AUTHORITY,),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.MAY_BE_REQUIRED,
    refusal_grounds=MLA_REFUSALS,
    postponement_grounds=frozenset(PostponementGround),
    articles=(45, 40, 29, 24),
)

INTERCEPTION = RequestKind(
    code="interception",
    article=46,
    title=N_("Interception of content data"),
    summary=N_(
        "Collect or record in real time the content of specified communications, as treaties and law allow."
    ),
    elements=_collection_elements(46, N_("Communications whose content is to be intercepted")),
    channels=(Channel.CENTRAL_AUTHORITY,),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.MAY_BE_REQUIRED,
    refusal_grounds=MLA_REFUSALS,
    postponement_grounds=frozenset(PostponementGround),
    articles=(46, 40, 30, 24),
)

MLA = RequestKind(
    code="mla",
    article=40,
    title=N_("Mutual legal assistance"),
    summary=N_("Any other assistance in investigations, prosecutions and judicial proceedings."),
    elements=(*_mla_common(40), IDENTIFIERS, DATA_CATEGORIES, PROVIDER, *PRACTICE),
    channels=(Channel.CENTRAL_AUTHORITY,),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.MAY_BE_REQUIRED,
    refusal_grounds=MLA_REFUSALS,
    postponement_grounds=frozenset(PostponementGround),
    articles=(40, 35, 36),
)

POLICE_COOPERATION = RequestKind(
    code="police_cooperation",
    article=47,
    title=N_("Law enforcement cooperation"),
    summary=N_("Police-to-police inquiries and exchange of information; no coercive measures."),
    elements=(
        requesting_authority(47),
        offences(47),
        facts(47),
        _e(
            "inquiries",
            N_("Inquiries requested"),
            N_(
                "Identity, whereabouts or activities of persons, movement of proceeds, items for analysis, modus operandi."
            ),
            ValueType.CHOICES,
            REQ,
            47,
            tuple(Inquiry),
        ),
        _e(
            "purpose",
            N_("Purpose"),
            N_("What the information will be used for; it binds its use (Art. 40, Art. 36)."),
            ValueType.TEXT,
            REQ,
            47,
        ),
        IDENTIFIERS,
        *PRACTICE,
    ),
    channels=(Channel.LAW_ENFORCEMENT, Channel.POINT_OF_CONTACT),
    scope=Scope.CONVENTION_OFFENCES,
    dual_criminality=DualCriminality.NOT_REQUIRED,
    refusal_grounds=frozenset(
        {RefusalGround.ESSENTIAL_INTERESTS, RefusalGround.FORBIDDEN_DOMESTICALLY}
    ),
    articles=(47,),
)

JOINT_INVESTIGATION = RequestKind(
    code="joint_investigation",
    article=48,
    title=N_("Joint investigation"),
    summary=N_("Propose a joint investigative team, by agreement or case by case."),
    elements=(
        requesting_authority(48),
        offences(48),
        facts(48),
        _e(
            "objectives",
            N_("Objectives of the joint investigation"),
            N_(
                "What the team is to achieve; the host State's sovereignty is fully respected (Art. 48)."
            ),
            ValueType.TEXT,
            REQ,
            48,
        ),
        _e(
            "proposed_members",
            N_("Proposed participants"),
            N_("The authorities and officers each State would contribute."),
            ValueType.TEXT,
            REQ,
            48,
        ),
        _e(
            "duration",
            N_("Proposed period"),
            N_("The period for which the team would be set up."),
            ValueType.PERIOD,
            OPT,
            48,
        ),
        *PRACTICE,
    ),
    channels=(Channel.CENTRAL_AUTHORITY, Channel.LAW_ENFORCEMENT),
    scope=Scope.CONVENTION_OFFENCES,
    dual_criminality=DualCriminality.NOT_REQUIRED,
    refusal_grounds=frozenset({RefusalGround.ESSENTIAL_INTERESTS}),
    articles=(48,),
)

PROPERTY = _e(
    "property",
    N_("Property concerned"),
    N_("Each asset with its description, location and, where possible, estimated value."),
    ValueType.PROPERTY,
    REQ,
    50,
)


def _asset_kind(
    *, code: str, article: int, title: str, summary: str, elements: tuple[Element, ...]
) -> RequestKind:
    """Art. 50 requests, both routes and provisional measures: the Art. 40 content, the
    property, the kind's own elements; Convention offences only; refusable also for
    insufficient evidence or minimal value."""
    return RequestKind(
        code=code,
        article=article,
        title=title,
        summary=summary,
        elements=(*_mla_common(article), PROPERTY, *elements, *PRACTICE),
        channels=(Channel.CENTRAL_AUTHORITY,),
        scope=Scope.CONVENTION_OFFENCES,
        dual_criminality=DualCriminality.MAY_BE_REQUIRED,
        refusal_grounds=CONFISCATION_REFUSALS,
        postponement_grounds=frozenset(PostponementGround),
        articles=(50, 49, 31, 40),
    )


CONFISCATION_DOMESTIC_ORDER = _asset_kind(
    code="confiscation_domestic_order",
    article=50,
    title=N_("Confiscation: request for a domestic order"),
    summary=N_(
        "The requested State seeks its own confiscation order for proceeds or instrumentalities."
    ),
    elements=(
        _e(
            "grounds_for_order",
            N_("Facts sufficient for a domestic order"),
            N_(
                "Article 50 requires a statement of the facts sufficient to seek a domestic confiscation order."
            ),
            ValueType.TEXT,
            REQ,
            50,
        ),
    ),
)

CONFISCATION_ENFORCEMENT = _asset_kind(
    code="confiscation_enforcement",
    article=50,
    title=N_("Confiscation: enforcement of a foreign order"),
    summary=N_("The requested State gives effect to a confiscation order of the requesting State."),
    elements=(
        _e(
            "order_copy",
            N_("Legally admissible copy of the order"),
            N_("Article 50 requires a legally admissible copy of the confiscation order."),
            ValueType.REFERENCE,
            REQ,
            50,
        ),
        _e(
            "extent_of_execution",
            N_("Extent to which execution is requested"),
            N_("Which part of the order the requested State is asked to execute."),
            ValueType.TEXT,
            REQ,
            50,
        ),
        _e(
            "third_party_measures",
            N_("Notice to bona fide third parties and due process"),
            N_("The measures taken to notify bona fide third parties and to ensure due process."),
            ValueType.TEXT,
            REQ,
            50,
        ),
        _e(
            "order_is_final",
            N_("The order is final"),
            N_("Article 50 requires a statement that the confiscation order is final."),
            ValueType.STATEMENT,
            REQ,
            50,
        ),
    ),
)

PROVISIONAL_MEASURES = _asset_kind(
    code="provisional_measures",
    article=50,
    title=N_("Provisional measures: identify, trace, freeze or seize"),
    summary=N_("Freeze or seize property with a view to its eventual confiscation."),
    elements=(
        _e(
            "actions_sought",
            N_("Actions sought"),
            N_("Identify, trace, freeze or seize: the measures asked for (Art. 50)."),
            ValueType.TEXT,
            REQ,
            50,
        ),
        _e(
            "underlying_order",
            N_("Underlying order"),
            N_(
                "A legally admissible copy of any order on which the request is based, where one exists."
            ),
            ValueType.REFERENCE,
            OPT,
            50,
        ),
    ),
)

RETURN_OF_PROCEEDS = RequestKind(
    code="return_of_proceeds",
    article=52,
    title=N_("Return and disposal of confiscated proceeds"),
    summary=N_("Return confiscated property so that victims are compensated or owners recover it."),
    elements=(
        requesting_authority(52),
        offences(52),
        _e(
            "confiscation_reference",
            N_("Confiscation this relates to"),
            N_("The confiscation request or order under which the property was confiscated."),
            ValueType.REFERENCE,
            REQ,
            52,
        ),
        PROPERTY,
        _e(
            "return_purpose",
            N_("Purpose of the return"),
            N_(
                "Compensation of victims or return to legitimate owners receives priority consideration (Art. 52)."
            ),
            ValueType.TEXT,
            REQ,
            52,
        ),
        _e(
            "beneficiaries",
            N_("Victims or legitimate owners"),
            N_("Who is to receive the property or compensation."),
            ValueType.TEXT,
            OPT,
            52,
        ),
        _e(
            "expenses",
            N_("Reasonable expenses to deduct"),
            N_("The requested State may deduct reasonable expenses of the proceedings (Art. 52)."),
            ValueType.TEXT,
            OPT,
            52,
        ),
        *PRACTICE,
    ),
    channels=(Channel.CENTRAL_AUTHORITY,),
    scope=Scope.CONVENTION_OFFENCES,
    dual_criminality=DualCriminality.NOT_REQUIRED,
    refusal_grounds=frozenset({RefusalGround.ESSENTIAL_INTERESTS}),
    articles=(52, 56),
)

EMERGENCY = RequestKind(
    code="emergency",
    article=41,
    title=N_("Emergency request"),
    summary=N_(
        "Immediate help through the 24/7 network where a person's life or physical safety is at risk."
    ),
    elements=(
        requesting_authority(41),
        _e(
            "emergency",
            N_("The emergency"),
            N_(
                "The significant and imminent risk to the life or safety of a person, and why data is needed now."
            ),
            ValueType.TEXT,
            REQ,
            41,
        ),
        _e(
            "assistance_sought",
            N_("Immediate assistance sought"),
            N_("What the point of contact is asked to do or provide, at once."),
            ValueType.TEXT,
            REQ,
            41,
        ),
        _e(
            "formalisation",
            N_("Formal request to follow"),
            N_("Whether a formal request will follow the emergency disclosure."),
            ValueType.FLAG,
            OPT,
            41,
        ),
        _e(
            "offences",
            N_("Offences"),
            N_("The offences concerned, where already known."),
            ValueType.OFFENCES,
            OPT,
            41,
        ),
        IDENTIFIERS,
        PROVIDER,
        *PRACTICE,
    ),
    channels=(Channel.POINT_OF_CONTACT,),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.NOT_REQUIRED,
    refusal_grounds=frozenset(
        {RefusalGround.ESSENTIAL_INTERESTS, RefusalGround.FORBIDDEN_DOMESTICALLY}
    ),
    articles=(41,),
)

SPONTANEOUS = RequestKind(
    code="spontaneous",
    article=40,
    title=N_("Spontaneous information"),
    summary=N_(
        "Information sent without a prior request (Art. 40), including on proceeds of crime (Art. 51)."
    ),
    elements=(
        _e(
            "sending_authority",
            N_("Sending authority"),
            N_("The authority transmitting the information."),
            ValueType.TEXT,
            REQ,
            40,
        ),
        offences(40),
        _e(
            "information",
            N_("Information transmitted"),
            N_(
                "The information that may help the receiving State start or complete inquiries or proceedings."
            ),
            ValueType.TEXT,
            REQ,
            40,
        ),
        _e(
            "about_proceeds",
            N_("Concerns proceeds of crime (Art. 51)"),
            N_(
                "Information on proceeds that may help the receiving State's confiscation proceedings."
            ),
            ValueType.FLAG,
            OPT,
            51,
        ),
        _e(
            "use_conditions",
            N_("Confidentiality and limits on use"),
            N_(
                "The receiving State honours any request to keep the information confidential or limit its use."
            ),
            ValueType.TEXT,
            OPT,
            40,
        ),
        IDENTIFIERS,
        *PRACTICE,
    ),
    channels=(Channel.CENTRAL_AUTHORITY, Channel.POINT_OF_CONTACT, Channel.LAW_ENFORCEMENT),
    scope=Scope.EVIDENCE,
    dual_criminality=DualCriminality.NOT_REQUIRED,
    refusal_grounds=frozenset(),
    articles=(40, 51, 36),
)

KINDS: dict[str, RequestKind] = {
    kind.code: kind
    for kind in (
        PRESERVATION,
        TRAFFIC_DISCLOSURE,
        STORED_DATA,
        REALTIME_TRAFFIC,
        INTERCEPTION,
        MLA,
        POLICE_COOPERATION,
        JOINT_INVESTIGATION,
        CONFISCATION_DOMESTIC_ORDER,
        CONFISCATION_ENFORCEMENT,
        PROVISIONAL_MEASURES,
        RETURN_OF_PROCEEDS,
        EMERGENCY,
        SPONTANEOUS,
    )
}
