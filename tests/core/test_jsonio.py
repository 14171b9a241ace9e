from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hanoinet.core.jsonio import JsonError, canonical, loads_strict


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": Infinity}', "Infinity is not a JSON number"),
        ('{"a": ', "not valid JSON"),
        ("[" * 65 + "]" * 65, "nested deeper"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_what_json_loads_would_accept_or_crash_on_is_refused_with_a_reason(
    text: str | bytes, message: str
) -> None:
    with pytest.raises(JsonError, match=message):
        loads_strict(text)


def test_very_deep_nesting_does_not_crash() -> None:
    with pytest.raises(JsonError, match="nested deeper"):
        loads_strict("[" * 100_000 + "]" * 100_000)


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(plain)
def test_canonical_round_trips_and_is_order_independent(value: object) -> None:
    encoded = canonical(value)
    assert loads_strict(encoded) == value
    if isinstance(value, dict):
        assert canonical(dict(reversed(list(value.items())))) == encoded
    assert canonical(json.loads(encoded)) == encoded
