"""Why a matching message or step was refused: one exception class and one code per reason.

The codes travel back to the peer (``{"error": "bad_point"}``) and into the audit log, so
they are stable. Catch :class:`MatchingError` for all of them, or a subclass for one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from hanoinet.core.errors import CoreError


class MatchingCode(StrEnum):
    MALFORMED = "malformed"
    UNSUPPORTED_VERSION = "unsupported_version"
    WRONG_LENGTH = "wrong_length"
    TOO_MANY = "too_many"
    BAD_POINT = "bad_point"
    DUPLICATE = "duplicate"
    WRONG_SESSION = "wrong_session"
    MISMATCH = "mismatch"


class MatchingError(CoreError):
    """The base of every matching refusal; ``code`` says which, ``field`` names the culprit."""

    code: ClassVar[MatchingCode]

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(f"{self.code}: {field}: {detail}" if field else f"{self.code}: {detail}")
        self.detail = detail
        self.field = field


class MalformedError(MatchingError):
    """Not a matching message at all: wrong JSON shape, bad base64, unknown fields."""

    code = MatchingCode.MALFORMED


class UnsupportedVersionError(MatchingError):
    """The message speaks a protocol version this code does not."""

    code = MatchingCode.UNSUPPORTED_VERSION


class WrongLengthError(MatchingError):
    """A point or tag list whose byte length is not a whole number of entries."""

    code = MatchingCode.WRONG_LENGTH


class TooManyItemsError(MatchingError):
    """More entries than the receiver accepts (``max_items``): a cost or probing guard."""

    code = MatchingCode.TOO_MANY


class BadPointError(MatchingError):
    """Not a usable group element: non-canonical, low order, or not on the curve.

    ``index`` is the entry's position in its list, when known.
    """

    code = MatchingCode.BAD_POINT

    def __init__(self, detail: str, *, field: str | None = None, index: int | None = None):
        super().__init__(detail if index is None else f"{detail} (entry {index})", field=field)
        self.index = index


class DuplicateError(MatchingError):
    """The same point, tag or index twice, or entries out of their required ascending order."""

    code = MatchingCode.DUPLICATE


class WrongSessionError(MatchingError):
    """A message for another session (context) than the one it is applied to."""

    code = MatchingCode.WRONG_SESSION


class MismatchError(MatchingError):
    """A reply that does not answer the message it claims to: wrong count or range."""

    code = MatchingCode.MISMATCH
