"""The RFC 9162 Merkle tree agrees with the Certificate Transparency reference code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.ledger import (
    EMPTY_ROOT,
    BadProofError,
    InconsistentError,
    LedgerCode,
    MalformedError,
    MerkleTree,
    OutOfRangeError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from hanoinet.core.ledger.merkle import CACHE_MIN_LEAVES, SubtreeCache

# Reference vectors of Certificate Transparency: google/certificate-transparency C++
# merkle_tree_test.cc, as kept in transparency-dev/merkle proof/verify_test.go (leaves,
# roots, inclusionProofs, consistencyProofs) and rfc6962/rfc6962_test.go (hasher).
# verify_test.go numbers leaves from 1; the indices below are 0-based.
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
LEAF_HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def reference_tree() -> MerkleTree:
    tree = MerkleTree()
    for leaf in LEAVES:
        tree.append(leaf)
    return tree


def unhex(proof: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in proof]


def flip(value: bytes, bit: int = 3) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def test_hashes_match_the_rfc6962_hasher_vectors() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert leaf_hash(b"").hex() == ROOTS[1]
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_roots_match_the_reference(size: int) -> None:
    assert root(LEAF_HASHES, size).hex() == ROOTS[size]
    assert root(LEAF_HASHES[:size]).hex() == ROOTS[size]
    assert reference_tree().root(size).hex() == ROOTS[size]


def test_the_tree_grows_through_the_reference_roots() -> None:
    tree = MerkleTree()
    assert tree.root() == EMPTY_ROOT
    for index, leaf in enumerate(LEAVES):
        assert tree.append(leaf) == index
        assert tree.size == len(tree) == index + 1
        assert tree.root().hex() == ROOTS[index + 1]
        assert tree[index] == LEAF_HASHES[index]


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_inclusion_proofs_match_the_reference(index: int, size: int, expected: list[str]) -> None:
    proof = unhex(expected)
    assert inclusion_proof(index, size, LEAF_HASHES) == proof
    assert reference_tree().inclusion(index, size) == proof
    verify_inclusion(LEAF_HASHES[index], index, size, proof, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY)
def test_consistency_proofs_match_the_reference(old: int, new: int, expected: list[str]) -> None:
    proof = unhex(expected)
    assert consistency_proof(old, new, LEAF_HASHES) == proof
    assert reference_tree().consistency(old, new) == proof
    verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof)


def inclusion_probes(
    index: int, size: int, proof: list[bytes], root_hash: bytes, leaf: bytes
) -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    """Go's corruptInclusionProof: every probe must fail."""
    probes = [
        ("index - 1", index - 1, size, proof, root_hash, leaf),
        ("index + 1", index + 1, size, proof, root_hash, leaf),
        ("index ^ 2", index ^ 2, size, proof, root_hash, leaf),
        ("size * 2", index, size * 2, proof, root_hash, leaf),
        ("size / 2", index, size // 2, proof, root_hash, leaf),
        ("wrong leaf", index, size, proof, root_hash, b"WrongLeaf"),
        ("empty root", index, size, proof, EMPTY_ROOT, leaf),
        ("random root", index, size, proof, SOME_HASH, leaf),
        ("trailing garbage", index, size, [*proof, b""], root_hash, leaf),
        ("trailing root", index, size, [*proof, root_hash], root_hash, leaf),
        ("preceding garbage", index, size, [b"", *proof], root_hash, leaf),
        ("preceding root", index, size, [root_hash, *proof], root_hash, leaf),
    ]
    for position in range(len(proof)):
        wrong = list(proof)
        wrong[position] = flip(wrong[position])
        probes.append((f"flipped proof[{position}]", index, size, wrong, root_hash, leaf))
    if proof:
        probes.append(("removed component", index, size, proof[:-1], root_hash, leaf))
    if len(proof) > 1:
        inserted = [proof[0], SOME_HASH, *proof[1:]]
        probes.append(("inserted component", index, size, inserted, root_hash, leaf))
    return probes


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(index: int, size: int, expected: list[str]) -> None:
    probes = inclusion_probes(
        index, size, unhex(expected), bytes.fromhex(ROOTS[size]), LEAF_HASHES[index]
    )
    for description, probe_index, probe_size, proof, root_hash, leaf in probes:
        with pytest.raises(BadProofError) as caught:
            verify_inclusion(leaf, probe_index, probe_size, proof, root_hash)
        assert caught.value.code is LedgerCode.BAD_PROOF, description


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(old: int, new: int, expected: list[str]) -> None:
    """Go's corruptConsistencyProof: every probe must fail."""
    proof = unhex(expected)
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new // 2, old_root, new_root, proof),
        (old, new, b"WrongRoot", new_root, proof),
        (old, new, old_root, b"WrongRoot", proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, b""]),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    for position in range(len(proof)):
        wrong = list(proof)
        wrong[position] = flip(wrong[position], bit=4)
        probes.append((old, new, old_root, new_root, wrong))
    for number, (probe_old, probe_new, probe_old_root, probe_new_root, probe) in enumerate(probes):
        with pytest.raises(InconsistentError) as caught:
            verify_consistency(probe_old, probe_new, probe_old_root, probe_new_root, probe)
        assert caught.value.code is LedgerCode.INCONSISTENT, number


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof"),
    [
        pytest.param(0, 0, EMPTY_ROOT, EMPTY_ROOT, [], id="empty to empty"),
        pytest.param(0, 5, EMPTY_ROOT, SOME_HASH, [], id="empty to any"),
        pytest.param(3, 3, SOME_HASH, SOME_HASH, [], id="same tree"),
    ],
)
def test_trivial_consistency_needs_no_proof(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    verify_consistency(old, new, old_root, new_root, proof)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof"),
    [
        pytest.param(0, 5, SOME_HASH, SOME_HASH, [], id="size 0 with a non-empty root"),
        pytest.param(0, 5, EMPTY_ROOT, SOME_HASH, [SOME_HASH], id="size 0 with a proof"),
        pytest.param(3, 3, SOME_HASH, EMPTY_ROOT, [], id="same size, other root"),
        pytest.param(3, 3, SOME_HASH, SOME_HASH, [SOME_HASH], id="same size with a proof"),
        pytest.param(4, 3, SOME_HASH, SOME_HASH, [SOME_HASH], id="shrinking"),
        pytest.param(-1, 3, SOME_HASH, SOME_HASH, [], id="negative size"),
        pytest.param(1, 2, SOME_HASH, EMPTY_ROOT, [], id="missing proof"),
    ],
)
def test_impossible_consistency_fails(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    with pytest.raises(InconsistentError):
        verify_consistency(old, new, old_root, new_root, proof)


def test_a_single_leaf_tree_proves_its_leaf_with_an_empty_proof() -> None:
    single = leaf_hash(b"data")
    verify_inclusion(single, 0, 1, [], single)
    for leaf, root_hash in ((single, b""), (b"", single), (b"", b"")):
        with pytest.raises(BadProofError):
            verify_inclusion(leaf, 0, 1, [], root_hash)
    for index, size in ((0, 0), (1, 0), (2, 1)):
        with pytest.raises(BadProofError):
            verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


def test_proofs_for_leaves_or_sizes_the_log_lacks_are_refused() -> None:
    tree = reference_tree()
    calls: list[Callable[[], object]] = [
        lambda: tree.root(9),
        lambda: tree.root(-1),
        lambda: tree.inclusion(8),
        lambda: tree.inclusion(3, 3),
        lambda: tree.inclusion(-1),
        lambda: tree.consistency(5, 4),
        lambda: tree.consistency(-1),
        lambda: tree.consistency(1, 9),
        lambda: root(LEAF_HASHES, 9),
        lambda: inclusion_proof(0, 9, LEAF_HASHES),
        lambda: inclusion_proof(3, 3, LEAF_HASHES),
        lambda: consistency_proof(5, 4, LEAF_HASHES),
        lambda: consistency_proof(1, 9, LEAF_HASHES),
    ]
    for number, call in enumerate(calls):
        with pytest.raises(OutOfRangeError) as caught:
            call()
        assert caught.value.code is LedgerCode.OUT_OF_RANGE, number
    assert tree.consistency(0) == tree.consistency(8, 8) == []
    assert consistency_proof(0, 8, LEAF_HASHES) == consistency_proof(8, 8, LEAF_HASHES) == []


class ShortStore:
    """A broken leaf store whose range reads come back one hash short."""

    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes

    def __len__(self) -> int:
        return len(self.hashes)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return self.hashes[index][:-1]
        return self.hashes[index]


def test_a_bad_leaf_store_is_reported_not_hashed() -> None:
    with pytest.raises(MalformedError, match="leaf hash 3"):
        root([*LEAF_HASHES[:3], b"short", *LEAF_HASHES[4:]])
    with pytest.raises(MalformedError, match="leaf hash 0"):
        root([b"short"])
    with pytest.raises(MalformedError, match="gave 7 hashes for 8"):
        root(ShortStore(LEAF_HASHES))
    with pytest.raises(MalformedError) as caught:
        MerkleTree().append_hash(b"short")
    assert caught.value.field == "leaf hash"


def test_a_tree_rebuilt_from_stored_leaf_hashes_is_the_same_tree() -> None:
    rebuilt = MerkleTree(LEAF_HASHES)
    assert rebuilt.root() == reference_tree().root()
    assert rebuilt[2:4] == LEAF_HASHES[2:4]
    # The tree serves its own leaf hashes, so the module functions accept it as a store.
    assert inclusion_proof(3, 7, rebuilt) == rebuilt.inclusion(3, 7)


def test_a_subtree_cache_gives_the_same_proofs_and_keeps_only_big_subtrees() -> None:
    tree = MerkleTree(leaf_hash(n.to_bytes(2, "big")) for n in range(1500))
    hashes = list(tree[0 : tree.size])
    cache: SubtreeCache = {}
    for size in (257, 512, 1000, 1024, 1025, 1500):
        assert root(hashes, size, cache=cache) == tree.root(size)
        for index in (0, 255, 256, size // 2, size - 1):
            assert inclusion_proof(index, size, hashes, cache=cache) == tree.inclusion(index, size)
        for old in (1, 256, min(300, size), size - 1):
            assert consistency_proof(old, size, hashes, cache=cache) == tree.consistency(old, size)
    assert cache
    assert all(size > CACHE_MIN_LEAVES for _, size in cache)
    # A second pass is served from the cache and still agrees.
    assert inclusion_proof(1400, 1500, hashes, cache=cache) == tree.inclusion(1400, 1500)


def build(size: int) -> MerkleTree:
    return MerkleTree(leaf_hash(b"custody %d" % n) for n in range(size))


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=200))
def test_every_inclusion_and_consistency_proof_verifies(size: int) -> None:
    tree = build(size)
    hashes = list(tree[0:size])
    new_root = tree.root()
    assert root(hashes) == new_root
    for index in range(size):
        proof = tree.inclusion(index)
        assert proof == inclusion_proof(index, size, hashes)
        verify_inclusion(tree[index], index, size, proof, new_root)
    for old in range(size + 1):
        proof = tree.consistency(old)
        assert proof == consistency_proof(old, size, hashes)
        verify_consistency(old, size, tree.root(old), new_root, proof)


