"""E-mail addresses: domain normalised, local part kept, no provider rules."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import IdentifierKind, ProblemCode, normalise

EMAIL = IdentifierKind.EMAIL


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("scam.desk@example.com", "scam.desk@example.com"),
        ("Scam.Desk@EXAMPLE.COM", "Scam.Desk@example.com"),
        ("  support@Bücher.de ", "support@xn--bcher-kva.de"),
        ("mailto:help@bank-secure.com.vn", "help@bank-secure.com.vn"),
        ("Bank Support <help@bank-secure.com.vn>", "help@bank-secure.com.vn"),
        ("o'brien+refund@mail.example.co.uk", "o'brien+refund@mail.example.co.uk"),
        ("nguyễn@ví-dụ.vn", "nguyễn@xn--v-d-rma6749a.vn"),
        ("a@b.example.com.", "a@b.example.com"),
    ],
)
def test_valid_addresses_keep_their_local_part(raw: str, value: str) -> None:
    identifier = normalise(EMAIL, raw)
    assert (identifier.value, identifier.link_key) == (value, f"email:{value}")


def test_provider_rules_are_not_applied() -> None:
    """Gmail ignores dots and +tags, other providers do not: the analyst decides."""
    keys = {normalise(EMAIL, raw).link_key for raw in ("j.doe@gmail.com", "jdoe@gmail.com")}
    assert len(keys) == 2


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("no-at-sign.example.com", ProblemCode.EMAIL_INVALID),
        ("@example.com", ProblemCode.EMAIL_INVALID),
        ("a..b@example.com", ProblemCode.EMAIL_INVALID),
        (".a@example.com", ProblemCode.EMAIL_INVALID),
        ("john doe@example.com", ProblemCode.EMAIL_INVALID),
        ('"john doe"@example.com', ProblemCode.EMAIL_INVALID),
        ("a\u00a0b@example.com", ProblemCode.EMAIL_INVALID),
        ("x" * 65 + "@example.com", ProblemCode.EMAIL_INVALID),
        ("x" * 64 + "@" + ("a" * 63 + ".") * 3 + "com", ProblemCode.EMAIL_INVALID),
        ("someone@", ProblemCode.EMAIL_DOMAIN_INVALID),
        ("someone@localhost", ProblemCode.EMAIL_DOMAIN_INVALID),
        ("someone@[203.0.113.9]", ProblemCode.EMAIL_DOMAIN_INVALID),
        ("someone@203.0.113.9", ProblemCode.EMAIL_DOMAIN_INVALID),
        ("someone@exa_mple..com", ProblemCode.EMAIL_DOMAIN_INVALID),
    ],
)
def test_invalid_addresses_are_flagged(raw: str, code: ProblemCode) -> None:
    identifier = normalise(EMAIL, raw)
    assert identifier.problem is not None
    assert (identifier.problem.code, identifier.raw) == (code, raw)
