"""A witness co-signs only checkpoints that extend the last one it co-signed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hanoinet.core.ledger import (
    BadSignatureError,
    Checkpoint,
    ForkError,
    InconsistentError,
    LedgerCode,
    MalformedError,
    MerkleTree,
    RollbackError,
    UnknownSignerError,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
    witness,
)
from hanoinet.core.ledger.checkpoint import SignedCheckpoint

ORIGIN = "hanoinet.example/VNM/custody"
WITNESS_NAME = "witness.example/KHM"
LOG = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
WITNESS = Ed25519PrivateKey.from_private_bytes(bytes([2]) * 32)
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def custody_log(size: int, tag: bytes = b"") -> MerkleTree:
    tree = MerkleTree()
    for n in range(size):
        tree.append(tag + b"event %d" % n)
    return tree


def note(tree: MerkleTree, size: int, *, key: Ed25519PrivateKey = LOG, origin: str = ORIGIN) -> str:
    checkpoint = Checkpoint(origin, size, tree.root(size), NOW + timedelta(minutes=size))
    return sign_checkpoint(checkpoint, origin, key)


def checkpoint_of(text: str) -> Checkpoint:
    return parse_checkpoint(text).checkpoint


def witnessed(
    text: str,
    proof: Sequence[bytes],
    previous: Checkpoint | None,
    *,
    origin: str = ORIGIN,
) -> str:
    return witness(
        text,
        proof,
        previous=previous,
        origin=origin,
        log_keys={ORIGIN: LOG.public_key()},
        name=WITNESS_NAME,
        key=WITNESS,
    )


def test_the_first_checkpoint_is_accepted_and_co_signed() -> None:
    tree = custody_log(5)
    result = witnessed(note(tree, 5), [], None)
    verified = verify_checkpoint(result, {WITNESS_NAME: WITNESS.public_key()})
    assert verified.signers == (WITNESS_NAME,)
    assert verified.checkpoint == checkpoint_of(note(tree, 5))


def test_a_consistent_extension_is_accepted() -> None:
    tree = custody_log(12)
    previous = checkpoint_of(witnessed(note(tree, 5), [], None))
    result = witnessed(note(tree, 12), tree.consistency(5, 12), previous)
    parsed: SignedCheckpoint = parse_checkpoint(result)
    assert parsed.checkpoint.size == 12
    assert [s.name for s in parsed.signatures] == [ORIGIN, WITNESS_NAME]


def test_the_same_checkpoint_again_is_accepted() -> None:
    tree = custody_log(7)
    previous = checkpoint_of(note(tree, 7))
    assert checkpoint_of(witnessed(note(tree, 7), [], previous)) == previous


def test_a_growing_log_is_followed_step_by_step() -> None:
    tree = custody_log(40)
    previous: Checkpoint | None = None
    for size in (0, 1, 2, 3, 8, 13, 13, 32, 40):
        old = 0 if previous is None else previous.size
        previous = checkpoint_of(witnessed(note(tree, size), tree.consistency(old, size), previous))
        assert previous.size == size


def test_a_smaller_tree_is_a_rollback() -> None:
    tree = custody_log(9)
    previous = checkpoint_of(note(tree, 9))
    with pytest.raises(RollbackError) as caught:
        witnessed(note(tree, 5), [], previous)
    assert caught.value.code is LedgerCode.ROLLBACK
    assert isinstance(caught.value, InconsistentError)


def test_another_root_at_the_same_size_is_a_fork() -> None:
    honest, forked = custody_log(9), custody_log(9, tag=b"rewritten ")
    previous = checkpoint_of(note(honest, 9))
    with pytest.raises(ForkError) as caught:
        witnessed(note(forked, 9), [], previous)
    assert caught.value.code is LedgerCode.FORK
    assert isinstance(caught.value, InconsistentError)


def test_a_rewritten_history_does_not_prove_consistent() -> None:
    honest = custody_log(6)
    rewritten = MerkleTree([*honest[0:3], custody_log(1, tag=b"forged ")[0], *honest[4:6]])
    for n in range(6, 10):
        rewritten.append(b"event %d" % n)
    previous = checkpoint_of(note(honest, 6))
    with pytest.raises(InconsistentError) as caught:
        witnessed(note(rewritten, 10), rewritten.consistency(6, 10), previous)
    assert caught.value.code is LedgerCode.INCONSISTENT


def test_a_bad_or_missing_proof_is_inconsistent() -> None:
    tree = custody_log(12)
    previous = checkpoint_of(note(tree, 5))
    for proof in ([], tree.consistency(4, 12), tree.consistency(5, 12)[:-1]):
        with pytest.raises(InconsistentError) as caught:
            witnessed(note(tree, 12), proof, previous)
        assert caught.value.code is LedgerCode.INCONSISTENT


def test_only_checkpoints_signed_by_the_log_are_witnessed() -> None:
    tree = custody_log(3)
    with pytest.raises(UnknownSignerError):
        witnessed(note(tree, 3, key=STRANGER), [], None)
    tampered = note(tree, 3).replace("\n3\n", "\n2\n", 1)
    with pytest.raises(BadSignatureError):
        witnessed(tampered, [], None)


def test_a_checkpoint_of_another_log_is_refused() -> None:
    tree = custody_log(3)
    with pytest.raises(MalformedError) as caught:
        witnessed(note(tree, 3), [], None, origin="hanoinet.example/KHM/custody")
    assert caught.value.field == "origin"
    other_log = Checkpoint("hanoinet.example/KHM/custody", 1, tree.root(1), NOW)
    with pytest.raises(MalformedError) as caught:
        witnessed(note(tree, 3), tree.consistency(1, 3), other_log)
    assert caught.value.field == "origin"
