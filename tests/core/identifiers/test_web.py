"""URLs and domains reduce to the registered domain, offline."""

from __future__ import annotations

import socket

import pytest

from hanoinet.core.identifiers import IdentifierKind, ProblemCode, hosts, normalise
from hanoinet.core.identifiers.hosts import normalise_host


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("https://www.example.com/login", "example.com"),
        ("HTTP://Forums.BBC.co.uk:8080/x?y=1#z", "bbc.co.uk"),
        ("example.com", "example.com"),
        ("Example.COM.", "example.com"),
        ("www.scam-bank.com.vn/verify?id=1", "scam-bank.com.vn"),
        ("https://user:pw@secure.example.org:443/", "example.org"),
        ("hxxps://login.scam[.]example(.)com/", "example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("https://BÜCHER.de/kaufen", "xn--bcher-kva.de"),
        ("xn--BCHER-kva.de", "xn--bcher-kva.de"),
        ("https://ví-dụ.vn", "xn--v-d-rma6749a.vn"),
        ("shop\u3002example\uff0ecom", "example.com"),  # ideographic and full-width stops
        ("https://my_shop.example.com", "example.com"),
        # PSL private suffixes keep hosted sites apart.
        ("https://cheap-iphones.blogspot.com/", "cheap-iphones.blogspot.com"),
        ("fake-bank.pages.dev", "fake-bank.pages.dev"),
    ],
)
def test_urls_reduce_to_the_registered_domain(raw: str, value: str) -> None:
    for kind in (IdentifierKind.URL, IdentifierKind.DOMAIN):
        identifier = normalise(kind, raw)
        assert identifier.value == value
        assert identifier.link_key == f"domain:{value}"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("localhost", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("printer.lan", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("com", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("co.uk", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("http://203.0.113.7/login", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("https://[2001:db8::1]:8443/", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("fe80::1", ProblemCode.DOMAIN_NOT_REGISTRABLE),
        ("http://exa mple.com", ProblemCode.DOMAIN_INVALID),
        ("a..b.com", ProblemCode.DOMAIN_INVALID),
        ("http://[2001:db8::1", ProblemCode.DOMAIN_INVALID),
        ("https:///path-only", ProblemCode.DOMAIN_INVALID),
        ("-bad-.example.com", ProblemCode.DOMAIN_INVALID),
        ("xn--zz.example.com", ProblemCode.DOMAIN_INVALID),  # not punycode
        ("a" * 64 + ".com", ProblemCode.DOMAIN_INVALID),
        ("http://⒈example.com", ProblemCode.DOMAIN_INVALID),  # maps to "1." in UTS 46
        ("a\u200dx.com", ProblemCode.DOMAIN_INVALID),  # a joiner IDNA 2008 refuses here
        (("a" * 60 + ".") * 5 + "com", ProblemCode.DOMAIN_INVALID),
    ],
)
def test_non_domains_are_flagged(raw: str, code: ProblemCode) -> None:
    identifier = normalise(IdentifierKind.URL, raw)
    assert identifier.problem is not None
    assert identifier.problem.code is code


def test_a_non_canonical_punycode_label_is_refused() -> None:
    """Two spellings of one name would break linking; only the canonical one is accepted."""
    assert normalise_host("xn--bcher-kva.de") == "xn--bcher-kva.de"
    assert normalise_host("xn--bcher-kva-.de") is None


def test_a_host_too_long_for_the_dns_is_refused_before_or_after_idna() -> None:
    assert normalise_host("a." * 127 + "com") is None
    assert normalise_host("üüü." * 60 + "com") is None  # 244 characters, 604 in ASCII


def test_no_socket_is_opened_to_fetch_the_suffix_list(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the identifiers module tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    hosts._extractor.cache_clear()  # rebuild the extractor under the patch
    assert normalise(IdentifierKind.URL, "https://news.example.co.jp/a").value == "example.co.jp"
    assert hosts._extractor().suffix_list_urls == ()
    assert not hosts._extractor()._cache.enabled  # nothing written to disk either
