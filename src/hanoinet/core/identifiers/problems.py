"""What is wrong with a reported value: a stable code and an explanation.

The codes are stable (stored with reports, shown by the API, counted in statistics);
the messages are English, marked with ``N_`` and translated by the node at display time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hanoinet.core.errors import CoreError


class ProblemCode(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    PHONE_REGION_MISSING = "phone_region_missing"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"
    EMAIL_DOMAIN_INVALID = "email_domain_invalid"
    DOMAIN_INVALID = "domain_invalid"
    DOMAIN_NOT_REGISTRABLE = "domain_not_registrable"
    IBAN_COUNTRY = "iban_country"
    IBAN_LENGTH = "iban_length"
    IBAN_STRUCTURE = "iban_structure"
    IBAN_CHECKSUM = "iban_checksum"
    COUNTRY_MISSING = "country_missing"
    COUNTRY_UNKNOWN = "country_unknown"
    BANK_CODE_MISSING = "bank_code_missing"
    BANK_CODE_INVALID = "bank_code_invalid"
    BANK_ACCOUNT_INVALID = "bank_account_invalid"
    WALLET_INVALID = "wallet_invalid"
    WALLET_CHECKSUM = "wallet_checksum"
    TX_HASH_INVALID = "tx_hash_invalid"
    SOCIAL_PLATFORM_MISSING = "social_platform_missing"
    SOCIAL_PLATFORM_INVALID = "social_platform_invalid"
    SOCIAL_PLATFORM_MISMATCH = "social_platform_mismatch"
    SOCIAL_HANDLE_INVALID = "social_handle_invalid"
    IP_INVALID = "ip_invalid"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a value could not be normalised; ``message`` is for the person who typed it."""

    code: ProblemCode
    message: str

    def as_dict(self) -> dict[str, str]:
        """The problem as JSON-ready data.

        >>> Problem(ProblemCode.EMPTY, "Nothing was entered.").as_dict()
        {'code': 'empty', 'message': 'Nothing was entered.'}
        """
        return {"code": str(self.code), "message": self.message}


class UnknownKindError(CoreError):
    """A programmer asked for a kind that does not exist (user input never raises)."""

    def __init__(self, kind: object) -> None:
        super().__init__(f"unknown identifier kind {kind!r}")
        self.kind = kind


class UnknownRegionError(CoreError):
    """A programmer passed a default region that is not an ISO 3166 alpha-2 code."""

    def __init__(self, region: str) -> None:
        super().__init__(f"unknown default region {region!r}; expected e.g. 'VN'")
        self.region = region
