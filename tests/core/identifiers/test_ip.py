"""IP addresses: compressed form; ranges outside the Internet are flagged and do not link."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import Flag, IdentifierKind, ProblemCode, normalise

IP = IdentifierKind.IP_ADDRESS


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("8.8.8.8", "8.8.8.8"),
        (" 1.1.1.1 ", "1.1.1.1"),
        ("2606:4700:4700:0000:0000:0000:0000:1111", "2606:4700:4700::1111"),
        ("2606:4700:4700::1111", "2606:4700:4700::1111"),
        ("[2606:4700:4700::1111]", "2606:4700:4700::1111"),
        ("::FFFF:8.8.4.4", "8.8.4.4"),
    ],
)
def test_public_addresses_link(raw: str, value: str) -> None:
    identifier = normalise(IP, raw)
    assert (identifier.value, identifier.flags) == (value, frozenset())
    assert identifier.link_key == f"ip:{value}"


@pytest.mark.parametrize(
    ("raw", "value", "flags"),
    [
        ("192.168.1.1", "192.168.1.1", {Flag.PRIVATE}),
        ("10.0.0.7", "10.0.0.7", {Flag.PRIVATE}),
        ("fd12:3456::1", "fd12:3456::1", {Flag.PRIVATE}),
        ("203.0.113.9", "203.0.113.9", {Flag.PRIVATE}),  # documentation range
        ("127.0.0.1", "127.0.0.1", {Flag.LOOPBACK}),
        ("::1", "::1", {Flag.LOOPBACK, Flag.RESERVED}),  # inside ::/8
        ("169.254.10.1", "169.254.10.1", {Flag.LINK_LOCAL}),
        ("fe80::1%eth0", "fe80::1%eth0", {Flag.LINK_LOCAL}),
        ("224.0.0.251", "224.0.0.251", {Flag.MULTICAST}),
        ("ff02::1", "ff02::1", {Flag.MULTICAST}),
        ("240.0.0.1", "240.0.0.1", {Flag.PRIVATE, Flag.RESERVED}),
        ("0.0.0.0", "0.0.0.0", {Flag.RESERVED}),  # noqa: S104 - classified, not bound
        ("::", "::", {Flag.RESERVED}),
        ("100.64.12.34", "100.64.12.34", {Flag.SHARED}),
    ],
)
def test_non_global_addresses_are_flagged_and_do_not_link(
    raw: str, value: str, flags: set[Flag]
) -> None:
    identifier = normalise(IP, raw)
    assert identifier.valid
    assert identifier.value == value
    assert identifier.flags == frozenset({*flags, Flag.NOT_GLOBAL})
    assert identifier.link_key is None


@pytest.mark.parametrize(
    "raw", ["256.1.1.1", "1.2.3", "010.1.1.1", "1.2.3.4:443", "2001:db8:::1", "example.com"]
)
def test_non_addresses_are_flagged(raw: str) -> None:
    identifier = normalise(IP, raw)
    assert identifier.problem is not None
    assert identifier.problem.code is ProblemCode.IP_INVALID
