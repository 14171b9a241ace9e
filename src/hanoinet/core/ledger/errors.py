"""Why the ledger refused something: one exception class and one stable code per reason.

The codes travel: a witness answers a log with them, an API shows them, a court report
quotes them. Catch :class:`LedgerError` for all of them, or a subclass for one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from hanoinet.core.errors import CoreError


class LedgerCode(StrEnum):
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_SIGNER = "unknown_signer"
    BAD_PROOF = "bad_proof"
    INCONSISTENT = "inconsistent"
    ROLLBACK = "rollback"
    FORK = "fork"
    OUT_OF_RANGE = "out_of_range"


class LedgerError(CoreError):
    """The base of every ledger refusal; ``code`` says which one, ``detail`` says why."""

    code: ClassVar[LedgerCode]

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.code}: {detail}")
        self.detail = detail


class MalformedError(LedgerError):
    """Input that does not parse or does not validate; ``field`` names the culprit if known."""

    code = LedgerCode.MALFORMED

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.field = field


class BadSignatureError(LedgerError):
    """A signature by a known key does not verify: the note was altered or forged."""

    code = LedgerCode.BAD_SIGNATURE


class UnknownSignerError(LedgerError):
    """No signature on the note comes from a key the verifier trusts."""

    code = LedgerCode.UNKNOWN_SIGNER


class BadProofError(LedgerError):
    """An inclusion proof does not lead from the leaf to the root (RFC 9162 §2.1.3.2)."""

    code = LedgerCode.BAD_PROOF


class InconsistentError(LedgerError):
    """A newer tree does not extend an older one (RFC 9162 §2.1.4.2)."""

    code = LedgerCode.INCONSISTENT


class RollbackError(InconsistentError):
    """A log showed a smaller tree than one it showed before."""

    code = LedgerCode.ROLLBACK


class ForkError(InconsistentError):
    """A log showed two different roots for the same tree size: a split view."""

    code = LedgerCode.FORK


class OutOfRangeError(LedgerError):
    """A proof was asked for a leaf or tree size the log does not have (yet)."""

    code = LedgerCode.OUT_OF_RANGE
