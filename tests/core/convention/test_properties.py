"""Properties of the validator over generated inputs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanoinet.core.convention import KINDS, ProblemCode, validate
from hanoinet.core.convention.examples import example

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
kinds = st.sampled_from(sorted(KINDS))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(kinds, st.data())
def test_any_value_for_any_element_gives_problems_not_exceptions(
    code: str, data: st.DataObject
) -> None:
    kind = KINDS[code]
    fields = example(code)
    for name in data.draw(st.lists(st.sampled_from(kind.element_names), max_size=4, unique=True)):
        fields[name] = data.draw(json_values)
    problems = validate(code, fields)
    assert all(p.element and p.text for p in problems)


@settings(max_examples=200)
@given(kinds, json_values)
def test_any_json_as_a_whole_request_never_raises(code: str, value: object) -> None:
    validate(code, value)


@settings(max_examples=200)
@given(kinds, st.data())
def test_removing_required_elements_reports_exactly_those(code: str, data: st.DataObject) -> None:
    kind = KINDS[code]
    required = [element.name for element in kind.required_elements]
    removed = set(data.draw(st.lists(st.sampled_from(required), unique=True)))
    fields = {name: value for name, value in example(code).items() if name not in removed}
    problems = validate(code, fields)
    assert {p.element for p in problems if p.code is ProblemCode.MISSING} == removed
    assert all(p.code is ProblemCode.MISSING for p in problems)


@given(st.integers(min_value=1, max_value=3650))
def test_preservation_days_are_lawful_exactly_from_60(days: int) -> None:
    problems = validate("preservation", {**example("preservation"), "preservation_days": days})
    assert (problems == []) == (days >= 60)