@st.composite
def leaves_in_trees(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=200))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@settings(max_examples=150, deadline=None)
@given(case=leaves_in_trees(), other=st.integers(min_value=0), bit=st.integers(0, 255))
def test_a_tampered_inclusion_proof_root_leaf_or_index_fails(
    case: tuple[int, int], other: int, bit: int
) -> None:
    size, index = case
    tree = build(size)
    proof, root_hash, leaf = tree.inclusion(index), tree.root(), tree[index]

    def flip_bit(value: bytes) -> bytes:
        as_int = int.from_bytes(value, "big") ^ (1 << bit)
        return as_int.to_bytes(len(value), "big")

    tampered: list[tuple[bytes, int, list[bytes], bytes]] = [
        (flip_bit(leaf), index, proof, root_hash),
        (leaf, index, proof, flip_bit(root_hash)),
    ]
    if proof:
        position = other % len(proof)
        wrong = list(proof)
        wrong[position] = flip_bit(wrong[position])
        tampered.append((leaf, index, wrong, root_hash))
    if size > 1:
        # A proof verifies only its own leaf: neither another leaf nor another position.
        elsewhere = (index + 1 + other % (size - 1)) % size
        tampered.append((tree[elsewhere], index, proof, root_hash))
        tampered.append((leaf, elsewhere, proof, root_hash))
    for leaf_hash_, position, path, expected_root in tampered:
        with pytest.raises(BadProofError):
            verify_inclusion(leaf_hash_, position, size, path, expected_root)


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=200), min_size=2, max_size=2, unique=True),
    other=st.integers(min_value=0),
    bit=st.integers(0, 255),
)
def test_a_tampered_consistency_proof_or_root_fails(sizes: list[int], other: int, bit: int) -> None:
    old, new = sorted(sizes)
    tree = build(new)
    proof, old_root, new_root = tree.consistency(old), tree.root(old), tree.root()

    def flip_bit(value: bytes) -> bytes:
        as_int = int.from_bytes(value, "big") ^ (1 << bit)
        return as_int.to_bytes(len(value), "big")

    wrong = list(proof)
    wrong[other % len(proof)] = flip_bit(wrong[other % len(proof)])
    # A log that rewrote one old leaf has a new root that extends no old root we saw.
    forked = MerkleTree(tree[0:new])
    rewritten = MerkleTree([*forked[0 : old - 1], flip_bit(forked[old - 1]), *forked[old:new]])
    tampered = [
        (old, new, old_root, new_root, wrong),
        (old, new, flip_bit(old_root), new_root, proof),
        (old, new, old_root, flip_bit(new_root), proof),
        (old, new, old_root, rewritten.root(), rewritten.consistency(old)),
    ]
    for probe_old, probe_new, probe_old_root, probe_new_root, path in tampered:
        with pytest.raises(InconsistentError):
            verify_consistency(probe_old, probe_new, probe_old_root, probe_new_root, path)
