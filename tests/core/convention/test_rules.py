"""The rules the issue names, one by one, as an officer would meet them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hanoinet.core.convention import (
    KINDS,
    NONE_AVAILABLE,
    Offence,
    OffenceCode,
    ProblemCode,
    UnknownKindError,
    validate,
)
from hanoinet.core.convention.examples import example
from hanoinet.core.convention.limits import (
    check_refusal,
    dual_criminality_may_be_required,
    preservation_term,
)


def codes(kind: str, fields: dict[str, object]) -> list[tuple[str, str]]:
    return [(str(p.code), p.element) for p in validate(kind, fields)]


def test_preservation_without_custodian_names_the_element_and_article_42() -> None:
    fields = example("preservation")
    del fields["custodian_or_location"]
    [problem] = validate("preservation", fields)
    assert (problem.element, problem.article) == ("custodian_or_location", 42)
    assert "custodian" in problem.text
    assert "none is available" in problem.text


def test_none_available_is_accepted_where_the_article_says_any_available_information() -> None:
    fields = example("preservation")
    fields["custodian_or_location"] = dict(NONE_AVAILABLE)
    assert validate("preservation", fields) == []
    fields["custodian_or_location"] = {
        "none_available": True,
        "note": "provider unknown; SIM is local",
    }
    assert validate("preservation", fields) == []


def test_none_available_is_refused_where_the_article_requires_the_information() -> None:
    fields = example("preservation")
    fields["data_to_preserve"] = dict(NONE_AVAILABLE)
    assert codes("preservation", fields) == [("none_available_not_allowed", "data_to_preserve")]


def test_none_available_must_be_true_and_carry_nothing_else() -> None:
    fields = example("preservation")
    fields["custodian_or_location"] = {"none_available": False}
    assert codes("preservation", fields) == [("invalid", "custodian_or_location")]
    fields["custodian_or_location"] = {"none_available": True, "extra": 1}
    assert codes("preservation", fields) == [("invalid", "custodian_or_location")]


@pytest.mark.parametrize(
    ("days", "ok"), [(1, False), (30, False), (59, False), (60, True), (90, True), (365, True)]
)
def test_preservation_period_under_60_days_is_refused(days: int, ok: bool) -> None:
    fields = {**example("preservation"), "preservation_days": days}
    problems = validate("preservation", fields)
    if ok:
        assert problems == []
    else:
        [problem] = problems
        assert (problem.code, problem.element, problem.article) == (
            ProblemCode.TOO_SHORT,
            "preservation_days",
            42,
        )
        assert "60 days" in problem.text


def test_the_mla_statement_must_be_given() -> None:
    fields = {**example("preservation"), "mla_to_follow": False}
    assert codes("preservation", fields) == [("statement_required", "mla_to_follow")]


def test_real_time_traffic_without_a_collection_period_is_incomplete_under_article_45() -> None:
    fields = example("realtime_traffic")
    del fields["collection_period"]
    [problem] = validate("realtime_traffic", fields)
    assert (problem.code, problem.element, problem.article) == (
        ProblemCode.MISSING,
        "collection_period",
        45,
    )


def test_a_collection_period_that_ends_before_it_starts_is_refused() -> None:
    fields = example("interception")
    fields["collection_period"] = {
        "start": "2027-01-02T00:00:00+07:00",
        "end": "2027-01-01T00:00:00+07:00",
    }
    assert codes("interception", fields) == [("invalid", "collection_period")]


@pytest.mark.parametrize(
    "moment",
    [
        "2026-10-12 21:14:05",
        "2026-10-12T21:14:05",
        "2026-02-30T10:00:00Z",
        "12/10/2026",
        "2026-10-12T21:14:05+7",
    ],
)
def test_times_without_a_time_zone_or_in_another_format_are_refused(moment: str) -> None:
    fields = example("preservation")
    fields["identifiers"] = [{"kind": "ip", "value": "198.51.100.4", "at": moment}]
    assert codes("preservation", fields) == [("invalid", "identifiers[0].at")]


def test_an_ip_address_without_its_time_of_use_is_incomplete() -> None:
    fields = example("stored_data")
    fields["identifiers"] = [{"kind": "ip", "value": "198.51.100.4"}]
    assert codes("stored_data", fields) == [("missing", "identifiers[0].at")]


def test_unknown_fields_are_named() -> None:
    fields = {**example("preservation"), "custodain": "typo"}
    assert codes("preservation", fields) == [("unknown_field", "custodain")]


def test_unknown_kind_raises_with_the_known_kinds() -> None:
    with pytest.raises(UnknownKindError, match=r"known kinds: .*preservation"):
        validate("preserve", {})


def test_a_request_that_is_not_an_object_is_one_problem() -> None:
    assert codes("mla", [1, 2]) == [("invalid", "")]  # type: ignore[arg-type]


def test_a_minor_offence_outside_the_convention_is_out_of_scope() -> None:
    fields = {
        **example("stored_data"),
        "offences": [{"code": "other", "provision": "PC 12", "max_penalty_years": 2}],
    }
    [problem] = validate("stored_data", fields)
    assert (problem.code, problem.article) == (ProblemCode.OUT_OF_SCOPE, 35)


def test_evidence_of_a_serious_crime_is_in_scope_but_not_for_confiscation() -> None:
    serious = [{"code": "other", "provision": "PC 250", "max_penalty_years": 10}]
    assert validate("stored_data", {**example("stored_data"), "offences": serious}) == []
    problems = validate(
        "provisional_measures", {**example("provisional_measures"), "offences": serious}
    )
    assert [(p.code, p.article) for p in problems] == [(ProblemCode.OUT_OF_SCOPE, 35)]


def test_an_other_offence_needs_its_penalty() -> None:
    fields = {**example("mla"), "offences": [{"code": "other", "provision": "PC 250"}]}
    assert codes("mla", fields) == [("missing", "offences[0].max_penalty_years")]


def test_urgent_requests_must_give_their_reason() -> None:
    fields = {**example("preservation"), "urgency": "emergency"}
    assert codes("preservation", fields) == [("reason_required", "urgency_reason")]
    fields["urgency_reason"] = "Provider deletes traffic data after 7 days"
    assert validate("preservation", fields) == []


def test_money_is_a_decimal_string_with_a_currency() -> None:
    fields = example("provisional_measures")
    fields["property"] = [
        {"description": "wallet", "estimated_value": {"amount": 1.5, "currency": "usd"}}
    ]
    assert codes("provisional_measures", fields) == [
        ("invalid", "property[0].estimated_value.amount"),
        ("invalid", "property[0].estimated_value.currency"),
    ]


# --- time limits ----------------------------------------------------------------------------
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_preservation_lasts_at_least_60_days_or_the_longer_state_minimum() -> None:
    assert preservation_term(NOW).preserved_until == NOW + timedelta(days=60)
    assert preservation_term(NOW, requested_days=30).days == 60
    assert preservation_term(NOW, requested_days=120).days == 120
    assert preservation_term(NOW, state_minimum_days=90).days == 90


def test_preservation_is_held_pending_the_mla_decision_once_it_arrives() -> None:
    term = preservation_term(NOW)
    held = type(term)(term.preserved_at, term.days, mla_received_at=NOW + timedelta(days=50))
    assert held.preserved_until is None
    assert not held.expired(NOW + timedelta(days=400))
    decided = type(term)(
        term.preserved_at, term.days, NOW + timedelta(days=50), NOW + timedelta(days=200)
    )
    assert decided.expired(NOW + timedelta(days=201))
    assert not decided.expired(NOW + timedelta(days=199))


def test_an_mla_request_arriving_after_expiry_does_not_revive_the_preservation() -> None:
    term = preservation_term(NOW)
    late = type(term)(term.preserved_at, term.days, mla_received_at=NOW + timedelta(days=61))
    assert late.preserved_until == NOW + timedelta(days=60)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        preservation_term(datetime(2026, 1, 1))  # noqa: DTZ001


# --- dual criminality and refusals ---------------------------------------------------------
ACCESS = [Offence(OffenceCode.ILLEGAL_ACCESS, "s.1")]
FRAUD = [Offence(OffenceCode.THEFT_OR_FRAUD, "s.2")]


def test_dual_criminality_is_never_required_for_preservation_without_the_reservation() -> None:
    assert not dual_criminality_may_be_required(
        KINDS["preservation"], FRAUD, art42_reservation=False
    )


def test_the_article_42_reservation_never_covers_articles_7_to_11() -> None:
    assert not dual_criminality_may_be_required(
        KINDS["preservation"], ACCESS, art42_reservation=True
    )
    assert dual_criminality_may_be_required(KINDS["preservation"], FRAUD, art42_reservation=True)


def test_other_mla_may_require_dual_criminality_and_police_cooperation_may_not() -> None:
    assert dual_criminality_may_be_required(KINDS["stored_data"], ACCESS, art42_reservation=False)
    assert not dual_criminality_may_be_required(
        KINDS["police_cooperation"], FRAUD, art42_reservation=False
    )


def refusal(
    kind: str, grounds: list[str], offences: list[Offence] = FRAUD, **kw: object
) -> list[tuple[str, str]]:
    problems = check_refusal(
        KINDS[kind],
        grounds,
        offences,
        reasons=str(kw.get("reasons", "stated")),
        consultation_offered=bool(kw.get("consultation_offered", True)),
        art42_reservation=bool(kw.get("art42_reservation", False)),
    )
    return [(str(p.code), p.element) for p in problems]


def test_a_lawful_refusal_has_no_problems() -> None:
    assert refusal("stored_data", ["essential_interests"]) == []


def test_non_conformity_is_not_a_ground_to_refuse_preservation() -> None:
    assert refusal("preservation", ["non_conformity"]) == [("invalid", "grounds")]


def test_bank_secrecy_and_fiscal_matters_are_never_grounds() -> None:
    problems = check_refusal(
        KINDS["mla"],
        ["bank_secrecy", "fiscal_matters"],
        FRAUD,
        reasons="x",
        consultation_offered=True,
    )
    assert [p.article for p in problems] == [40, 40]
    assert "Bank secrecy" in problems[0].text


def test_a_refusal_needs_grounds_reasons_and_prior_consultation() -> None:
    assert refusal("mla", [], reasons=" ", consultation_offered=False) == [
        ("missing", "grounds"),
        ("missing", "reasons"),
        ("missing", "consultation"),
    ]


def test_the_reservation_ground_depends_on_the_offences_and_the_reservation() -> None:
    assert (
        refusal("preservation", ["dual_criminality_reservation"], FRAUD, art42_reservation=True)
        == []
    )
    assert refusal(
        "preservation", ["dual_criminality_reservation"], ACCESS, art42_reservation=True
    ) == [("invalid", "grounds")]
    assert refusal(
        "preservation", ["dual_criminality_reservation"], FRAUD, art42_reservation=False
    ) == [("invalid", "grounds")]


def test_insufficient_evidence_is_a_ground_only_for_confiscation() -> None:
    assert refusal("provisional_measures", ["insufficient_evidence_or_minimal_value"]) == []
    assert refusal("stored_data", ["insufficient_evidence_or_minimal_value"]) == [
        ("invalid", "grounds")
    ]
