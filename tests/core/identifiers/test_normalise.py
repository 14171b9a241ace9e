"""The entry points: dispatch, limits, programmer errors, guessing and the value class."""

from __future__ import annotations

import pytest

from hanoinet.core.errors import CoreError
from hanoinet.core.identifiers import (
    MAX_LENGTH,
    Identifier,
    IdentifierKind,
    ProblemCode,
    UnknownKindError,
    UnknownRegionError,
    guess,
    normalise,
)


@pytest.mark.parametrize("kind", list(IdentifierKind))
def test_empty_input_is_flagged_for_every_kind(kind: IdentifierKind) -> None:
    identifier = normalise(kind, " \t\n")
    assert identifier.problem is not None
    assert (identifier.problem.code, identifier.raw, identifier.value) == (
        ProblemCode.EMPTY,
        " \t\n",
        None,
    )


@pytest.mark.parametrize("kind", list(IdentifierKind))
def test_overlong_input_is_flagged_for_every_kind(kind: IdentifierKind) -> None:
    raw = "8" * (MAX_LENGTH + 1)
    identifier = normalise(kind, raw)
    assert identifier.problem is not None
    assert (identifier.problem.code, identifier.raw) == (ProblemCode.TOO_LONG, raw)


def test_kinds_may_be_given_as_strings() -> None:
    assert normalise("ip", "8.8.8.8").kind is IdentifierKind.IP_ADDRESS


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(UnknownKindError, match="'fax'"):
        normalise("fax", "+84 912 345 678")


def test_an_unknown_default_region_is_a_programming_error() -> None:
    with pytest.raises(UnknownRegionError, match="'Vietnam'"):
        normalise(IdentifierKind.PHONE, "0912 345 678", default_region="Vietnam")
    with pytest.raises(CoreError):
        guess("0912 345 678", default_region="XX")


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("8.8.8.8", IdentifierKind.IP_ADDRESS, "8.8.8.8"),
        (
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            IdentifierKind.WALLET,
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ),
        ("0x" + "ab" * 32, IdentifierKind.TX_HASH, "ab" * 32),
        ("DE89 3704 0044 0532 0130 00", IdentifierKind.IBAN, "DE89370400440532013000"),
        ("help@bank-secure.com.vn", IdentifierKind.EMAIL, "help@bank-secure.com.vn"),
        ("https://t.me/scam_desk", IdentifierKind.SOCIAL, "telegram:scam_desk"),
        ("0912 345 678", IdentifierKind.PHONE, "+84912345678"),
        ("https://scam-bank.com.vn/login", IdentifierKind.URL, "scam-bank.com.vn"),
    ],
)
def test_guess_finds_the_kind_of_free_text(raw: str, kind: IdentifierKind, value: str) -> None:
    identifier = guess(raw, default_region="VN")
    assert identifier is not None
    assert (identifier.kind, identifier.value, identifier.raw) == (kind, value, raw)


@pytest.mark.parametrize("raw", ["", "hello world", "x" * (MAX_LENGTH + 1), "12"])
def test_guess_gives_none_for_text_that_is_no_identifier(raw: str) -> None:
    assert guess(raw, default_region="VN") is None


def test_an_identifier_has_a_value_or_a_problem() -> None:
    with pytest.raises(CoreError):
        Identifier(IdentifierKind.PHONE, "x", None)
    valid = normalise(IdentifierKind.PHONE, "+84912345678")
    with pytest.raises(CoreError):
        Identifier(IdentifierKind.PHONE, "x", "y", problem=normalise("phone", "").problem)
    assert valid.valid


def test_as_dict_carries_everything_an_api_shows() -> None:
    assert normalise(IdentifierKind.IP_ADDRESS, "100.64.0.1").as_dict() == {
        "kind": "ip",
        "raw": "100.64.0.1",
        "value": "100.64.0.1",
        "valid": True,
        "problem": None,
        "scope": None,
        "flags": ["not_global", "shared"],
        "link_key": None,
    }
    invalid = normalise(IdentifierKind.EMAIL, "nobody").as_dict()
    assert invalid["problem"] == {
        "code": "email_invalid",
        "message": "This is not a valid e-mail address.",
    }
    assert (invalid["valid"], invalid["link_key"]) == (False, None)


def test_a_url_and_a_domain_report_link() -> None:
    url = normalise(IdentifierKind.URL, "https://secure.scam-bank.com.vn/otp")
    domain = normalise(IdentifierKind.DOMAIN, "SCAM-BANK.com.vn")
    assert url.link_key == domain.link_key == "domain:scam-bank.com.vn"
