"""Country codes: ISO 3166 alpha-2, as known to the phone-number metadata."""

from __future__ import annotations

import phonenumbers

# Every country and territory has a telephone numbering plan, so libphonenumber's region
# list doubles as the list of countries without another dependency.
REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


def country(text: str) -> str | None:
    """The upper-case country code, or None if ``text`` is not one.

    >>> country(" vn "), country("XX")
    ('VN', None)
    """
    code = text.strip().upper()
    return code if code in REGIONS else None
