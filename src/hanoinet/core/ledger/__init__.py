"""The custody ledger: an RFC 9162 Merkle log of custody events, signed checkpoints, witnesses.

Pure Python (no Django). :mod:`~hanoinet.core.ledger.merkle` hashes leaves and computes
and verifies inclusion and consistency proofs; :mod:`~hanoinet.core.ledger.checkpoint`
signs the log's size and root as a C2SP signed note; :mod:`~hanoinet.core.ledger.witness`
co-signs a checkpoint only if it extends the last one seen;
:mod:`~hanoinet.core.ledger.events` defines the leaves. Every refusal is a
:class:`LedgerError` with a stable :class:`LedgerCode`.
"""

from hanoinet.core.ledger.checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    VerifiedCheckpoint,
    cosign,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from hanoinet.core.ledger.errors import (
    BadProofError,
    BadSignatureError,
    ForkError,
    InconsistentError,
    LedgerCode,
    LedgerError,
    MalformedError,
    OutOfRangeError,
    RollbackError,
    UnknownSignerError,
)
from hanoinet.core.ledger.events import CUSTODY_KINDS, CustodyEvent, CustodyKind
from hanoinet.core.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    LeafHashes,
    MerkleTree,
    SubtreeCache,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from hanoinet.core.ledger.note import parse_verifier_key, verifier_key
from hanoinet.core.ledger.witness import check_extension, witness

__all__ = [
    "CUSTODY_KINDS",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "BadProofError",
    "BadSignatureError",
    "Checkpoint",
    "CustodyEvent",
    "CustodyKind",
    "ForkError",
    "InconsistentError",
    "LeafHashes",
    "LedgerCode",
    "LedgerError",
    "MalformedError",
    "MerkleTree",
    "OutOfRangeError",
    "RollbackError",
    "SignedCheckpoint",
    "SubtreeCache",
    "UnknownSignerError",
    "VerifiedCheckpoint",
    "check_extension",
    "consistency_proof",
    "cosign",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "parse_checkpoint",
    "parse_verifier_key",
    "root",
    "sign_checkpoint",
    "verifier_key",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
    "witness",
]
