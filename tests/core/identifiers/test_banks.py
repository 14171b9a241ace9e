"""IBANs and national bank accounts."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import IdentifierKind, ProblemCode, normalise

IBAN = IdentifierKind.IBAN
ACCOUNT = IdentifierKind.BANK_ACCOUNT


@pytest.mark.parametrize(
    ("raw", "value", "country"),
    [
        ("GB82WEST12345698765432", "GB82WEST12345698765432", "GB"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "GB"),
        ("de89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606", "FR"),
        ("NL91-ABNA-0417-1643-00", "NL91ABNA0417164300", "NL"),
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957", "CH"),
    ],
)
def test_valid_ibans_are_compact_and_upper_case(raw: str, value: str, country: str) -> None:
    identifier = normalise(IBAN, raw)
    assert (identifier.value, identifier.scope) == (value, country)
    assert identifier.link_key == f"iban:{value}"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("GB83WEST12345698765432", ProblemCode.IBAN_CHECKSUM),
        ("GB82WEST12345698765423", ProblemCode.IBAN_CHECKSUM),  # two digits swapped
        ("DE89370400440532013001", ProblemCode.IBAN_CHECKSUM),
        ("XX82WEST12345698765432", ProblemCode.IBAN_COUNTRY),
        ("VN82WEST12345698765432", ProblemCode.IBAN_COUNTRY),  # Viet Nam has no IBAN
        ("GB82WEST1234569876543", ProblemCode.IBAN_LENGTH),
        ("GB82WEST1234569876543!", ProblemCode.IBAN_STRUCTURE),
        ("GB82WES112345698765432", ProblemCode.IBAN_STRUCTURE),
        ("12", ProblemCode.IBAN_STRUCTURE),
    ],
)
def test_invalid_ibans_name_what_is_wrong(raw: str, code: ProblemCode) -> None:
    identifier = normalise(IBAN, raw)
    assert identifier.problem is not None
    assert (identifier.problem.code, identifier.value) == (code, None)


@pytest.mark.parametrize(
    ("raw", "region", "bank", "value"),
    [
        ("VN:970436:0123456789", None, None, "VN:970436:0123456789"),
        ("vn : 970436 : 0123 456 789", "GB", None, "VN:970436:0123456789"),
        ("970436:0123-456-789", "VN", None, "VN:970436:0123456789"),
        ("0123.456.789", "VN", "970436", "VN:970436:0123456789"),
        ("12345678", "GB", "20-00-00", "GB:200000:12345678"),
        ("ab12cd34", "TH", "bkkbthbk", "TH:BKKBTHBK:AB12CD34"),
        ("0071000123456", "VN", "Vietcombank", "VN:VIETCOMBANK:0071000123456"),
    ],
)
def test_bank_accounts_are_country_bank_and_account(
    raw: str, region: str | None, bank: str | None, value: str
) -> None:
    identifier = normalise(ACCOUNT, raw, default_region=region, bank=bank)
    assert (identifier.value, identifier.scope) == (value, value[:2])
    assert identifier.link_key == f"bank_account:{value}"


@pytest.mark.parametrize(
    ("raw", "region", "bank", "code"),
    [
        ("970436:0123456789", None, None, ProblemCode.COUNTRY_MISSING),
        ("0123456789", None, "970436", ProblemCode.COUNTRY_MISSING),
        ("XX:970436:0123456789", None, None, ProblemCode.COUNTRY_UNKNOWN),
        ("0123456789", "VN", None, ProblemCode.BANK_CODE_MISSING),
        ("VN:970436:0123:456", "VN", None, ProblemCode.BANK_ACCOUNT_INVALID),
        ("0123456789", "VN", "9", ProblemCode.BANK_CODE_INVALID),
        ("0123456789", "VN", "9704369704369704369704", ProblemCode.BANK_CODE_INVALID),
        ("0123456789", "VN", "Viet Com & Bank", ProblemCode.BANK_CODE_INVALID),
        ("012", "VN", "970436", ProblemCode.BANK_ACCOUNT_INVALID),
        ("0123#456", "VN", "970436", ProblemCode.BANK_ACCOUNT_INVALID),
        ("VN:970436:0123456789", "VN", "970436", ProblemCode.BANK_ACCOUNT_INVALID),
    ],
)
def test_incomplete_bank_accounts_are_flagged(
    raw: str, region: str | None, bank: str | None, code: ProblemCode
) -> None:
    identifier = normalise(ACCOUNT, raw, default_region=region, bank=bank)
    assert identifier.problem is not None
    assert identifier.problem.code is code
