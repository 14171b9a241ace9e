"""One test per element per kind: each required element, when absent, is named with its
article; each element, when given a value of the wrong shape, is named."""

from __future__ import annotations

import pytest

from hanoinet.core.convention import ARTICLES, KINDS, ProblemCode, ValueType, validate
from hanoinet.core.convention.examples import example

REQUIRED = [
    pytest.param(kind.code, element.name, element.article, id=f"{kind.code}.{element.name}")
    for kind in KINDS.values()
    for element in kind.required_elements
]
EVERY = [
    pytest.param(kind.code, element.name, id=f"{kind.code}.{element.name}")
    for kind in KINDS.values()
    for element in kind.elements
]

# A value of the wrong shape for each type (a number where text is due, and so on).
WRONG_SHAPE = {
    ValueType.TEXT: 12345,
    ValueType.TEXT_OR_NONE_AVAILABLE: ["not", "text"],
    ValueType.STATEMENT: False,
    ValueType.FLAG: "yes",
    ValueType.DAYS: "sixty",
    ValueType.PERIOD: {"start": "2026-12-01", "end": "2026-12-31"},
    ValueType.CHOICE: "whenever",
    ValueType.CHOICES: ["nonsense"],
    ValueType.OFFENCES: [{"code": "art99"}],
    ValueType.IDENTIFIERS: [{"kind": "phone"}],
    ValueType.PERSONS: ["Nguyen Van A"],
    ValueType.PROPERTY: [{"location": "somewhere"}],
    ValueType.REFERENCE: {"id": 1},
}


@pytest.mark.parametrize("code", sorted(KINDS))
def test_the_example_of_every_kind_is_complete(code: str) -> None:
    assert validate(code, example(code)) == []


@pytest.mark.parametrize(("code", "name", "article"), REQUIRED)
def test_a_missing_required_element_is_named_with_its_article(
    code: str, name: str, article: int
) -> None:
    fields = example(code)
    del fields[name]
    problems = validate(code, fields)
    assert [(p.code, p.element, p.article) for p in problems] == [
        (ProblemCode.MISSING, name, article)
    ]
    assert "Missing:" in problems[0].text


@pytest.mark.parametrize(("code", "name", "article"), REQUIRED)
def test_a_blank_required_element_counts_as_missing(code: str, name: str, article: int) -> None:
    fields = example(code)
    fields[name] = "   " if isinstance(fields[name], str) else None
    assert [(p.code, p.element) for p in validate(code, fields)] == [(ProblemCode.MISSING, name)]


@pytest.mark.parametrize(("code", "name"), EVERY)
def test_a_value_of_the_wrong_shape_is_named(code: str, name: str) -> None:
    kind = KINDS[code]
    element = kind.element(name)
    fields = example(code)
    fields[name] = WRONG_SHAPE[element.value_type]
    problems = validate(code, fields)
    assert problems, f"{code}.{name} accepted {fields[name]!r}"
    assert all(p.element.startswith(name) for p in problems), [p.as_dict() for p in problems]
    assert all(p.code is not ProblemCode.MISSING or "." in p.element for p in problems)


@pytest.mark.parametrize(("code", "name"), EVERY)
def test_every_cited_article_exists(code: str, name: str) -> None:
    element = KINDS[code].element(name)
    assert element.article is None or element.article in ARTICLES
    assert element.label
    assert element.why


def test_every_kind_cites_its_own_article() -> None:
    for kind in KINDS.values():
        assert kind.article in ARTICLES
        assert all(
            number in ARTICLES for number in kind.articles if number not in (25, 29, 30, 31, 56)
        )
