"""Bounded correlation: the warning list and the fan-out cap."""

from __future__ import annotations

import pytest

from hanoinet.core.errors import CoreError
from hanoinet.core.linking import (
    DEFAULT_FAN_OUT_CAP,
    DEFAULT_WARNING_ENTRIES,
    DEFAULT_WARNING_LIST,
    LinkingError,
    WarningList,
)
from hanoinet.core.linking.policy import check_fan_out_cap


@pytest.mark.parametrize(
    ("key", "listed"),
    [
        ("domain:facebook.com", True),
        ("domain:m.facebook.com", True),
        ("domain:a.b.facebook.com", True),
        ("domain:notfacebook.com", False),
        ("domain:facebook.com.evil.example", False),
        ("domain:t.me", True),
        ("domain:gmail.com", True),
        ("email:scammer@gmail.com", False),
        ("url:facebook.com", False),
        ("wallet:ethereum:0x000000000000000000000000000000000000dEaD", True),
        ("phone:+84912345678", False),
        ("ip:8.8.8.8", True),
        ("wallet:ethereum:0x0000000000000000000000000000000000000000", True),
        ("wallet:bitcoin:bc1qexample", False),
    ],
)
def test_the_default_list_names_platforms_not_their_users(key: str, listed: bool) -> None:
    assert DEFAULT_WARNING_LIST.matches(key) is listed
    assert DEFAULT_WARNING_LIST.mask([key]).tolist() == [listed]


def test_every_default_entry_is_valid_and_kept() -> None:
    assert DEFAULT_WARNING_LIST.entries == frozenset(DEFAULT_WARNING_ENTRIES)
    assert len(DEFAULT_WARNING_ENTRIES) == len(set(DEFAULT_WARNING_ENTRIES))
    assert DEFAULT_FAN_OUT_CAP > 1


def test_a_pattern_only_applies_to_its_own_kind() -> None:
    listed = WarningList(["domain:*.example.org", "host:*.example.net"])
    keys = ["domain:www.example.org", "host:www.example.org", "host:example.net", "x:example.net"]
    assert [listed.matches(key) for key in keys] == [True, False, True, False]
    assert listed.mask(keys).tolist() == [True, False, True, False]


def test_an_exact_only_list_needs_no_pattern_pass() -> None:
    listed = WarningList(["phone:+84240000000"])
    assert listed.mask(["phone:+84240000000", "domain:x.phone"]).tolist() == [True, False]


def test_operator_lists_extend_the_default() -> None:
    operator = WarningList.from_text(
        "# official bank hotlines\nphone:+84240000000   # bank A\n\n  domain:*.bank.example\n"
    )
    assert operator.entries == {"phone:+84240000000", "domain:*.bank.example"}
    combined = DEFAULT_WARNING_LIST | operator
    assert combined.matches("phone:+84240000000")
    assert combined.matches("domain:online.bank.example")
    assert combined.matches("domain:t.me")
    assert combined == WarningList(DEFAULT_WARNING_ENTRIES + tuple(operator.entries))


def test_an_empty_list_is_falsy_and_matches_nothing() -> None:
    assert not WarningList()
    assert DEFAULT_WARNING_LIST
    assert not WarningList().matches("domain:t.me")
    assert WarningList().mask(["domain:t.me"]).tolist() == [False]


@pytest.mark.parametrize(
    "entry",
    [
        "",
        "facebook.com",
        ":facebook.com",
        "domain:",
        " domain:t.me",
        "domain:t.me ",
        "domain:*facebook.com",
        "domain:*.",
        "domain:*.*.facebook.com",
        "domain:www.*.facebook.com",
        "*:*.facebook.com",
        "wallet:eth:*.x",
    ],
)
def test_bad_entries_are_refused(entry: str) -> None:
    with pytest.raises(LinkingError, match="warning-list entry"):
        WarningList([entry])


@pytest.mark.parametrize("cap", [0, -1, 1.5, True, "10"])
def test_a_cap_must_be_a_positive_integer(cap: object) -> None:
    with pytest.raises(CoreError, match="fan_out_cap"):
        check_fan_out_cap(cap)  # type: ignore[arg-type]


@pytest.mark.parametrize("cap", [None, 1, 200])
def test_sensible_caps_pass(cap: int | None) -> None:
    check_fan_out_cap(cap)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("url", "https://m.facebook.com/profile.php?id=1"),
        ("domain", "Gmail.com"),
        ("ip", "8.8.8.8"),
        ("wallet", "0x000000000000000000000000000000000000dead"),
    ],
)
def test_the_default_list_catches_what_the_identifiers_module_writes(kind: str, raw: str) -> None:
    identifiers = pytest.importorskip("hanoinet.core.identifiers")
    key = identifiers.normalise(kind, raw).link_key
    assert key is not None
    assert DEFAULT_WARNING_LIST.matches(key)
