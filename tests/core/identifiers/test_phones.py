"""Phone numbers to E.164, with the form's country for national numbers."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import IdentifierKind, ProblemCode, normalise

PHONE = IdentifierKind.PHONE


@pytest.mark.parametrize(
    ("raw", "region", "value", "scope"),
    [
        ("0912 345 678", "VN", "+84912345678", "VN"),
        ("0912-345-678", "vn", "+84912345678", "VN"),
        ("(+84) 912 345 678", None, "+84912345678", "VN"),
        ("+84912345678", "GB", "+84912345678", "VN"),
        ("0084 912 345 678", "VN", "+84912345678", "VN"),
        ("028 3829 5555", "VN", "+842838295555", "VN"),
        ("020 7946 0018", "GB", "+442079460018", "GB"),
        ("+1 (202) 555-0147", None, "+12025550147", "US"),
        ("+800 1234 5678", None, "+80012345678", "001"),
    ],
)
def test_valid_numbers_become_e164(raw: str, region: str | None, value: str, scope: str) -> None:
    identifier = normalise(PHONE, raw, default_region=region)
    assert (identifier.value, identifier.scope, identifier.valid) == (value, scope, True)
    assert identifier.link_key == f"phone:{value}"


@pytest.mark.parametrize(
    ("raw", "region", "code"),
    [
        ("0912 345 678", None, ProblemCode.PHONE_REGION_MISSING),
        ("+0912 345 678", None, ProblemCode.PHONE_INVALID),
        ("0912 345", "VN", ProblemCode.PHONE_INVALID),
        ("+84 000 000 000", None, ProblemCode.PHONE_INVALID),
        ("call me", "VN", ProblemCode.PHONE_INVALID),
        ("1" * 300, "VN", ProblemCode.PHONE_INVALID),
    ],
)
def test_invalid_numbers_are_flagged(raw: str, region: str | None, code: ProblemCode) -> None:
    identifier = normalise(PHONE, raw, default_region=region)
    assert identifier.problem is not None
    assert (identifier.problem.code, identifier.value, identifier.raw) == (code, None, raw)
