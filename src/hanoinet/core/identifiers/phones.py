"""Phone numbers, in E.164 (``+84912345678``) through Google's libphonenumber metadata.

A number written nationally (``0912 345 678``) needs the region it was dialled in: the
node passes its own country as ``default_region``. Only numbers that the metadata
calls *valid* (right length and an allocated range) are accepted; a merely *possible*
number would let typos link unrelated reports.
"""

from __future__ import annotations

import phonenumbers

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.problems import Problem, ProblemCode

REGION_MISSING = Problem(
    ProblemCode.PHONE_REGION_MISSING,
    N_("This number is written without its country code (+...) and no country is known."),
)
INVALID = Problem(ProblemCode.PHONE_INVALID, N_("This is not a valid phone number."))


def parse_phone(text: str, options: Options) -> Parsed | Problem:
    """The number in E.164, its scope the region that owns it.

    >>> parse_phone("0912 345 678", Options(default_region="VN"))
    Parsed(value='+84912345678', scope='VN', flags=frozenset())
    >>> parse_phone("0912 345 678", Options()).code.value
    'phone_region_missing'
    """
    try:
        number = phonenumbers.parse(text, options.default_region)
    except phonenumbers.NumberParseException as error:
        if (
            error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE
            and options.default_region is None
            and not text.lstrip().startswith("+")
        ):
            return REGION_MISSING
        return INVALID
    if not phonenumbers.is_valid_number(number):
        return INVALID
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Parsed(e164, scope=phonenumbers.region_code_for_number(number))
