from __future__ import annotations

from hanoinet.core.errors import CoreError


class RegisterError(CoreError):
    """A register document cannot be accepted; ``code`` says why in one word."""

    code = "invalid"


class RegisterFormatError(RegisterError):
    code = "malformed"


class RegisterSignatureError(RegisterError):
    code = "bad_signature"


class UnknownSignerError(RegisterError):
    code = "unknown_signer"


class RollbackError(RegisterError):
    code = "rollback"


class RegisterExpiredError(RegisterError):
    code = "expired"
