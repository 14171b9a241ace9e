"""Why an envelope was refused: one stable code per reason, shown to the sender."""

from __future__ import annotations

from enum import StrEnum

from hanoinet.core.errors import CoreError


class Rejection(StrEnum):
    UNKNOWN_SENDER = "unknown_sender"
    BAD_SIGNATURE = "bad_signature"
    NOT_FOR_US = "not_for_us"
    REPLAYED = "replayed"
    EXPIRED = "expired"
    CLOCK_SKEW = "clock_skew"
    UNSUPPORTED_VERSION = "unsupported_version"
    TOO_LARGE = "too_large"
    MALFORMED = "malformed"


class EnvelopeError(CoreError):
    def __init__(self, code: Rejection, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
