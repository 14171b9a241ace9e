"""The witness's decision: co-sign a log's new checkpoint only if it extends the last one.

A log that shows different histories to different readers (a *split view*) could rewrite
custody records for one of them unnoticed. A witness remembers the last checkpoint it
co-signed for each log and signs a new one only when an RFC 9162 consistency proof
(§2.1.4) shows that the new tree contains the old one unchanged. Readers who require
witness signatures therefore all see one append-only history.

Storing the accepted checkpoint (atomically, per log) is the caller's job; this module
only decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hanoinet.core.ledger.checkpoint import Checkpoint, cosign, verify_checkpoint
from hanoinet.core.ledger.errors import ForkError, MalformedError, RollbackError
from hanoinet.core.ledger.merkle import verify_consistency


def check_extension(previous: Checkpoint | None, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """Raise unless ``new`` is a consistent continuation of ``previous`` (``None``: first).

    :class:`RollbackError` for a smaller tree, :class:`ForkError` for another root at the
    same size, :class:`InconsistentError` when the proof fails (RFC 9162 §2.1.4.2).
    """
    if previous is None:
        return
    if previous.origin != new.origin:
        raise MalformedError(f"is {new.origin!r}, not {previous.origin!r}", field="origin")
    if new.size < previous.size:
        raise RollbackError(f"the log went back from {previous.size} to {new.size} leaves")
    if new.size == previous.size and new.root != previous.root:
        raise ForkError(f"the log shows two different roots for {new.size} leaves")
    verify_consistency(previous.size, new.size, previous.root, new.root, proof)


def witness(
    note: str,
    proof: Sequence[bytes],
    *,
    previous: Checkpoint | None,
    origin: str,
    log_keys: Mapping[str, Ed25519PublicKey],
    name: str,
    key: Ed25519PrivateKey,
) -> str:
    """Check a log's checkpoint note and return it co-signed by this witness.

    ``previous`` is the last checkpoint this witness accepted for the log (``None`` the
    first time); ``proof`` is the consistency proof from its size to the new one. The
    note must carry a valid signature by one of the log's ``log_keys`` and be for
    ``origin``. Raises a :class:`LedgerError` (unknown_signer, bad_signature, malformed,
    rollback, fork, inconsistent) instead of signing anything doubtful. The accepted
    checkpoint is ``parse_checkpoint(result).checkpoint``.
    """
    verified = verify_checkpoint(note, log_keys)
    new = verified.checkpoint
    if new.origin != origin:
        raise MalformedError(f"is {new.origin!r}, not {origin!r}", field="origin")
    check_extension(previous, new, proof)
    return cosign(note, name, key)
