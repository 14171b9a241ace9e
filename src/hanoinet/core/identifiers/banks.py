"""Bank accounts: IBANs (ISO 13616) and national account numbers under a bank code.

An IBAN is checked with ``schwifty`` for its country, length, structure and ISO 7064
mod-97 check digits. National check digits inside the BBAN are not checked: schwifty has
no algorithm for many countries and then only warns, and mod-97 already catches every
single typo and swapped pair of digits.

Many countries (Viet Nam among them) have no IBAN: an account is then a bank code (a
NAPAS BIN such as ``970436``, a sort code, a routing number or a BIC) and an account
number. Its value is ``COUNTRY:BANK:ACCOUNT``, e.g. ``VN:970436:0123456789``; the raw
text may be written that way, or as ``BANK:ACCOUNT`` with the form's country, or as the
bare account number with ``bank=`` and ``default_region=`` from the form.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.problems import Problem, ProblemCode
from hanoinet.core.identifiers.regions import country

# Separators people type inside numbers; removed before checking.
_SEPARATORS = re.compile(r"[\s\-./]+")
# A BIC has 11 characters at most; victims also type bank names ("VIETCOMBANK").
_BANK_CODE = re.compile(r"^[A-Z0-9]{2,20}$")
_ACCOUNT = re.compile(r"^[A-Z0-9]{4,34}$")

IBAN_COUNTRY = Problem(
    ProblemCode.IBAN_COUNTRY, N_("This IBAN does not start with a country that uses IBANs.")
)
IBAN_LENGTH = Problem(
    ProblemCode.IBAN_LENGTH, N_("This IBAN has the wrong length for its country.")
)
IBAN_STRUCTURE = Problem(
    ProblemCode.IBAN_STRUCTURE, N_("This IBAN has characters its country does not allow.")
)
IBAN_CHECKSUM = Problem(
    ProblemCode.IBAN_CHECKSUM, N_("The check digits of this IBAN do not match: look for a typo.")
)
COUNTRY_MISSING = Problem(
    ProblemCode.COUNTRY_MISSING, N_("The country of this bank account is not known.")
)
COUNTRY_UNKNOWN = Problem(
    ProblemCode.COUNTRY_UNKNOWN, N_("The country of this bank account is not a known country code.")
)
BANK_CODE_MISSING = Problem(
    ProblemCode.BANK_CODE_MISSING, N_("The bank of this account number is not known.")
)
BANK_CODE_INVALID = Problem(
    ProblemCode.BANK_CODE_INVALID, N_("The bank code must be 2 to 20 letters or digits.")
)
ACCOUNT_INVALID = Problem(
    ProblemCode.BANK_ACCOUNT_INVALID, N_("An account number must be 4 to 34 letters or digits.")
)


def compact(text: str) -> str:
    """Upper case without the spaces, dashes, dots and slashes people type in numbers.

    >>> compact("0123-456 789")
    '0123456789'
    """
    return _SEPARATORS.sub("", text).upper()


def parse_iban(text: str, _options: Options) -> Parsed | Problem:
    """The IBAN in electronic form (no spaces, upper case), its scope the country.

    >>> parse_iban("gb82 west 1234 5698 7654 32", Options())
    Parsed(value='GB82WEST12345698765432', scope='GB', flags=frozenset())
    >>> parse_iban("GB83WEST12345698765432", Options()).code.value
    'iban_checksum'
    """
    try:
        iban = IBAN(compact(text))
    except InvalidCountryCode:
        return IBAN_COUNTRY
    except InvalidLength:
        return IBAN_LENGTH
    except InvalidChecksumDigits:
        return IBAN_CHECKSUM
    except SchwiftyException:  # InvalidStructure and the bank/branch/account variants
        return IBAN_STRUCTURE
    return Parsed(str(iban), scope=iban.country_code)


def parse_bank_account(text: str, options: Options) -> Parsed | Problem:  # noqa: PLR0911 - one early return per check, each naming its own problem
    """``COUNTRY:BANK:ACCOUNT``, each part compacted; the scope is the country.

    >>> parse_bank_account("970436 : 0123-456-789", Options(default_region="VN")).value
    'VN:970436:0123456789'
    >>> parse_bank_account("0123 456 789", Options(default_region="VN", bank="970436")).value
    'VN:970436:0123456789'
    """
    parts = [options.bank, text] if options.bank is not None else text.split(":")
    if len(parts) == 3:
        region = country(parts[0])
        if region is None:
            return COUNTRY_UNKNOWN
        parts = parts[1:]
    elif options.default_region is None:
        return COUNTRY_MISSING
    else:
        region = options.default_region
    if len(parts) == 1:
        return BANK_CODE_MISSING
    if len(parts) > 2:
        return ACCOUNT_INVALID
    bank, account = (compact(part) for part in parts)
    if not _BANK_CODE.match(bank):
        return BANK_CODE_INVALID
    if not _ACCOUNT.match(account):
        return ACCOUNT_INVALID
    return Parsed(f"{region}:{bank}:{account}", scope=region)
